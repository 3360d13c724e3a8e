import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from guardian.shortcuts import get_perms

from catalogue.models import Field
from notifications.models import Notification
from requests_app.models import ChecklistAnswer, DataRequest, Reminder, RequestEvent, Status
from requests_app.services import chasers
from requests_app.services.campaigns import campaign_chase_overdue, campaign_create
from requests_app.services.chasers import chasers_send
from requests_app.services.checklists import ChecklistInput, checklist_record
from requests_app.services.requests import agency_contact_remove, request_message_post, request_transition
from sharing.models import AuditEntry
from tests.factories import force_status, make_user

pytestmark = pytest.mark.django_db


def test_creating_a_request_lets_only_that_agencys_group_see_it(agency_a, agency_b, contact_a, contact_b, make_request):
    data_request = make_request(agency_a)
    assert data_request.status == Status.DRAFT and data_request.reference.startswith("REQ-")
    assert set(get_perms(contact_a, data_request)) == {"view_datarequest", "respond_datarequest"}
    assert get_perms(contact_b, data_request) == []


def test_a_request_needs_at_least_one_field(agency_a, make_request):
    with pytest.raises(ValidationError, match="at least one field"):
        make_request(agency_a, fields=())


def test_sending_tells_the_agency_contacts_by_email_and_in_the_app(
    agency_a, contact_a, coordinator, make_request, django_capture_on_commit_callbacks
):
    data_request = make_request(agency_a)
    with django_capture_on_commit_callbacks(execute=True):
        request_transition(request=data_request, action="send", user=coordinator)
    assert Notification.objects.filter(user=contact_a, subject__contains=data_request.reference).exists()
    assert [m.to for m in mail.outbox] == [["contact_a@example.org"]]


def test_completing_a_recurring_request_creates_the_next_one_once(agency_a, coordinator, make_request):
    data_request = force_status(make_request(agency_a, recurrence="quarterly"), Status.RECEIVED)
    request_transition(request=data_request, action="complete", user=coordinator)
    following = DataRequest.objects.get(previous=data_request)
    assert following.status == Status.DRAFT
    assert (following.period_start, following.period_end) == (datetime.date(2025, 7, 1), datetime.date(2026, 6, 30))
    assert set(following.fields.all()) == set(data_request.fields.all())
    request_transition(request=data_request, action="reopen", user=coordinator, note="Correction")
    request_transition(request=data_request, action="complete", user=coordinator)
    assert DataRequest.objects.filter(previous=data_request).count() == 1


def test_messages_go_to_the_other_side_with_attachments(agency_a, contact_a, coordinator, make_request):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data_request = make_request(agency_a)
    request_message_post(
        request=data_request, user=contact_a, body="Which year?", attachment=SimpleUploadedFile("q.txt", b"hello")
    )
    event = data_request.events.get(kind=RequestEvent.Kind.MESSAGE)
    assert event.attachment_name == "q.txt" and event.attachment.read() == b"hello"
    assert Notification.objects.filter(user=coordinator).exists()
    assert not Notification.objects.filter(user=contact_a).exists()


def test_an_outsider_cannot_post_messages_or_answer_the_checklist(agency_a, contact_b, make_request):
    data_request = make_request(agency_a)
    with pytest.raises(PermissionDenied):
        request_message_post(request=data_request, user=contact_b, body="hi")
    with pytest.raises(PermissionDenied):
        checklist_record(request=data_request, user=contact_b, answers=[])


def answer(code, collected="yes", completeness=90):
    return ChecklistInput(Field.objects.get(code=code), collected, "no", "yes", completeness, "")


def test_the_checklist_records_who_answered_and_as_whom(agency_a, contact_a, coordinator, make_request):
    data_request = make_request(agency_a)
    assert checklist_record(request=data_request, user=contact_a, answers=[answer("nationality", "partly", 60)]) == 1
    stored = ChecklistAnswer.objects.get(request=data_request)
    assert (stored.collected, stored.completeness, stored.recorded_by, stored.recorded_as) == (
        "partly",
        60,
        contact_a,
        "agency",
    )
    assert checklist_record(request=data_request, user=coordinator, answers=[answer("nationality", "partly", 60)]) == 0
    checklist_record(request=data_request, user=coordinator, answers=[answer("nationality", "yes", 95)])
    stored.refresh_from_db()
    assert (stored.recorded_by, stored.recorded_as) == (coordinator, "coordinator")


