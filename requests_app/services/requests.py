"""Writes for data requests: creating them, moving them along their lifecycle, messages, contacts."""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from catalogue.models import (
    Agency,
    Field,
    GeographyLevel,
    Source,
)
from notifications.services import notify
from project.lib.lifecycle import Edge, Lifecycle, Transition, transition_take
from project.lib.text import display_name
from requests_app import lifecycle
from requests_app.models import (
    FINISHED,
    Campaign,
    DataRequest,
    Granularity,
    Recurrence,
    RequestEvent,
    Status,
)
from requests_app.permissions import RESPOND, VIEW, ActionChecker
from sharing.models import AuditEntry, DataForm, SharingAgreement
from sharing.services import audit_record


def request_url(request: DataRequest) -> str:
    return reverse("requests:detail", args=[request.public_id])


@transaction.atomic
def request_create(
    *,
    agency: Agency,
    source: Source,
    title: str,
    purpose: str,
    fields: list[Field],
    geography_level: GeographyLevel,
    period_start: date,
    period_end: date,
    coordinator: AbstractBaseUser,
    granularity: str = Granularity.QUARTER,
    data_form: str = DataForm.AGGREGATE,
    agreement: SharingAgreement | None = None,
    reporting_threshold: int | None = None,
    response_working_days: int | None = None,
    recurrence: str = Recurrence.NONE,
    agency_contact: AbstractBaseUser | None = None,
    campaign: Campaign | None = None,
    previous: DataRequest | None = None,
) -> DataRequest:
    """Creates a draft request and lets the agency's contacts see and answer it."""
    if not fields:
        raise ValidationError("Choose at least one field to request.")
    if agency_contact is not None and not agency.contacts.filter(pk=agency_contact.pk).exists():
        raise ValidationError(f"{agency_contact} is not a contact of {agency}.")
    request = DataRequest(
        agency=agency,
        source=source,
        title=title,
        purpose=purpose,
        geography_level=geography_level,
        period_start=period_start,
        period_end=period_end,
        granularity=granularity,
        data_form=data_form,
        agreement=agreement,
        response_working_days=response_working_days or agency.allowed_working_days(),
        recurrence=recurrence,
        coordinator=coordinator,
        agency_contact=agency_contact,
        campaign=campaign,
        previous=previous,
    )
    # A placeholder until the primary key gives the reference: unique, fits the column, never shown.
    request.reference = f"new-{request.public_id.hex[:16]}"
    if reporting_threshold is not None:
        request.reporting_threshold = reporting_threshold
    request.full_clean(exclude=["reference"])
    request.save()
    request.reference = f"REQ-{request.created_at:%Y}-{request.pk:05d}"
    request.save(update_fields=["reference"])
    request.fields.set(fields)
    assign_perm(VIEW, agency.group, request)
    assign_perm(RESPOND, agency.group, request)
    RequestEvent.objects.create(
        request=request,
        kind=RequestEvent.Kind.CREATED,
        actor=coordinator,
        to_status=Status.DRAFT,
        happened_on=timezone.localdate(),
        note=f"Created{' for campaign ' + campaign.name if campaign else ''}.",
    )
    return request


def request_transition(
    *,
    request: DataRequest,
    action: str,
    user,
    note: str = "",
    expected_version: int | None = None,
    on: date | None = None,
) -> DataRequest:
    """Moves the request along one edge, records who, when and why, and tells the other side.

    The row is locked and its version compared, so two people acting on the same request at once
    cannot both succeed on a stale page (`project.lib.lifecycle.Stale`). `user` None means the
    system; `on` backdates (demo data).
    """
    return transition_take(
        lifecycle=REQUESTS, obj=request, action=action, user=user, note=note, expected_version=expected_version, on=on
    )


def request_refresh_deadline(request: DataRequest, *, today: date) -> None:
    """Recomputes the stored due dates (kept on the row so lists can filter and sort by them)."""
    deadline = lifecycle.deadline_for(request, today=today)
    request.due_date = deadline.due if deadline else None
    request.long_overdue_date = deadline.long_overdue if deadline else None


def _may(user, request: DataRequest, edge: Edge) -> bool:
    return user is None or ActionChecker(user).may(request, edge.roles)


def _record(transition: Transition) -> None:
    """The timeline row, and the due dates, which follow from the timeline."""
    request = transition.obj
    RequestEvent.objects.create(
        request=request,
        kind=RequestEvent.Kind.TRANSITION,
        action=transition.action,
        from_status=transition.from_status,
        to_status=request.status,
        actor=transition.user,
        note=transition.note,
        happened_on=transition.on,
    )
    audit_record(
        user=transition.user,
        action=AuditEntry.Action.REQUEST_TRANSITION,
        object_type="requests.datarequest",
        object_id=request.pk,
        agreement=request.agreement,
        agency=request.agency,
        request_reference=request.reference,
        detail=f"{transition.edge.label}: {transition.from_status} to {request.status}."
        + (f" Note: {transition.note}" if transition.note else ""),
    )
    request_refresh_deadline(request, today=transition.on)


