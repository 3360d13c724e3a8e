import pytest
from django.core.cache import cache

from catalogue import tasks

pytestmark = pytest.mark.django_db


def test_the_heartbeat_records_when_the_worker_last_ran():
    cache.delete(tasks.HEARTBEAT_KEY)
    tasks.record_worker_heartbeat.apply()
    assert cache.get(tasks.HEARTBEAT_KEY) is not None
