"""Who is processing a return, and finding the returns that nobody is.

A worker process takes a return by a lease (its "host:pid" and an expiry), set by a conditional
UPDATE as healthchecks' sendalerts claims a check, and renews it while it works. A worker that is
killed stops renewing: its lease runs out and the sweep sends the return again, or sooner a worker
starting on the same host, which knows the old process is gone. A return never handed to the
broker (it was down at upload) is sent by the same sweep once the broker is back. Processing is
idempotent (services/processing.py), so a return sent twice is still stored once.
"""

import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from project.lib.lifecycle import transition_claim
from requests_app import lifecycle
from requests_app.ingest.problems import ERROR, Problem
from requests_app.ingest.read.limits import SPLIT_ADVICE
from requests_app.ingest.result import refused
from requests_app.models import Return
from requests_app.services.processing import RETURNS

log = logging.getLogger(__name__)

UNFINISHED = lifecycle.RETURN_EDGES["requeue"].sources
# A queued return that was sent but never started (its message lost with a killed worker on a
# broker without acknowledgements) is sent again after this long; a duplicate costs nothing.
LOST_AFTER = timedelta(minutes=45)

TOO_COMPLEX = (
    "This file is too large or too complex to check within the time the tracker gives one file "
    "({seconds} seconds). " + SPLIT_ADVICE
)
KILLED = (
    "Checking this file stopped its worker {attempts} times (it needs more memory or time than the "
    "tracker gives one file), so it was not checked again. " + SPLIT_ADVICE
)


def lease_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _lease_length() -> timedelta:
    return timedelta(seconds=settings.TRACKER_RETURN_LEASE_SECONDS)


def _unsent_grace() -> timedelta:
    """A return the broker never got (it was down at upload) waits this long before the sweep sends
    it, so that the sweep does not race the send made when the upload committed."""
    return timedelta(seconds=settings.TRACKER_RETURN_UNSENT_GRACE_SECONDS)


def return_lease_take(*, return_id: int, holder: str, now: datetime | None = None) -> bool:
    """Takes the return for this worker process if nobody holds it; False when another live worker
    does, or it is finished or gone."""
    now = now or timezone.now()
    free = Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now) | Q(lease_holder=holder)
    taken = Return.objects.filter(free, pk=return_id, status__in=UNFINISHED).update(
        lease_holder=holder, lease_expires_at=now + _lease_length()
    )
    return bool(taken)


def return_lease_renew(*, return_id: int, holder: str) -> bool:
    """Pushes the expiry on; False when the lease is no longer this process's."""
    renewed = Return.objects.filter(pk=return_id, lease_holder=holder).update(
        lease_expires_at=timezone.now() + _lease_length()
    )
    return bool(renewed)


def return_lease_release(*, return_id: int, holder: str) -> None:
    Return.objects.filter(pk=return_id, lease_holder=holder).update(lease_holder="", lease_expires_at=None)


@contextmanager
def return_lease_kept(*, return_id: int, holder: str) -> Iterator[None]:
    """Renews the lease every third of its length while the block runs, from a thread of its own
    (the block may sit in one long call for a minute)."""
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(settings.TRACKER_RETURN_LEASE_SECONDS / 3):
                try:
                    if not return_lease_renew(return_id=return_id, holder=holder):
                        return  # taken over: the steps of the run see it and stop
                except DatabaseError:
                    log.warning("The lease of return %s could not be renewed; trying again.", return_id)
        finally:
            connection.close()  # the thread's own connection

    thread = threading.Thread(target=beat, name=f"lease-{return_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def return_mark_sent(*, return_id: int, sent: bool = True) -> None:
    """Notes when a return was handed to the broker; `sent=False` takes the note back when the
    broker refused it, so the sweep sees it as never sent."""
    Return.objects.filter(pk=return_id).update(sent_at=timezone.now() if sent else None)


def return_give_up(*, return_id: int, message: str) -> Return | None:
    """Ends a return that cannot be checked with a report saying why; nothing of it is stored."""
    stored = Return.objects.select_related(*RETURNS.related).get(pk=return_id)
    result = refused(problems=[Problem("too-large", ERROR, message)])
    return transition_claim(lifecycle=RETURNS, obj=stored, action="give_up", result=result)


def time_limit_message() -> str:
    return TOO_COMPLEX.format(seconds=settings.TRACKER_RETURN_TIME_LIMIT_SECONDS)


def returns_release_dead(*, host: str, alive=None) -> int:
    """Ends the leases held by processes of this host that no longer run: a worker starting
    again after it was killed hands on its returns at once, not when their leases run out."""
    alive = alive or _running
    dead = [
        pk
        for pk, holder in Return.objects.filter(lease_holder__startswith=f"{host}:", status__in=UNFINISHED)
        .values_list("pk", "lease_holder")
        .iterator()
        if not alive(int(holder.rsplit(":", 1)[1]))
    ]
    return Return.objects.filter(pk__in=dead).update(lease_expires_at=timezone.now() - timedelta(seconds=1))


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0 only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True


def returns_requeue_stale(*, now: datetime) -> list[int]:
    """The returns to send to a worker again: those whose worker died (lease run out), those never
    handed to the broker, and those sent so long ago that the message must have been lost. Each is
    claimed by a conditional update, so of two sweeps at once only one sends it. A return that has
    killed its worker too often is refused instead (see KILLED)."""
    expired = Q(lease_expires_at__lt=now) | Q(lease_expires_at__isnull=True, status_changed_at__lt=now - LOST_AFTER)
    started = Return.objects.filter(expired, status__in=UNFINISHED - {Return.Status.QUEUED})
    queued = Return.objects.filter(status=Return.Status.QUEUED).filter(
        Q(lease_expires_at__lt=now)
        | Q(lease_expires_at__isnull=True, sent_at__isnull=True, status_changed_at__lt=now - _unsent_grace())
        | Q(lease_expires_at__isnull=True, sent_at__lt=now - LOST_AFTER)
    )
    claimed = []
    for pk in list(started.values_list("pk", flat=True)) + list(queued.values_list("pk", flat=True)):
        with transaction.atomic():
            candidates = started if started.filter(pk=pk).exists() else queued
            if not candidates.filter(pk=pk).update(lease_holder="", lease_expires_at=None, status_changed_at=now):
                continue
            stored = Return.objects.select_related(*RETURNS.related).get(pk=pk)
            if stored.attempts >= settings.TRACKER_RETURN_MAX_ATTEMPTS:
                return_give_up(return_id=pk, message=KILLED.format(attempts=stored.attempts))
                continue
            if stored.status != Return.Status.QUEUED:
                transition_claim(lifecycle=RETURNS, obj=stored, action="requeue")
            claimed.append(pk)
    return claimed
