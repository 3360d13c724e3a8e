"""Release reminders reach the coordinators once per release, in the tracker and by email."""

import datetime
from unittest import mock

import pytest
from django.core import mail

from catalogue.models import Source, SourceRefresh
from notifications.models import Notification
from planning import tasks
from planning.models import ReleaseReminder
from planning.services import release_reminders_send
from project import roles
from tests.factories import make_user

TODAY = datetime.date(2026, 11, 3)


@pytest.fixture
def one_source(db):
    """Only the LTIM estimates keep a calendar, so the counts below are about one source."""
    Source.objects.filter(stage="public").exclude(slug="ltim-estimates").update(release_months=[])
    return Source.objects.get(slug="ltim-estimates")


def test_a_release_out_and_not_taken_in_reminds_each_coordinator_once_in_the_tracker_and_by_email(
    area, coordinator, dpo, one_source, django_capture_on_commit_callbacks
):
    other = make_user("coordinator2", roles.COORDINATOR)
    with django_capture_on_commit_callbacks(execute=True):
        sent = release_reminders_send(area=area, today=TODAY)
    assert sent == ["ltim-estimates-2026-11"]
    notes = Notification.objects.filter(subject__startswith="1 public release to take in")
    assert {n.user for n in notes} == {coordinator, other}
    assert "ONS long-term international migration (LTIM) estimates: released November 2026" in notes[0].body
    assert notes[0].url == "/plan/calendar/"
    assert sorted(m.to[0] for m in mail.outbox) == sorted([coordinator.email, other.email])
    assert not Notification.objects.filter(user=dpo).exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert release_reminders_send(area=area, today=TODAY + datetime.timedelta(days=20)) == []
    assert notes.count() == 2 and len(mail.outbox) == 2


def test_a_release_already_taken_in_sends_nothing(area, coordinator, one_source):
    SourceRefresh.objects.create(area=area, source=one_source, refreshed_on=TODAY, recorded_by=coordinator)
    assert release_reminders_send(area=area, today=TODAY) == []
    assert not Notification.objects.exists()


def test_the_next_release_is_reminded_again(area, coordinator, one_source):
    release_reminders_send(area=area, today=TODAY)
    assert release_reminders_send(area=area, today=datetime.date(2027, 5, 2)) == ["ltim-estimates-2027-05"]
    assert Notification.objects.filter(user=coordinator).count() == 2


def test_every_release_out_is_listed_in_one_message(area, coordinator):
    sent = release_reminders_send(area=area, today=TODAY)
    assert len(sent) == ReleaseReminder.objects.count() > 1
    [note] = Notification.objects.filter(user=coordinator)
    assert note.subject.startswith(f"{len(sent)} public releases to take in")


def test_the_daily_task_reminds_once_however_often_it_runs(area, coordinator, one_source):
    with mock.patch("planning.tasks.timezone.localdate", return_value=TODAY):
        first = tasks.remind_public_releases_due.apply().result
        second = tasks.remind_public_releases_due.apply().result
    assert (first, second) == (["ltim-estimates-2026-11"], [])
    assert Notification.objects.filter(user=coordinator).count() == 1
