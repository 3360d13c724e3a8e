from celery import shared_task
from django.utils import timezone

from sharing.services import agreements_refresh


@shared_task(ignore_result=True, acks_late=True)
def refresh_agreements() -> dict[str, int]:
    """Daily: expiry and review dates. Safe to run twice: a second run finds nothing to move."""
    return agreements_refresh(today=timezone.localdate())
