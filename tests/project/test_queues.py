"""Protections have a queue of their own, and `make run` a worker for each queue, so that however
many protections wait or run, a returned file is processed by a worker that never protects."""

import re

import pytest
from django.conf import settings

from project.celery import app

PROTECTION = ["reports.tasks.protect_indicators"]
DEFAULT = [
    "requests_app.tasks.process_return",
    "requests_app.tasks.requeue_stale_returns",
    "reports.tasks.refresh_indicators",
    "catalogue.tasks.record_worker_heartbeat",
]


def queue_of(name: str) -> str:
    app.loader.import_default_modules()
    assert name in app.tasks, f"no task is called {name}"
    return app.amqp.router.route({}, name)["queue"].name


@pytest.mark.parametrize("name", PROTECTION)
def test_protection_runs_on_its_own_queue(name):
    assert queue_of(name) == settings.PROTECT_QUEUE != settings.CELERY_TASK_DEFAULT_QUEUE


@pytest.mark.parametrize("name", DEFAULT)
def test_processing_and_everything_else_run_on_the_default_queue(name):
    assert queue_of(name) == settings.CELERY_TASK_DEFAULT_QUEUE


def run_target() -> str:
    makefile = (settings.BASE_DIR / "Makefile").read_text()
    return makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]


def test_make_run_starts_one_worker_for_each_queue_and_the_scheduler_once():
    workers = [line for line in run_target().splitlines() if "celery -A project worker" in line]
    queues = sorted(re.search(r"--queues=(\S+)", line).group(1) for line in workers)
    assert queues == sorted([settings.CELERY_TASK_DEFAULT_QUEUE, settings.PROTECT_QUEUE])
    assert sum("--beat" in line for line in workers) == 1


def test_make_run_stops_both_workers_and_still_prints_the_address():
    target = run_target()
    assert re.search(r'trap "kill \$\$worker \$\$protector', target)
    assert "The tracker is at http://$(HOST):$(PORT)/" in target and "demo logins" in target