def _tell(transition: Transition, users) -> None:
    request, user, note = transition.obj, transition.user, transition.note
    who = display_name(user)
    subject = (
        f"{request.reference}: {transition.edge.label.split(' (')[0].lower()} ({request.get_status_display().lower()})"
    )
    body = f"{who} changed '{request.title}' for {request.agency} to {request.get_status_display().lower()}."
    if note:
        body += f"\n\n{note}"
    notify(users=users, subject=subject, body=body, url=request_url(request))


def _stamp_sent(transition: Transition) -> None:
    transition.obj.sent_on = transition.on


def _stamp_received(transition: Transition) -> None:
    transition.obj.received_on = transition.obj.received_on or transition.on


def _repeat_if_recurring(transition: Transition) -> None:
    if transition.obj.recurrence:
        request_repeat(transition.obj)


REQUESTS = Lifecycle(
    model=DataRequest,
    edges=lifecycle.EDGES,
    noun="request",
    may=_may,
    record=_record,
    version_field="version",
    related=("agency__organisation_type",),
    before={"send": (_stamp_sent,), "mark_received": (_stamp_received,)},
    after={"complete": (_repeat_if_recurring,), "complete_partially": (_repeat_if_recurring,)},
    audiences={
        "agency": lambda transition: transition.obj.agency.contacts.all(),
        "coordinator": lambda transition: [transition.obj.coordinator],
    },
    tell=_tell,
)


def request_repeat(request: DataRequest) -> DataRequest | None:
    """Creates the next request of a recurring series as a draft, once."""
    if DataRequest.objects.filter(previous=request).exists():
        return None
    step = relativedelta(months=3) if request.recurrence == Recurrence.QUARTERLY else relativedelta(years=1)
    return request_create(
        agency=request.agency,
        source=request.source,
        title=request.title,
        purpose=request.purpose,
        fields=list(request.fields.all()),
        geography_level=request.geography_level,
        period_start=request.period_start + step,
        period_end=request.period_end + step,
        granularity=request.granularity,
        data_form=request.data_form,
        agreement=request.agreement,
        reporting_threshold=request.reporting_threshold,
        response_working_days=request.response_working_days,
        recurrence=request.recurrence,
        coordinator=request.coordinator,
        agency_contact=request.agency_contact,
        campaign=None,
        previous=request,
    )


def require_participant(user, request: DataRequest) -> ActionChecker:
    checker = ActionChecker(user)
    if not (checker.is_coordinator or checker.is_agency_member(request)):
        raise PermissionDenied("Only the coordinator and the agency's contacts take part in this request.")
    return checker


@transaction.atomic
def request_message_post(*, request: DataRequest, user, body: str, attachment=None) -> RequestEvent:
    """A message between the agency and the coordinator, with an optional file."""
    checker = require_participant(user, request)
    if not body.strip() and attachment is None:
        raise ValidationError("Write a message or attach a file.")
    event = RequestEvent(
        request=request,
        kind=RequestEvent.Kind.MESSAGE,
        actor=user,
        note=body.strip(),
        happened_on=timezone.localdate(),
        attachment_name=attachment.name[:200] if attachment else "",
    )
    if attachment is not None:
        event.attachment = attachment
    event.save()
    recipients = [request.coordinator] if not checker.is_coordinator else list(request.agency.contacts.all())
    notify(
        users=[u for u in recipients if u.pk != user.pk],
        subject=f"{request.reference}: new message",
        body=f"{display_name(user)} wrote about '{request.title}':\n\n{body.strip()}",
        url=request_url(request),
    )
    return event


@transaction.atomic
def agency_contact_remove(*, agency: Agency, user: AbstractBaseUser, by: AbstractBaseUser) -> int:
    """Removes a contact who has left; their named open requests pass to the agency's other
    contacts (the first remaining becomes the named contact). Returns how many moved."""
    agency.group.user_set.remove(user)
    successor = agency.contacts.filter(is_active=True).order_by("pk").first()
    moved = 0
    for request in (
        DataRequest.objects.select_for_update().filter(agency=agency, agency_contact=user).exclude(status__in=FINISHED)
    ):
        request.agency_contact = successor
        request.version += 1
        request.save(update_fields=["agency_contact", "version", "updated_at"])
        RequestEvent.objects.create(
            request=request,
            kind=RequestEvent.Kind.REASSIGNED,
            actor=by,
            happened_on=timezone.localdate(),
            note=f"{display_name(user)} left {agency}; "
            + (f"passed to {display_name(successor)}." if successor else "no other contact yet."),
        )
        moved += 1
    if successor and moved:
        notify(
            users=[successor],
            subject=f"{moved} request(s) from {agency} passed to you",
            body=f"{display_name(user)} has left; their open requests are now yours.",
            url=reverse("requests:list"),
        )
    return moved
