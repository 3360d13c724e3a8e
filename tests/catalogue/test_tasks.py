import datetime
from unittest import mock

import pytest
from django.core.cache import cache

from catalogue import tasks

pytestmark = pytest.mark.django_db


def test_the_heartbeat_records_when_the_worker_last_ran():
    cache.delete(tasks.HEARTBEAT_KEY)
    tasks.record_worker_heartbeat.apply()
    assert cache.get(tasks.HEARTBEAT_KEY) is not None


def test_release_reminders_name_the_sources_due_and_can_run_twice():
    with mock.patch("catalogue.tasks.timezone.localdate", return_value=datetime.date(2026, 11, 3)):
        first = tasks.note_public_releases_due.apply().result
        second = tasks.note_public_releases_due.apply().result
    assert "ltim-estimates" in first
    assert first == second
