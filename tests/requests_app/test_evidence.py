"""Each agency's evidence per field (FieldEvidence), kept by the services that write answers and
returns, and rebuilt by the admin and the migration the same way."""

import importlib
from unittest import mock

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile

from catalogue.models import Field
from requests_app.admin import DataRequestAdmin
from requests_app.models import DataRequest, FieldEvidence, Status
from requests_app.services.checklists import ChecklistInput, checklist_record, evidence_refresh
from requests_app.services.processing import return_process
from requests_app.services.returns import return_upload
from requests_app.tasks import process_return
from tests.factories import force_status

pytestmark = pytest.mark.django_db
GOOD = b"Nationality,Ward or small area,Period,Count\nPolish,E05000001,2025 Q1,12\n,E05000002,2025 Q2,5\n"


def answer(code, collected):
    return ChecklistInput(Field.objects.get(code=code), collected, "yes", "yes", None, "")


def evidence(agency, code):
    return FieldEvidence.objects.filter(agency=agency, field__code=code).select_related("answer", "measured").first()


def snapshot():
    return sorted(FieldEvidence.objects.values_list("agency_id", "field_id", "answer_id", "measured_id", "returned_id"))


@pytest.fixture
def covered_request(agency_a, make_request, make_agreement):
    make_agreement([agency_a])
    return force_status(make_request(agency_a), Status.SENT)


def upload(data_request, user):
    with mock.patch.object(process_return, "delay"):
        return return_upload(request=data_request, user=user, upload=SimpleUploadedFile("return.csv", GOOD))


def test_the_newest_answer_across_an_agencys_requests_is_its_evidence(agency_a, contact_a, make_request):
    first, second, third = (make_request(agency_a, title=title) for title in ("First", "Second", "Third"))
    checklist_record(request=first, user=contact_a, answers=[answer("nationality", "no")])
    assert evidence(agency_a, "nationality").answer.collected == "no"
    checklist_record(request=second, user=contact_a, answers=[answer("nationality", "yes")])
    assert evidence(agency_a, "nationality").answer.request == second
    # "Don't know" says nothing about the field, so the last real answer stands.
    checklist_record(request=third, user=contact_a, answers=[answer("nationality", "unknown")])
    assert evidence(agency_a, "nationality").answer.request == second


def test_a_processed_return_gives_measured_completeness_and_its_columns(covered_request, contact_a):
    return_process(return_id=upload(covered_request, contact_a).pk)
    nationality = evidence(covered_request.agency, "nationality")
    assert float(nationality.measured.measured_completeness) == 50.0
    requested = set(covered_request.fields.values_list("pk", flat=True))
    assert set(FieldEvidence.objects.filter(returned=covered_request).values_list("field_id", flat=True)) == requested


def test_a_new_upload_leaves_the_returned_columns_until_it_is_accepted(covered_request, contact_a):
    return_process(return_id=upload(covered_request, contact_a).pk)
    before = snapshot()
    replacement = upload(covered_request, contact_a)
    assert snapshot() == before and FieldEvidence.objects.filter(returned=covered_request).exists()
    return_process(return_id=replacement.pk)
    assert FieldEvidence.objects.filter(returned=covered_request).exists()
    assert evidence(covered_request.agency, "nationality").measured is not None


def test_refreshing_again_changes_nothing(covered_request, contact_a):
    checklist_record(request=covered_request, user=contact_a, answers=[answer("ward", "partly")])
    return_process(return_id=upload(covered_request, contact_a).pk)
    before = snapshot()
    evidence_refresh(agency_ids=[covered_request.agency_id])
    assert snapshot() == before and before


def test_deleting_a_request_in_the_admin_falls_back_to_the_older_answer(agency_a, contact_a, make_request):
    older, newer = make_request(agency_a, title="Older"), make_request(agency_a, title="Newer")
    checklist_record(request=older, user=contact_a, answers=[answer("nationality", "partly")])
    checklist_record(request=newer, user=contact_a, answers=[answer("nationality", "yes")])
    DataRequestAdmin(DataRequest, admin.site).delete_model(None, newer)
    assert evidence(agency_a, "nationality").answer.request == older


def test_the_migration_derives_the_same_evidence_as_the_service(covered_request, agency_a, contact_a, make_request):
    checklist_record(request=make_request(agency_a), user=contact_a, answers=[answer("nationality", "no")])
    checklist_record(
        request=covered_request, user=contact_a, answers=[answer("nationality", "yes"), answer("ward", "yes")]
    )
    return_process(return_id=upload(covered_request, contact_a).pk)
    from_services = snapshot()
    FieldEvidence.objects.all().delete()
    importlib.import_module("requests_app.migrations.0002_field_evidence").backfill(apps, None)
    assert snapshot() == from_services and from_services
