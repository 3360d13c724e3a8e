"""Returns processed by a real Celery worker process through the configured broker: the
filesystem queue by default, Redis when CELERY_BROKER_URL says so (CI's PostgreSQL pass)."""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from requests_app.models import Observation, Return, Status
from requests_app.services.returns import return_upload
from tests.factories import force_status

# Committed data, so the worker process sees it. pytest-django runs these after the other tests,
# and each flush empties the catalogue, so each test loads it again.
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def catalogue(transactional_db):
    from django.contrib.auth.models import Group

    from catalogue.models import Source
    from catalogue.services import catalogue_load
    from project import roles

    for name in roles.ALL:
        Group.objects.get_or_create(name=name)
    if not Source.objects.exists():
        catalogue_load()


# Short, so that the test sees a lease run out; renewed every third of it while the worker works.
LEASE_SECONDS = 6


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CELERY_VISIBILITY_TIMEOUT": "5",
        "TRACKER_RETURN_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    log = open(tmp_path / f"worker-{time.monotonic_ns()}.log", "w")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "project",
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


# A cold shutdown: the worker may have gone on to protect the source's indicator tables, which
# these tests do not wait for.
def stop(worker, sig=signal.SIGQUIT):
    try:
        os.killpg(worker.pid, sig)
    except ProcessLookupError:
        pass
    worker.wait(timeout=60)


def wait_for(predicate, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def big_return(rows: int) -> bytes:
    lines = ["Nationality,Ward or small area,Period,Count"]
    wards = [f"E05{n:06d}" for n in range(1, rows // 40 + 2)]
    nationalities = [
        "Polish",
        "Romanian",
        "Syrian",
        "Eritrean",
        "Indian",
        "Chinese",
        "Nigerian",
        "Ukrainian",
        "Irish",
        "Not recorded",
    ]
    for i in range(rows):
        lines.append(f"{nationalities[i % 10]},{wards[i // 40]},{2024 + (i // 10) % 2} Q{(i // 20) % 4 + 1},{i % 50}")
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def covered_request(agency_a, make_request, make_agreement):
    make_agreement([agency_a])
    return force_status(make_request(agency_a, fields=("nationality", "ward", "period")), Status.SENT)


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
