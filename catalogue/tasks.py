"""Periodic catalogue tasks. Small adapters: the work is in services and selectors."""

from celery import shared_task
from celery.signals import worker_ready
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_KEY = "tracker:worker-heartbeat"


@shared_task(ignore_result=True)
def record_worker_heartbeat() -> None:
    """Lets the web pages tell whether a worker (and beat) is running."""
    cache.set(HEARTBEAT_KEY, timezone.now(), timeout=None)


@worker_ready.connect
def heartbeat_on_start(**kwargs) -> None:
    # Without this the pages would report no worker for the first minute after it starts.
    record_worker_heartbeat.apply()
