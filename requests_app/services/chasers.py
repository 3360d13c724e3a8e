"""Reminders before the due date, on it, and escalations after it; each goes out once."""

import logging
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from notifications.services import notify
from requests_app import deadlines
from requests_app.models import (
    AWAITING_AGENCY,
    DataRequest,
    Reminder,
    RequestEvent,
)
from requests_app.services.requests import request_url

log = logging.getLogger(__name__)
# The requests the chasers are for: still with the agency, and due on a date.
CHASED = Q(status__in=AWAITING_AGENCY, due_date__isnull=False)


def reminder_send(
    request: DataRequest, kind: str, key_date: date, *, to_agency: bool, to_coordinator: bool, text: str
) -> bool:
    """Sends one reminder unless it went out before; the unique row is the proof it was sent."""
    try:
        with transaction.atomic():
            Reminder.objects.create(request=request, kind=kind, key_date=key_date)
    except IntegrityError:
        return False
    users = []
    if to_agency:
        users += list(request.agency.contacts.all())
    if to_coordinator:
        users.append(request.coordinator)
    subject = f"{request.reference}: {Reminder.Kind(kind).label.lower()}"
    notify(users=users, subject=subject, body=text, url=request_url(request))
    RequestEvent.objects.create(
        request=request,
        kind=RequestEvent.Kind.CHASER,
        happened_on=key_date if kind == "chase" else timezone.localdate(),
        note=f"{Reminder.Kind(kind).label}.",
    )
    return True


def chasers_send(*, today: date, reminder_working_days: int) -> dict[str, int]:
    """The daily chaser run. Only requests still waiting for the agency are chased; each kind of
    reminder goes out once per due date, however often this runs. Each request is chased in its
    own transaction: one that fails is logged, counted and tried again on the next run, and never
    stops the others."""
    done = {kind: 0 for kind in ("before-due", "due-today", "overdue", "long-overdue", "failed")}
    for pk in list(DataRequest.objects.filter(CHASED).values_list("pk", flat=True)):
        try:
            kind = _chase(pk, today=today, reminder_working_days=reminder_working_days)
        except Exception:
            log.exception("Chasing request %s failed; the other requests are still chased.", pk)
            done["failed"] += 1
        else:
            if kind:
                done[kind] += 1
    return done


@transaction.atomic
def _chase(pk: int, *, today: date, reminder_working_days: int) -> str | None:
    """Sends the one reminder a request is due today, if any, and says which kind went out."""
    # Locked and filtered again: the request may have moved on since the run listed it.
    request = (
        DataRequest.objects.select_for_update(of=("self",))
        .filter(CHASED, pk=pk)
        .select_related("agency__group", "coordinator")
        .first()
    )
    if request is None:
        return None
    due = request.due_date
    title = f"'{request.title}' for {request.agency}"
    if today > request.long_overdue_date:
        kind, text = "long-overdue", f"{title} was due on {due:%d %B %Y} and is now long overdue."
        agency, coordinator = True, True
    elif today > due:
        kind, text = "overdue", f"{title} was due on {due:%d %B %Y} and is overdue."
        agency, coordinator = True, True
    elif today == due:
        kind, text = "due-today", f"{title} is due today."
        agency, coordinator = True, False
    elif deadlines.working_days_between(today, due) <= reminder_working_days:
        kind, text = "before-due", f"{title} is due on {due:%d %B %Y}."
        agency, coordinator = True, False
    else:
        return None
    if reminder_send(request, kind, due, to_agency=agency, to_coordinator=coordinator, text=text):
        return kind
    return None
