import logging

from celery import current_app, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from requests_app.models import Return
from requests_app.services.chasers import chasers_send
from requests_app.services.processing import return_process, returns_requeue_stale

log = logging.getLogger(__name__)

# Sent by name: the reports app builds on this one, which may not import it. Simpler to follow
# than a "return processed" signal that reports would listen for, and not a bare string:
# tests/project/test_celery.py checks that the name is registered, so a rename fails there.
REFRESH_INDICATORS = "reports.tasks.refresh_indicators"


@shared_task(ignore_result=True, acks_late=True)
def send_request_chasers() -> dict[str, int]:
    """Daily: reminders before the due date, on it, and escalations after it. Safe to run twice."""
    return chasers_send(today=timezone.localdate(), reminder_working_days=settings.TRACKER_REMINDER_WORKING_DAYS)


# Retried only for a database that is briefly unavailable or locked; a file with errors is not
# retried, it gets a report. Late acks and reject-on-worker-lost (settings) redeliver a task
# whose worker was killed; the service's claim and transaction make that safe.
@shared_task(
    ignore_result=True,
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    max_retries=5,
    retry_backoff=True,
    retry_jitter=True,
    soft_time_limit=1800,
    time_limit=1900,
)
def process_return(return_id: int) -> None:
    try:
        stored = return_process(return_id=return_id)
    except Return.DoesNotExist:
        log.info("Return %s is gone; nothing to process.", return_id)
        return
    if stored.status == Return.Status.DONE:
        current_app.send_task(REFRESH_INDICATORS, args=[stored.request.agency.area_id, stored.request.source_id])


@shared_task(ignore_result=True)
def requeue_stale_returns() -> int:
    """Every 15 minutes: returns whose processing task was lost are sent again."""
    claimed = returns_requeue_stale(now=timezone.now())
    for return_id in claimed:
        process_return.delay(return_id)
    return len(claimed)
