"""Periodic catalogue tasks. Small adapters: the work is in services and selectors."""

import logging

from celery import shared_task
from celery.signals import worker_ready
from django.core.cache import cache
from django.utils import timezone

from catalogue.selectors import public_sources_due

HEARTBEAT_KEY = "tracker:worker-heartbeat"
log = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def record_worker_heartbeat() -> None:
    """Lets the web pages tell whether a worker (and beat) is running."""
    cache.set(HEARTBEAT_KEY, timezone.now(), timeout=None)


@worker_ready.connect
def heartbeat_on_start(**kwargs) -> None:
    # Without this the pages would report no worker for the first minute after it starts.
    record_worker_heartbeat.apply()


@shared_task(ignore_result=True)
def note_public_releases_due() -> list[str]:
    """Logs the public sources with a release due this month, so the refresh is not missed.
    Read-only and safe to run any number of times."""
    due = [s.slug for s in public_sources_due(timezone.localdate())]
    if due:
        log.info("Public sources with a release due this month: %s", ", ".join(due))
    return due
