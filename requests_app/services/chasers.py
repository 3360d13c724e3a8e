"""Reminders before the due date, on it, and escalations after it; each goes out once."""

from datetime import date

from django.db import IntegrityError, transaction
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


@transaction.atomic
def chasers_send(*, today: date, reminder_working_days: int) -> dict[str, int]:
    """The daily chaser run. Only requests still waiting for the agency are chased; each kind of
    reminder goes out once per due date, however often this runs."""
    sent = {kind: 0 for kind in ("before-due", "due-today", "overdue", "long-overdue")}
    waiting = (
        DataRequest.objects.select_for_update(of=("self",))
        .filter(status__in=AWAITING_AGENCY, due_date__isnull=False)
        .select_related("agency__group", "coordinator")
    )
    for request in waiting:
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
            continue
        if reminder_send(request, kind, due, to_agency=agency, to_coordinator=coordinator, text=text):
            sent[kind] += 1
    return sent
