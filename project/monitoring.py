"""Is each part up, and how long is the queue: what /health/ (public, no counts) and /monitoring/
(a token or a signed-in coordinator) say."""

import hmac

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.utils import timezone
from kombu.exceptions import KombuError

from catalogue.tasks import HEARTBEAT_KEY

# The worker beats every minute; three missed beats mean it is not running.
HEARTBEAT_STALE_SECONDS = 180


def worker_status() -> dict:
    beat = cache.get(HEARTBEAT_KEY)
    if beat is None:
        return {"ok": False, "last_seen": None}
    age = (timezone.now() - beat).total_seconds()
    return {"ok": age < HEARTBEAT_STALE_SECONDS, "last_seen": beat.isoformat(), "age_seconds": round(age)}


def database_up() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return False
    return True


def _queues() -> list[str]:
    # The default queue, and every queue a task is routed to (protection has its own).
    routed = {route["queue"] for route in (current_app.conf.task_routes or {}).values() if "queue" in route}
    declared = {queue.name for queue in current_app.conf.task_queues or ()}
    return sorted({current_app.conf.task_default_queue} | routed | declared)


def broker_queues() -> dict[str, int] | None:
    """Messages waiting in each queue; None when the broker cannot be reached (tried once, briefly)."""
    try:
        with current_app.connection_for_read() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
            channel = conn.default_channel
            # Not passive: Redis drops an empty queue's key, and a passive declaration would fail on it.
            return {name: channel.queue_declare(queue=name).message_count for name in _queues()}
    except (KombuError, OSError):
        return None


def token_valid(request) -> bool:
    """`Authorization: Bearer <TRACKER_MONITORING_TOKEN>`; never when no token is configured."""
    token = settings.TRACKER_MONITORING_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(token) and hmac.compare_digest(given.encode(), token.encode())
