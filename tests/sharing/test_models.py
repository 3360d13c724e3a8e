import pytest
from django.db import IntegrityError, connection, transaction

from sharing.models import AuditEntry, SharingAgreement, form_permits

pytestmark = pytest.mark.django_db


def test_an_agreement_cannot_end_before_it_starts(make_agreement, agency_a):
    agreement = make_agreement([agency_a], steps=())
    with pytest.raises(IntegrityError), transaction.atomic():
        SharingAgreement.objects.filter(pk=agreement.pk).update(end_date=agreement.start_date)


def test_an_article_9_condition_needs_a_schedule_1_condition_in_the_database(make_agreement, agency_a):
    agreement = make_agreement([agency_a], steps=())
    with pytest.raises(IntegrityError), transaction.atomic():
        SharingAgreement.objects.filter(pk=agreement.pk).update(article9_condition="9(2)(g)")


def test_the_database_refuses_a_small_numbers_threshold_of_0(make_agreement, agency_a):
    agreement = make_agreement([agency_a], steps=())
    with pytest.raises(IntegrityError), transaction.atomic():
        SharingAgreement.objects.filter(pk=agreement.pk).update(reporting_threshold=0)


def test_a_new_agreement_takes_the_configured_small_numbers_threshold(make_agreement, agency_a, settings):
    settings.TRACKER_REPORTING_THRESHOLD = 7
    assert make_agreement([agency_a], steps=()).reporting_threshold == 7


def test_nothing_is_in_force_without_siro_sign_off_in_the_database(make_agreement, agency_a):
    agreement = make_agreement([agency_a], steps=())
    with pytest.raises(IntegrityError), transaction.atomic():
        SharingAgreement.objects.filter(pk=agreement.pk).update(status="active")


def test_a_data_form_permits_itself_and_less_identifying_forms():
    assert form_permits("aggregate", "aggregate-suppressed") and form_permits("aggregate", "aggregate")
    assert not form_permits("aggregate", "pseudonymised")
    assert form_permits("record-level", "pseudonymised")


class TestTheAuditLogIsAppendOnly:
    def entry(self):
        return AuditEntry.objects.create(actor_name="x", action="data-viewed", object_type="t", object_id="1")

    def test_an_entry_cannot_be_saved_again_or_deleted(self):
        entry = self.entry()
        entry.detail = "changed"
        with pytest.raises(PermissionError):
            entry.save()
        with pytest.raises(PermissionError):
            entry.delete()

    def test_bulk_updates_and_deletes_are_refused(self):
        self.entry()
        with pytest.raises(PermissionError):
            AuditEntry.objects.update(detail="changed")
        with pytest.raises(PermissionError):
            AuditEntry.objects.all().delete()
        assert AuditEntry.objects.get().detail == ""

    def test_the_database_refuses_raw_sql_changes(self):
        entry = self.entry()
        for sql in (
            "UPDATE sharing_auditentry SET detail = 'x' WHERE id = %s",
            "DELETE FROM sharing_auditentry WHERE id = %s",
        ):
            with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [entry.pk])
        assert AuditEntry.objects.filter(pk=entry.pk, detail="").exists()
