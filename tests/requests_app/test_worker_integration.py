"""Returns processed by a real Celery worker process through the configured broker: the
filesystem queue by default, Redis when CELERY_BROKER_URL says so (CI's PostgreSQL pass)."""

import signal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from requests_app.models import Observation, Return
from requests_app.services.returns import return_upload
from tests.workers import big_return, load_catalogue, sent_request, start_worker, stop, wait_for

# Committed data, so the worker process sees it. pytest-django runs these after the other tests,
# and each flush empties the catalogue, so each test loads it again.
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def catalogue(transactional_db):
    load_catalogue()


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
