"""The Celery app knows every task the tracker names, and logs each task's start, end and
failure with the ids it works on."""

import logging
from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError

from project.celery import app
from requests_app import tasks
from requests_app.models import Return

pytestmark = pytest.mark.django_db

# Where a task object cannot be used: the beat schedule in settings, and a send to a higher app.
NAMED = sorted({entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} | {tasks.REFRESH_INDICATORS})


@pytest.mark.parametrize("name", NAMED)
def test_every_task_named_in_the_schedule_or_sent_by_name_is_registered(name):
    app.loader.import_default_modules()  # what the worker imports when it starts
    assert name in app.tasks, f"no task is called {name}: it was renamed or moved"


@pytest.fixture
def logged(caplog):
    caplog.set_level(logging.INFO, logger="tracker.tasks")
    return lambda level=logging.INFO: [
        r.getMessage() for r in caplog.records if r.name == "tracker.tasks" and r.levelno == level
    ]


def test_a_task_logs_its_start_and_end_with_the_ids_it_works_on(logged):
    tasks.process_return.apply(args=[999999])  # a return that is gone: nothing to do

    started, ended = logged()
    assert started.startswith("requests_app.tasks.process_return(return_id=999999) started [")
    assert ended.startswith("requests_app.tasks.process_return(return_id=999999) ended SUCCESS in ")


def test_a_batch_task_logs_what_it_did(logged):
    from sharing.tasks import refresh_agreements

    refresh_agreements.apply()

    assert logged()[-1].endswith(": {'expired': 0, 'review_due': 0, 'failed': 0}")


def test_a_failing_task_logs_its_failure_with_its_ids(logged, monkeypatch):
    monkeypatch.setattr(tasks, "return_process", mock.Mock(side_effect=RuntimeError("the disk is full")))
    monkeypatch.setattr(tasks, "return_lease_take", lambda **lease: True)  # as if return 5 were there

    tasks.process_return.apply(args=[5])

    [failed] = logged(logging.ERROR)
    assert failed.startswith("requests_app.tasks.process_return(return_id=5) failed after ")
    assert failed.endswith("RuntimeError('the disk is full')")
    assert logged()[-1].startswith("requests_app.tasks.process_return(return_id=5) ended FAILURE in ")


def test_a_transient_failure_logs_the_retry_with_its_ids(logged, monkeypatch):
    locked = OperationalError("database is locked")
    monkeypatch.setattr(tasks, "return_process", mock.Mock(side_effect=[locked, Return.DoesNotExist()]))
    monkeypatch.setattr(tasks, "return_lease_take", lambda **lease: True)  # as if return 5 were there

    tasks.process_return.apply(args=[5])

    [retried] = logged(logging.WARNING)
    assert retried.startswith("requests_app.tasks.process_return(return_id=5) will be retried [")
    assert retried.endswith("OperationalError('database is locked')")
