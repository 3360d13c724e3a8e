"""Reads about sign-ins: who is locked out now."""

from dataclasses import dataclass

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone


@dataclass(frozen=True)
class Lockout:
    kind: str  # "username" or "ip_address": what the failures were counted by
    value: str
    failures: int
    last_attempt: object


def lockouts() -> list[Lockout]:
    """Usernames and addresses with as many recent failed sign-ins as the limit, newest first;
    counted as the throttling counts them (failures within the cool-off time)."""
    recent = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)
    found = []
    for kind in ("username", "ip_address"):
        rows = (
            recent.exclude(**{f"{kind}__isnull": True})
            .values(kind)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
            .order_by()
        )
        found += [Lockout(kind, row[kind], row["failures"], row["last"]) for row in rows]
    return sorted(found, key=lambda lockout: lockout.last_attempt, reverse=True)
