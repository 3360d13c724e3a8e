from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from notifications.models import Notification


def notify(*, users: Iterable, subject: str, body: str = "", url: str = "") -> list[Notification]:
    """Stores an in-app notification per user and emails them once the transaction commits,
    so a rolled-back change never sends mail."""
    users = list({u.pk: u for u in users if u.is_active}.values())
    notes = Notification.objects.bulk_create(Notification(user=u, subject=subject, body=body, url=url) for u in users)
    link = f"\n\n{settings.TRACKER_BASE_URL}{url}" if url else ""
    mails = [(subject, body + link, settings.DEFAULT_FROM_EMAIL, [u.email]) for u in users if u.email]
    if mails:
        transaction.on_commit(lambda: send_mass_mail(mails, fail_silently=False))
    return notes


def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
