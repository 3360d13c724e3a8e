import logging
import resource
import socket

from celery import current_app, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_process_init, worker_ready
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from requests_app.models import Return
from requests_app.services.chasers import chasers_send
from requests_app.services.leases import (
    lease_holder,
    return_give_up,
    return_lease_kept,
    return_lease_release,
    return_lease_take,
    return_mark_sent,
    returns_release_dead,
    returns_requeue_stale,
    time_limit_message,
)
from requests_app.services.processing import return_process

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
# retried, it gets a report. The soft time limit ends a file that takes too long with a report
# saying so; the hard limit, a little later, ends a process stuck where the soft one cannot reach
# (inside a C library), and the lease sends its return again (services/leases.py). Celery puts the
# limits in each message from the sender's settings, so web and worker must agree on them.
@shared_task(
    ignore_result=True,
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    max_retries=5,
    retry_backoff=True,
    retry_jitter=True,
    soft_time_limit=settings.TRACKER_RETURN_TIME_LIMIT_SECONDS,
    time_limit=settings.TRACKER_RETURN_TIME_LIMIT_SECONDS + 15,
)
def process_return(return_id: int) -> None:
    holder = lease_holder()
    if return_lease_take(return_id=return_id, holder=holder):
        try:
            with return_lease_kept(return_id=return_id, holder=holder):
                stored = return_process(return_id=return_id)
        except Return.DoesNotExist:
            stored = None
        except SoftTimeLimitExceeded:
            log.warning("Return %s ran out of time; refused as too large or too complex.", return_id)
            stored = return_give_up(return_id=return_id, message=time_limit_message())
        finally:
            return_lease_release(return_id=return_id, holder=holder)
    else:
        # Finished, held by another live worker, or gone. A finished one still asks for its
        # tables: the delivery before may have stopped between storing and asking.
        stored = Return.objects.select_related("request__agency").filter(pk=return_id).first()
        if stored is not None and not stored.is_final:
            log.info("Return %s is held by another worker; left to it.", return_id)
            return
    if stored is None:
        log.info("Return %s is gone; nothing to process.", return_id)
    elif stored.status == Return.Status.DONE:
        current_app.send_task(REFRESH_INDICATORS, args=[stored.request.agency.area_id, stored.request.source_id])


def send_return(return_id: int) -> bool:
    """Hands a return to the broker; False, and nothing raised, when the broker cannot be reached:
    the return is stored and waits, and the sweep sends it once the broker is back."""
    # Marked before the send: a worker may take the message at once, and its save of the return
    # must not overwrite a mark written after it read the row.
    return_mark_sent(return_id=return_id)
    try:
        process_return.delay(return_id)  # Celery retries the publish a few times within a second
    except (BrokerError, OSError) as exc:
        return_mark_sent(return_id=return_id, sent=False)
        log.warning("Return %s could not be sent to the broker (%s); the sweep will send it.", return_id, exc)
        return False
    return True


@shared_task(ignore_result=True)
def requeue_stale_returns(host: str = "") -> int:
    """Every minute (TRACKER_RETURN_SWEEP_SECONDS), and when a worker starts: returns whose worker
    died or whose message never reached the broker are sent again. Given a host, the leases of its
    dead processes end first."""
    try:
        if host:
            returns_release_dead(host=host)
        claimed = returns_requeue_stale(now=timezone.now())
    except DatabaseError as exc:
        if not host:
            raise
        # A worker may start before the database is ready (or migrated); the minute's sweep follows.
        log.warning("Returns could not be recovered at start-up: %s", exc)
        return 0
    return sum(send_return(return_id) for return_id in claimed)


@worker_ready.connect
def recover_returns_at_start(sender, **kwargs) -> None:
    """A worker starting again after it was killed picks up what its old processes held."""
    requeue_stale_returns.delay(socket.gethostname())


@worker_process_init.connect
def limit_worker_memory(**kwargs) -> None:
    """A hard ceiling on each worker process: past it, an allocation fails (MemoryError, a clean
    failure that the lease and the attempt count turn into a report) instead of the machine
    swapping. Counted above what the process already maps when it starts, which grows with the
    machine's cores (numerical libraries reserve space per thread). CELERY_WORKER_MAX_MEMORY_PER_CHILD
    replaces a process grown large between tasks."""
    allowance = settings.TRACKER_WORKER_MEMORY_LIMIT_MB * 1024 * 1024
    if allowance:
        mapped = _mapped_bytes()
        resource.setrlimit(resource.RLIMIT_AS, (mapped + allowance, resource.getrlimit(resource.RLIMIT_AS)[1]))


def _mapped_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()
