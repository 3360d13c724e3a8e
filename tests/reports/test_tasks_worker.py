"""Real Celery worker processes, one per queue as `make run` starts them: a return uploaded while a
protection runs is processed within a minute, and the protection it makes stale stops for the
newest one. The protection is held open by the test (a gate file), not by anything in the code."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.indicators import _keys, _threshold
from reports.models import Protection
from requests_app.models import Return
from requests_app.services.returns import return_upload
from tests.workers import big_return, database_url, load_catalogue, queues_purge, sent_request, stop, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# The protection worker: the real one, with the tables' protection held until the gate file exists,
# reporting progress meanwhile as the engine does. The margin (no progress) is protected as usual.
HELD_PROTECTION = """
import pathlib, sys, time

import django

django.setup()
from reports.indicators import protection

gate, started = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
real = protection.protect


def held(table, policy, *, progress=None, **kwargs):
    if progress is not None:
        started.touch()
        while not gate.exists():
            progress("choosing", 0, 1)
            time.sleep(0.2)
    return real(table, policy, progress=progress, **kwargs)


protection.protect = held
from project.celery import app

app.worker_main(["worker", "--queues=protect", "--pool=solo", "--loglevel=INFO", "--without-gossip"])
"""


@pytest.fixture(autouse=True)
def catalogue(transactional_db):
    load_catalogue()


@pytest.fixture
def covered_request(agency_a, make_request, make_agreement):
    return sent_request(agency_a, make_request, make_agreement)


def start(command: list[str], log_path):
    env = {**os.environ, "DATABASE_URL": database_url(), "MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    return subprocess.Popen(
        [sys.executable, *command],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=open(log_path, "w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def test_a_return_uploaded_while_a_protection_runs_is_processed_within_a_minute(tmp_path, covered_request, contact_a):
    gate, started = tmp_path / "gate", tmp_path / "started"
    queues_purge()  # tasks other tests sent name rows long rolled back
    default = start(
        ["-m", "celery", "-A", "project", "worker", "--queues=celery", "--concurrency=1", "--loglevel=INFO"]
        + ["--without-gossip", "--without-mingle"],
        tmp_path / "default.log",
    )
    protector = start(["-c", HELD_PROTECTION, str(gate), str(started)], tmp_path / "protect.log")
    try:
        first = return_upload(
            request=covered_request, user=contact_a, upload=SimpleUploadedFile("first.csv", big_return(20))
        )
        assert wait_for(started.exists, 120), "the first return's protection never started"
        assert Return.objects.get(pk=first.pk).status == Return.Status.DONE

        second = return_upload(
            request=covered_request, user=contact_a, upload=SimpleUploadedFile("second.csv", big_return(30))
        )
        assert wait_for(lambda: Return.objects.get(pk=second.pk).is_final, 60), "the return waited for the protection"
        assert Return.objects.get(pk=second.pk).status == Return.Status.DONE

        # The first protection, stale now, stops at its next report; the newest claims the source.
        assert wait_for(lambda: Protection.objects.filter(running=2).exists(), 60), "the stale protection ran on"
        gate.touch()
        area, source = covered_request.agency.area, covered_request.source
        keys = _keys(area, source, _threshold(area, source), settings.TRACKER_ROUNDING)
        assert wait_for(lambda: isinstance(cache.get(keys.masters), dict), 90), "the newest protection did not finish"
        assert wait_for(lambda: Protection.objects.filter(running=None).exists(), 10)
    finally:
        stop(default)
        stop(protector)
        print((tmp_path / "protect.log").read_text())  # shown when the test fails
    protected = (tmp_path / "protect.log").read_text()
    assert "a newer return came during generation 1; stopped" in protected
    assert "Traceback" not in protected + (tmp_path / "default.log").read_text()
