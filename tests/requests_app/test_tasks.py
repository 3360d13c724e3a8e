"""The requests app's tasks: adapters that take ids and call the services."""

import logging
import resource
from unittest import mock

import pytest

from requests_app.tasks import process_return

pytestmark = pytest.mark.django_db


def test_a_return_gone_since_it_was_queued_is_logged_and_skipped(caplog):
    caplog.set_level(logging.INFO, logger="requests_app.tasks")

    assert process_return.apply(args=[999999]).successful()

    assert "Return 999999 is gone; nothing to process." in caplog.text


def test_each_worker_process_gets_a_hard_memory_ceiling_from_settings(settings):
    from requests_app.tasks import limit_worker_memory

    settings.TRACKER_WORKER_MEMORY_LIMIT_MB = 2048
    with (
        mock.patch("requests_app.tasks._mapped_bytes", return_value=300 * 1024 * 1024),
        mock.patch("requests_app.tasks.resource.getrlimit", return_value=(-1, -1)),
        mock.patch("requests_app.tasks.resource.setrlimit") as limit,
    ):
        limit_worker_memory()
    limit.assert_called_once_with(resource.RLIMIT_AS, ((300 + 2048) * 1024 * 1024, -1))


def test_the_time_limits_end_a_return_within_two_minutes():
    assert process_return.soft_time_limit < process_return.time_limit <= 120


def test_a_worker_process_grown_past_a_gigabyte_is_replaced_after_its_task():
    from project.celery import app

    assert app.conf.worker_max_memory_per_child == 1024 * 1024  # KiB
