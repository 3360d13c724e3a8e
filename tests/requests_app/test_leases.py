"""Leases on returns and the sweep: a killed worker's return is finished by another, a return
the broker never got is sent once it is back, and a file that cannot be checked in time or keeps
killing its worker ends with a report instead of going round for ever."""

import datetime
import os
import time
from unittest import mock

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from notifications.models import Notification
from requests_app.models import Observation, Return, Status
from requests_app.services import leases
from requests_app.services.leases import (
    return_lease_kept,
    return_lease_take,
    returns_release_dead,
    returns_requeue_stale,
)
from requests_app.services.processing import return_process
from requests_app.services.returns import return_upload
from requests_app.tasks import process_return, requeue_stale_returns
from tests.factories import force_status

pytestmark = pytest.mark.django_db
GOOD = b"Nationality,Ward or small area,Period,Count\nPolish,E05000001,2025 Q1,12\nIrish,E05000002,2025 Q1,7\n"
AGO = datetime.timedelta(hours=2)


@pytest.fixture
def covered_request(agency_a, make_request, make_agreement):
    make_agreement([agency_a])
    return force_status(make_request(agency_a), Status.SENT)


@pytest.fixture
def stored(covered_request, contact_a):
    with mock.patch.object(process_return, "delay"):
        return return_upload(request=covered_request, user=contact_a, upload=SimpleUploadedFile("r.csv", GOOD))


@pytest.fixture(autouse=True)
def no_indicator_tables():
    with mock.patch("requests_app.tasks.current_app.send_task"):  # the indicator tables' task has its own tests
        yield


def held(stored, holder="elsewhere:1", expires_in=datetime.timedelta(minutes=1), **values):
    Return.objects.filter(pk=stored.pk).update(
        lease_holder=holder, lease_expires_at=timezone.now() + expires_in, **values
    )


# --- the lease ------------------------------------------------------------------------------------


def test_a_return_held_by_a_live_worker_is_left_to_it_by_a_second_delivery(stored):
    held(stored, status="validating")
    process_return.apply(args=[stored.pk])
    stored.refresh_from_db()
    assert stored.status == Return.Status.VALIDATING and stored.attempts == 0
    assert not Observation.objects.filter(source_return=stored).exists()


def test_a_return_whose_lease_ran_out_is_taken_by_the_next_delivery_and_stored_once(stored):
    held(stored, status="storing", expires_in=-datetime.timedelta(seconds=1))
    process_return.apply(args=[stored.pk])
    process_return.apply(args=[stored.pk])
    stored.refresh_from_db()
    assert stored.status == Return.Status.DONE and stored.attempts == 1
    assert stored.lease_holder == "" and stored.lease_expires_at is None, "released once done"
    assert Observation.objects.filter(source_return=stored).count() == 2


def test_a_lease_is_taken_by_one_process_only(stored):
    assert return_lease_take(return_id=stored.pk, holder="here:1")
    assert not return_lease_take(return_id=stored.pk, holder="there:2")
    assert return_lease_take(return_id=stored.pk, holder="here:1"), "its holder may take it again"


def test_a_finished_return_is_never_leased(stored):
    return_process(return_id=stored.pk)
    assert not return_lease_take(return_id=stored.pk, holder="here:1")


def test_the_lease_is_renewed_while_the_work_goes_on(settings, monkeypatch):
    settings.TRACKER_RETURN_LEASE_SECONDS = 0.09
    renewals = []
    monkeypatch.setattr(leases, "return_lease_renew", lambda **lease: renewals.append(lease) or True)
    with return_lease_kept(return_id=7, holder="here:1"):
        time.sleep(0.3)
    assert len(renewals) >= 3 and renewals[0] == {"return_id": 7, "holder": "here:1"}
    count = len(renewals)
    time.sleep(0.1)
    assert len(renewals) == count, "no renewal once the work is over"


def test_a_worker_starting_again_ends_the_leases_of_its_dead_processes_at_once(stored, covered_request, contact_a):
    with mock.patch.object(process_return, "delay"):
        other = return_upload(request=covered_request, user=contact_a, upload=SimpleUploadedFile("r.csv", GOOD))
    gone = 4_194_305  # past the largest process id Linux gives
    held(stored, holder=f"thishost:{gone}", status="validating")
    held(other, holder=f"thishost:{os.getpid()}", status="validating")
    assert returns_release_dead(host="otherhost") == 0, "another host's processes are not this one's to judge"
    with mock.patch.object(process_return, "delay") as send:
        assert requeue_stale_returns("thishost") == 1
    send.assert_called_once_with(stored.pk)
    assert Return.objects.get(pk=stored.pk).status == Return.Status.QUEUED
    assert Return.objects.get(pk=other.pk).status == Return.Status.VALIDATING, "a live process keeps its return"


# --- the sweep ------------------------------------------------------------------------------------


def test_a_return_whose_worker_died_is_sent_again_by_the_sweep_and_then_processed(stored):
    held(stored, status="validating", attempts=1, expires_in=-datetime.timedelta(seconds=5))
    with mock.patch.object(process_return, "delay") as send:
        assert requeue_stale_returns() == 1
        assert requeue_stale_returns() == 0
    send.assert_called_once_with(stored.pk)
    process_return.apply(args=[stored.pk])
    assert Return.objects.get(pk=stored.pk).status == Return.Status.DONE


