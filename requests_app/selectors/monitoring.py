"""What operators watch: the returns in each state and the one waiting longest. Counts over the
whole tracker, for coordinators and monitoring only (the view checks who asks)."""

from django.db.models import Count, Min
from django.utils import timezone

from requests_app.models import Return


def returns_by_state() -> dict:
    counts = dict(Return.objects.order_by().values_list("status").annotate(n=Count("id")))
    waiting = Return.objects.filter(status=Return.Status.QUEUED)
    oldest = waiting.aggregate(at=Min("uploaded_at"))["at"]
    return {
        "states": {status.value: counts.get(status.value, 0) for status in Return.Status},
        "shown": [(status.label, counts[status.value]) for status in Return.Status if counts.get(status.value)],
        "waiting": counts.get(Return.Status.QUEUED, 0),
        "oldest_waiting_since": oldest.isoformat() if oldest else None,
        "oldest_waiting_seconds": round((timezone.now() - oldest).total_seconds()) if oldest else None,
        "unsent": waiting.filter(sent_at__isnull=True).count(),
    }