def test_the_checklist_is_all_or_nothing(agency_a, contact_a, make_request):
    data_request = make_request(agency_a)
    with pytest.raises(ValidationError):
        checklist_record(request=data_request, user=contact_a, answers=[answer("nationality"), answer("ethnicity")])
    with pytest.raises(ValidationError):
        checklist_record(
            request=data_request, user=contact_a, answers=[answer("ward"), answer("nationality", completeness=140)]
        )
    assert not ChecklistAnswer.objects.exists()


def test_when_a_contact_leaves_their_open_requests_pass_to_another_contact(
    agency_a, contact_a, coordinator, make_request
):
    colleague = make_user("colleague", "Agency contact")
    agency_a.contacts.add(colleague)
    open_request = make_request(agency_a, agency_contact=contact_a)
    closed_request = force_status(make_request(agency_a, agency_contact=contact_a), Status.COMPLETED)
    assert agency_contact_remove(agency=agency_a, user=contact_a, by=coordinator) == 1
    open_request.refresh_from_db()
    closed_request.refresh_from_db()
    assert open_request.agency_contact == colleague and closed_request.agency_contact == contact_a
    assert not contact_a.has_perm("requests_app.view_datarequest", open_request)
    assert colleague.has_perm("requests_app.view_datarequest", open_request)
    assert open_request.events.filter(kind=RequestEvent.Kind.REASSIGNED).exists()


class TestChasers:
    def sent(self, make_request, agency, due):
        data_request = force_status(make_request(agency), Status.SENT)
        DataRequest.objects.filter(pk=data_request.pk).update(
            due_date=due, long_overdue_date=due + datetime.timedelta(days=28)
        )
        return data_request

    def test_each_reminder_goes_out_once_however_often_the_task_runs(
        self, agency_a, contact_a, coordinator, make_request
    ):
        due = datetime.date(2026, 4, 22)
        data_request = self.sent(make_request, agency_a, due)
        for day, kind in [
            (datetime.date(2026, 4, 16), "before-due"),
            (due, "due-today"),
            (datetime.date(2026, 4, 23), "overdue"),
            (datetime.date(2026, 5, 21), "long-overdue"),
        ]:
            first = chasers_send(today=day, reminder_working_days=5)
            second = chasers_send(today=day, reminder_working_days=5)
            assert first[kind] == 1 and second[kind] == 0, kind
        assert Reminder.objects.filter(request=data_request).count() == 4
        assert Notification.objects.filter(user=coordinator, subject__contains="overdue").count() == 2
        assert Notification.objects.filter(user=contact_a).count() == 4

    def test_a_request_that_cannot_be_chased_is_logged_and_does_not_stop_the_others(
        self, agency_a, agency_b, make_request, monkeypatch, caplog
    ):
        due = datetime.date(2026, 4, 22)
        broken, waiting = self.sent(make_request, agency_a, due), self.sent(make_request, agency_b, due)
        refused, real_notify = {broken.reference}, chasers.notify

        def notify(*, subject, **kwargs):
            if subject.split(":")[0] in refused:
                raise RuntimeError("the mail server refused the address")
            return real_notify(subject=subject, **kwargs)

        monkeypatch.setattr(chasers, "notify", notify)
        day = datetime.date(2026, 4, 23)

        sent = chasers_send(today=day, reminder_working_days=5)

        assert sent == {"before-due": 0, "due-today": 0, "overdue": 1, "long-overdue": 0, "failed": 1}
        assert Reminder.objects.filter(request=waiting, kind="overdue").exists()
        assert not Reminder.objects.filter(request=broken).exists()
        assert not RequestEvent.objects.filter(request=broken, kind=RequestEvent.Kind.CHASER).exists()
        assert f"Chasing request {broken.pk} failed" in caplog.text
        refused.clear()
        sent_again = chasers_send(today=day, reminder_working_days=5)  # the one that failed, and only that one
        assert sent_again == {"before-due": 0, "due-today": 0, "overdue": 1, "long-overdue": 0, "failed": 0}
        assert Reminder.objects.filter(request=broken, kind="overdue").exists()

    def test_no_reminder_before_the_window(self, agency_a, make_request):
        self.sent(make_request, agency_a, datetime.date(2026, 4, 22))
        assert sum(chasers_send(today=datetime.date(2026, 4, 1), reminder_working_days=5).values()) == 0

    @pytest.mark.parametrize(
        "status",
        [Status.CLARIFICATION, Status.RECEIVED, Status.UNDER_QUERY, Status.COMPLETED, Status.REFUSED, Status.DRAFT],
    )
    def test_nobody_is_chased_once_the_request_has_moved_on(self, status, agency_a, make_request):
        data_request = force_status(make_request(agency_a), status)
        assert sum(chasers_send(today=datetime.date(2026, 12, 1), reminder_working_days=5).values()) == 0
        assert not Reminder.objects.filter(request=data_request).exists()

    def test_the_periodic_task_runs_the_chasers(self, agency_a, make_request, settings):
        from requests_app.tasks import send_request_chasers

        self.sent(make_request, agency_a, datetime.date(2020, 1, 6))
        assert send_request_chasers.apply().result["long-overdue"] == 1
        assert send_request_chasers.apply().result["long-overdue"] == 0


