from celery import shared_task
from django.conf import settings
from django.utils import timezone

from requests_app.services import chasers_send


@shared_task(ignore_result=True, acks_late=True)
def send_request_chasers() -> dict[str, int]:
    """Daily: reminders before the due date, on it, and escalations after it. Safe to run twice."""
    return chasers_send(today=timezone.localdate(), reminder_working_days=settings.TRACKER_REMINDER_WORKING_DAYS)