def test_a_return_without_a_lease_left_part_way_long_ago_goes_back_in_the_queue(stored):
    Return.objects.filter(pk=stored.pk).update(status="storing", status_changed_at=timezone.now() - AGO)
    assert returns_requeue_stale(now=timezone.now()) == [stored.pk]
    assert Return.objects.get(pk=stored.pk).status == Return.Status.QUEUED


def test_a_queued_return_that_was_sent_is_left_to_the_broker_for_a_while(stored):
    five_minutes_ago = timezone.now() - datetime.timedelta(minutes=5)
    Return.objects.filter(pk=stored.pk).update(status_changed_at=five_minutes_ago, sent_at=five_minutes_ago)
    assert returns_requeue_stale(now=timezone.now()) == []
    Return.objects.filter(pk=stored.pk).update(sent_at=timezone.now() - AGO)
    assert returns_requeue_stale(now=timezone.now()) == [stored.pk], "its message must have been lost"


def test_a_return_that_killed_its_worker_again_and_again_is_refused_with_a_report(stored, contact_a):
    held(stored, status="validating", attempts=3, expires_in=-datetime.timedelta(seconds=5))
    with mock.patch.object(process_return, "delay") as send:
        assert requeue_stale_returns() == 0
    send.assert_not_called()
    stored.refresh_from_db()
    assert stored.status == Return.Status.FAILED and stored.observation_count == 0
    (error,) = stored.report["errors"]
    assert error["type"] == "too-large" and "stopped its worker 3 times" in error["message"]
    assert Notification.objects.filter(user=contact_a, subject__contains="needs fixing").exists()


# --- broker outages -------------------------------------------------------------------------------

REFUSED = BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def test_an_upload_while_the_broker_is_down_is_received_and_sent_once_it_is_back(
    covered_request, contact_a_client, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(process_return, "delay", side_effect=REFUSED),
        django_capture_on_commit_callbacks(execute=True),
    ):
        page = contact_a_client.post(
            reverse("requests:upload", args=[covered_request.public_id]),
            {"file": SimpleUploadedFile("r.csv", GOOD)},
            follow=True,
        )
    assert page.status_code == 200 and "r.csv was received (version 1)" in page.content.decode()
    stored = Return.objects.get()
    assert stored.status == Return.Status.QUEUED and stored.sent_at is None
    with mock.patch.object(process_return, "delay", side_effect=REFUSED):
        assert requeue_stale_returns() == 0, "too soon: the upload's own send may still be on its way"
    Return.objects.filter(pk=stored.pk).update(status_changed_at=timezone.now() - datetime.timedelta(minutes=1))
    with mock.patch.object(process_return, "delay", side_effect=REFUSED):
        assert requeue_stale_returns() == 0, "the broker is still down"
    Return.objects.filter(pk=stored.pk).update(status_changed_at=timezone.now() - datetime.timedelta(minutes=1))
    with mock.patch.object(process_return, "delay") as send:
        assert requeue_stale_returns() == 1
    send.assert_called_once_with(stored.pk)
    assert Return.objects.get(pk=stored.pk).sent_at is not None


# --- time -----------------------------------------------------------------------------------------


def test_a_return_that_runs_out_of_time_ends_with_a_too_large_or_too_complex_report(stored, contact_a, settings):
    with mock.patch("requests_app.tasks.return_process", side_effect=SoftTimeLimitExceeded()):
        process_return.apply(args=[stored.pk])
    stored.refresh_from_db()
    assert stored.status == Return.Status.FAILED and stored.lease_holder == ""
    (error,) = stored.report["errors"]
    assert error["type"] == "too-large"
    assert "too large or too complex" in error["message"] and f"{settings.TRACKER_RETURN_TIME_LIMIT_SECONDS} s" in (
        error["message"].replace(" seconds", " s")
    )
    assert not Observation.objects.filter(source_return=stored).exists()
    assert Notification.objects.filter(user=contact_a, subject__contains="needs fixing").exists()


def test_a_lease_renewed_between_the_lock_and_the_save_of_a_step_survives_the_step(stored, monkeypatch):
    """The heartbeat renews the lease from its own thread while the run takes a step: the step
    writes the fields it changed, not the lease it read."""
    from project.lib.lifecycle import Lifecycle, transition_claim
    from requests_app.services.processing import RETURNS

    held(stored, holder="me:1", expires_in=datetime.timedelta(seconds=5))
    locked_then = Lifecycle.lock

    def lock_then_renew(lifecycle, obj):
        row = locked_then(lifecycle, obj)
        assert leases.return_lease_renew(return_id=obj.pk, holder="me:1")
        return row

    monkeypatch.setattr(Lifecycle, "lock", lock_then_renew)
    read = Return.objects.get(pk=stored.pk).lease_expires_at
    started = transition_claim(lifecycle=RETURNS, obj=stored, action="start")
    stored.refresh_from_db()
    assert started.status == stored.status == Return.Status.READING and stored.attempts == 1
    assert stored.lease_holder == "me:1" and stored.lease_expires_at > read + datetime.timedelta(seconds=30)
