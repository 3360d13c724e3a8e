"""The release calendar's daily reminder. A small adapter: the work is in the service."""

from celery import shared_task
from django.utils import timezone

from catalogue.models import Area
from planning.services import release_reminders_send


@shared_task(ignore_result=True, acks_late=True)
def remind_public_releases_due() -> list[str]:
    """Reminds the coordinators of public releases out and not taken in. Each release is claimed by
    a unique row before anyone is told, so running twice (or on two workers) reminds once."""
    today = timezone.localdate()
    return [uid for area in Area.objects.order_by("pk") for uid in release_reminders_send(area=area, today=today)]