class TestCampaigns:
    def values(self, make_request):
        from catalogue.models import GeographyLevel, Source

        return dict(
            source=Source.objects.get(slug="school-census-eal-pupils"),
            title="EAL pupils",
            purpose="Planning",
            fields=list(Field.objects.filter(code__in=["nationality", "ward"])),
            geography_level=GeographyLevel.objects.get(code="ward"),
            period_start=datetime.date(2025, 9, 1),
            period_end=datetime.date(2026, 7, 31),
        )

    def test_a_campaign_sends_one_request_per_agency(self, agency_a, agency_b, coordinator, make_request):
        campaign = campaign_create(
            name="All", agencies=[agency_a, agency_b], coordinator=coordinator, send=True, **self.values(make_request)
        )
        assert campaign.requests.count() == 2
        assert set(campaign.requests.values_list("status", flat=True)) == {Status.SENT}

    def test_a_failing_campaign_leaves_nothing_behind(self, agency_a, coordinator, make_request):
        values = self.values(make_request)
        values["period_end"] = datetime.date(2020, 1, 1)
        with pytest.raises(ValidationError):
            campaign_create(name="Bad", agencies=[agency_a], coordinator=coordinator, send=True, **values)
        assert not DataRequest.objects.exists()

    def test_only_coordinators_start_campaigns(self, agency_a, contact_a, make_request):
        with pytest.raises(PermissionDenied):
            campaign_create(
                name="No", agencies=[agency_a], coordinator=contact_a, send=True, **self.values(make_request)
            )

    def test_chasing_overdue_agencies_reaches_only_those_overdue_and_once_a_day(
        self, agency_a, agency_b, contact_a, contact_b, coordinator, make_request
    ):
        campaign = campaign_create(
            name="All", agencies=[agency_a, agency_b], coordinator=coordinator, send=True, **self.values(make_request)
        )
        late = campaign.requests.get(agency=agency_a)
        DataRequest.objects.filter(pk=late.pk).update(due_date=datetime.date(2026, 1, 5))
        today = datetime.date(2026, 2, 2)
        assert campaign_chase_overdue(campaign=campaign, user=coordinator, today=today) == 1
        assert campaign_chase_overdue(campaign=campaign, user=coordinator, today=today) == 0
        assert Notification.objects.filter(user=contact_a, subject__contains="chased").exists()
        assert not Notification.objects.filter(user=contact_b, subject__contains="chased").exists()


def test_every_transition_is_also_written_to_the_audit_log(agency_a, coordinator, contact_a, make_request):
    request = request_transition(request=make_request(agency_a), action="send", user=coordinator)
    request_transition(request=request, action="acknowledge", user=contact_a, expected_version=request.version)
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.REQUEST_TRANSITION).order_by("pk")
    assert [(e.actor, e.agency, e.request_reference) for e in entries] == [
        (coordinator, agency_a, request.reference),
        (contact_a, agency_a, request.reference),
    ]
    assert "draft to sent" in entries[0].detail and "sent to acknowledged" in entries[1].detail
