"""A real Celery worker process on the configured broker (the filesystem folder by default,
Redis when CELERY_BROKER_URL says so) runs a task the test process sends it."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.cache import cache

from catalogue.tasks import HEARTBEAT_KEY, record_worker_heartbeat
from project.celery import app

pytestmark = pytest.mark.worker


def test_a_real_worker_process_runs_a_task_sent_through_the_broker():
    cache.delete(HEARTBEAT_KEY)
    # Tasks other tests sent (returns to process, tables to protect) name rows long rolled back.
    app.control.purge()
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "project",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=settings.BASE_DIR,
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        record_worker_heartbeat.delay()
        deadline = time.monotonic() + 60
        while cache.get(HEARTBEAT_KEY) is None and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.5)
        assert cache.get(HEARTBEAT_KEY) is not None, "the worker did not run the task within 60 s"
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0].decode(errors="replace")
    assert "Traceback" not in output, output
