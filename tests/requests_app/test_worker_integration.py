"""Returns processed by a real Celery worker process through the configured broker: the
filesystem queue by default, Redis when CELERY_BROKER_URL says so (CI's PostgreSQL pass)."""

import signal
from unittest import mock

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from kombu.exceptions import OperationalError as BrokerError

from requests_app.models import Observation, Return
from requests_app.services.returns import return_upload
from requests_app.tasks import process_return
from tests.workers import (
    address_space_limit,
    big_return,
    load_catalogue,
    process_children,
    queues_purge,
    sent_request,
    start_worker,
    stop,
    wait_for,
)

# Committed data, so the worker process sees it. pytest-django runs these after the other tests,
# and each flush empties the catalogue, so each test loads it again; and empties the queues of what
# an earlier test's worker left there.
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def catalogue(transactional_db):
    load_catalogue()
    queues_purge()


@pytest.fixture
def covered_request(agency_a, make_request, make_agreement):
    return sent_request(agency_a, make_request, make_agreement)


def test_an_uploaded_return_is_processed_by_a_real_worker(tmp_path, covered_request, contact_a):
    worker = start_worker(tmp_path)
    try:
        stored = return_upload(
            request=covered_request, user=contact_a, upload=SimpleUploadedFile("r.csv", big_return(200))
        )
        assert wait_for(lambda: Return.objects.get(pk=stored.pk).is_final, 90), "the worker did not finish within 90 s"
        stored.refresh_from_db()
        assert stored.status == Return.Status.DONE, stored.report
        assert Observation.objects.filter(source_return=stored).count() == 200
        # The process that did the work has its hard memory ceiling (requests_app.tasks).
        (child,) = process_children(worker)
        ceiling = address_space_limit(child)
        assert ceiling != "unlimited" and int(ceiling) > settings.TRACKER_WORKER_MEMORY_LIMIT_MB * 1024 * 1024
    finally:
        stop(worker)


def test_killing_the_worker_mid_ingest_ends_with_exactly_one_copy_finished_by_the_restarted_worker(
    tmp_path, covered_request, contact_a
):
    rows = 300_000
    worker = start_worker(tmp_path)
    try:
        stored = return_upload(
            request=covered_request, user=contact_a, upload=SimpleUploadedFile("big.csv", big_return(rows))
        )
        started = wait_for(
            lambda: Return.objects.get(pk=stored.pk).status in (Return.Status.VALIDATING, Return.Status.STORING), 60
        )
        assert started, "the worker never started the task"
    finally:
        stop(worker, signal.SIGKILL)
    assert not Return.objects.get(pk=stored.pk).is_final
    assert Observation.objects.filter(source_return=stored).count() == 0
    worker = start_worker(tmp_path)  # on either broker, it takes up the dead process's return at start
    try:
        assert wait_for(lambda: Return.objects.get(pk=stored.pk).is_final, 120), (
            "the restarted worker did not finish the return"
        )
    finally:
        stop(worker)
    stored.refresh_from_db()
    assert stored.status == Return.Status.DONE and stored.attempts >= 2
    assert Observation.objects.filter(source_return=stored).count() == rows


def test_an_upload_made_while_the_broker_was_down_is_processed_soon_after_it_is_back(
    tmp_path, covered_request, contact_a_client
):
    refused = BrokerError("Error 111 connecting to the broker. Connection refused.")
    with mock.patch.object(process_return, "delay", side_effect=refused):
        page = contact_a_client.post(
            reverse("requests:upload", args=[covered_request.public_id]),
            {"file": SimpleUploadedFile("r.csv", big_return(500))},
            follow=True,
        )
    assert page.status_code == 200 and "r.csv was received (version 1)" in page.content.decode()
    stored = Return.objects.get()
    assert stored.status == Return.Status.QUEUED and stored.sent_at is None
    # The broker is back: the sweep, every 2 s here (every minute by default), sends the upload once
    # its own send has had 2 s (30 s) to arrive.
    worker = start_worker(
        tmp_path, beat=True, TRACKER_RETURN_SWEEP_SECONDS="2", TRACKER_RETURN_UNSENT_GRACE_SECONDS="2"
    )
    try:
        assert wait_for(lambda: Return.objects.get(pk=stored.pk).is_final, 90), "the sweep never sent the upload"
    finally:
        stop(worker)
    stored.refresh_from_db()
    assert stored.status == Return.Status.DONE and stored.sent_at is not None, stored.report
    assert Observation.objects.filter(source_return=stored).count() == 500


def test_a_return_past_the_time_limit_ends_with_a_too_large_report_and_frees_the_worker(
    tmp_path, covered_request, contact_a
):
    worker = start_worker(tmp_path, TRACKER_RETURN_TIME_LIMIT_SECONDS="1")
    try:
        with mock.patch.object(process_return, "delay"):
            slow = return_upload(
                request=covered_request, user=contact_a, upload=SimpleUploadedFile("big.csv", big_return(300_000))
            )
        # The limits travel in the message, from the sender's settings: here 1 s, and 16 s for the hard one.
        process_return.apply_async(args=[slow.pk], soft_time_limit=1, time_limit=16)
        assert wait_for(lambda: Return.objects.get(pk=slow.pk).is_final, 60), "the time limit never ended it"
        # The task lets go of its lease just after the report is stored (in its `finally`), so a
        # busy machine may show the one before the other.
        released = wait_for(lambda: Return.objects.get(pk=slow.pk).lease_holder == "", 30)
        slow.refresh_from_db()
        assert slow.status == Return.Status.FAILED and released, f"the lease was kept by {slow.lease_holder}"
        (error,) = slow.report["errors"]
        assert error["type"] == "too-large" and "too large or too complex" in error["message"]
        assert not Observation.objects.filter(source_return=slow).exists()
        # The same process takes the next return at once.
        small = return_upload(
            request=covered_request, user=contact_a, upload=SimpleUploadedFile("small.csv", big_return(5))
        )
        assert wait_for(lambda: Return.objects.get(pk=small.pk).is_final, 60), "the worker was left stuck"
    finally:
        stop(worker)
