"""Writes for data requests. Status changes go through `lifecycle.request_transition`."""

import hashlib
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from catalogue.models import Agency, Field, GeographyLevel, Source
from notifications.services import notify
from project import roles
from sharing.gate import gate_check
from sharing.models import AuditEntry, DataForm, SharingAgreement
from sharing.services import audit_record, people_with_role
from requests_app import deadlines, lifecycle
from requests_app.models import (
    AWAITING_AGENCY,
    FINISHED,
    Campaign,
    ChecklistAnswer,
    DataRequest,
    Granularity,
    Recurrence,
    Reminder,
    RequestEvent,
    Return,
    Status,
)
from requests_app.permissions import RESPOND, VIEW, ActionChecker


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
        agency=agency, source=source, title=title, purpose=purpose, geography_level=geography_level,
        period_start=period_start, period_end=period_end, granularity=granularity, data_form=data_form, agreement=agreement,
        response_working_days=response_working_days or agency.allowed_working_days(), recurrence=recurrence,
        coordinator=coordinator, agency_contact=agency_contact, campaign=campaign, previous=previous,
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
        request=request, kind=RequestEvent.Kind.CREATED, actor=coordinator, to_status=Status.DRAFT,
        happened_on=timezone.localdate(), note=f"Created{' for campaign ' + campaign.name if campaign else ''}.",
    )
    return request


class StaleRequest(ValidationError):
    """Someone changed the request after the page was loaded."""


@transaction.atomic
def request_transition(
    *, request: DataRequest, action: str, user, note: str = "", expected_version: int | None = None, on: date | None = None
) -> DataRequest:
    """Moves the request along one edge, records who, when and why, and tells the other side.

    The row is locked and its version compared, so two people acting on the same request at once
    cannot both succeed on a stale page. `user` None means the system; `on` backdates (demo data).
    """
    edge = lifecycle.EDGES.get(action)
    if edge is None:
        raise ValidationError(f"Unknown action {action!r}.")
    locked = DataRequest.objects.select_for_update().select_related("agency__organisation_type").get(pk=request.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleRequest("Someone changed this request after you opened the page. Reload it and try again.")
    if locked.status not in edge.sources:
        raise ValidationError(f"A request that is {locked.get_status_display().lower()} cannot take the action '{edge.label}'.")
    if user is not None and not ActionChecker(user).may(locked, edge.roles):
        raise PermissionDenied(f"Your role cannot take the action '{edge.label}' on this request.")
    if edge.note_prompt and not note.strip():
        raise ValidationError(f"{edge.note_prompt} Please add a note.")

    today = on or timezone.localdate()
    before = locked.status
    locked.status = edge.target_for(locked)
    locked.version += 1
    if action == "send":
        locked.sent_on = today
    if locked.status == Status.RECEIVED and not locked.received_on:
        locked.received_on = today
    if locked.status == Status.DRAFT:
        locked.sent_on = None
    RequestEvent.objects.create(
        request=locked, kind=RequestEvent.Kind.TRANSITION, action=action, from_status=before, to_status=locked.status,
        actor=user, note=note.strip(), happened_on=today,
    )
    request_refresh_deadline(locked, today=today)
    locked.full_clean()
    locked.save()
    request_after_transition(locked, action=action, edge=edge, user=user, note=note.strip())
    return locked


def request_refresh_deadline(request: DataRequest, *, today: date) -> None:
    """Recomputes the stored due dates (kept on the row so lists can filter and sort by them)."""
    deadline = lifecycle.deadline_for(request, today=today)
    request.due_date = deadline.due if deadline else None
    request.long_overdue_date = deadline.long_overdue if deadline else None


def request_after_transition(request: DataRequest, *, action: str, edge, user, note: str) -> None:
    who = user.get_full_name() or user.username if user else "The tracker"
    subject = f"{request.reference}: {edge.label.split(' (')[0].lower()} ({request.get_status_display().lower()})"
    body = f"{who} changed '{request.title}' for {request.agency} to {request.get_status_display().lower()}."
    if note:
        body += f"\n\n{note}"
    if edge.notify == "agency":
        notify(users=request.agency.contacts.all(), subject=subject, body=body, url=request_url(request))
    elif edge.notify == "coordinator":
        notify(users=[request.coordinator], subject=subject, body=body, url=request_url(request))
    if request.status in (Status.COMPLETED, Status.PARTIALLY_COMPLETED) and request.recurrence:
        request_repeat(request)


def request_repeat(request: DataRequest) -> DataRequest | None:
    """Creates the next request of a recurring series as a draft, once."""
    if DataRequest.objects.filter(previous=request).exists():
        return None
    step = relativedelta(months=3) if request.recurrence == Recurrence.QUARTERLY else relativedelta(years=1)
    return request_create(
        agency=request.agency, source=request.source, title=request.title, purpose=request.purpose,
        fields=list(request.fields.all()), geography_level=request.geography_level,
        period_start=request.period_start + step, period_end=request.period_end + step, granularity=request.granularity,
        data_form=request.data_form, agreement=request.agreement, reporting_threshold=request.reporting_threshold,
        response_working_days=request.response_working_days, recurrence=request.recurrence,
        coordinator=request.coordinator, agency_contact=request.agency_contact, campaign=None, previous=request,
    )


def _require_participant(user, request: DataRequest) -> ActionChecker:
    checker = ActionChecker(user)
    if not (checker.is_coordinator or checker.is_agency_member(request)):
        raise PermissionDenied("Only the coordinator and the agency's contacts take part in this request.")
    return checker


@transaction.atomic
def request_message_post(*, request: DataRequest, user, body: str, attachment=None) -> RequestEvent:
    """A message between the agency and the coordinator, with an optional file."""
    checker = _require_participant(user, request)
    if not body.strip() and attachment is None:
        raise ValidationError("Write a message or attach a file.")
    event = RequestEvent(
        request=request, kind=RequestEvent.Kind.MESSAGE, actor=user, note=body.strip(), happened_on=timezone.localdate(),
        attachment_name=attachment.name[:200] if attachment else "",
    )
    if attachment is not None:
        event.attachment = attachment
    event.save()
    recipients = [request.coordinator] if not checker.is_coordinator else list(request.agency.contacts.all())
    notify(
        users=[u for u in recipients if u.pk != user.pk], subject=f"{request.reference}: new message",
        body=f"{user.get_full_name() or user.username} wrote about '{request.title}':\n\n{body.strip()}",
        url=request_url(request),
    )
    return event


@dataclass(frozen=True)
class ChecklistInput:
    field: Field
    collected: str
    mandatory: str
    extractable: str
    completeness: int | None
    notes: str


@transaction.atomic
def checklist_record(*, request: DataRequest, user, answers: list[ChecklistInput]) -> int:
    """Records the field-availability checklist: by the agency in the portal, or by the coordinator
    after a call. Returns how many answers changed; all or nothing."""
    checker = _require_participant(user, request)
    requested = set(request.fields.values_list("pk", flat=True))
    stored = {a.field_id: a for a in ChecklistAnswer.objects.select_for_update().filter(request=request)}
    recorded_as = ChecklistAnswer.RecordedAs.COORDINATOR if checker.is_coordinator else ChecklistAnswer.RecordedAs.AGENCY
    changed = []
    for given in answers:
        if given.field.pk not in requested:
            raise ValidationError(f"{given.field} was not requested.")
        answer = stored.get(given.field.pk) or ChecklistAnswer(request=request, field=given.field)
        values = {
            "collected": given.collected, "mandatory": given.mandatory, "extractable": given.extractable,
            "completeness": given.completeness, "notes": given.notes.strip(),
        }
        if answer.pk and all(getattr(answer, k) == v for k, v in values.items()):
            continue
        for key, value in values.items():
            setattr(answer, key, value)
        answer.recorded_as, answer.recorded_by = recorded_as, user
        answer.full_clean()
        answer.save()
        changed.append(given.field.name)
    if changed:
        RequestEvent.objects.create(
            request=request, kind=RequestEvent.Kind.CHECKLIST, actor=user, happened_on=timezone.localdate(),
            note=f"{answer.get_recorded_as_display()}: {', '.join(changed)}.",
        )
    return len(changed)


@transaction.atomic
def agency_contact_remove(*, agency: Agency, user: AbstractBaseUser, by: AbstractBaseUser) -> int:
    """Removes a contact who has left; their named open requests pass to the agency's other
    contacts (the first remaining becomes the named contact). Returns how many moved."""
    agency.group.user_set.remove(user)
    successor = agency.contacts.filter(is_active=True).order_by("pk").first()
    moved = 0
    for request in DataRequest.objects.select_for_update().filter(agency=agency, agency_contact=user).exclude(status__in=FINISHED):
        request.agency_contact = successor
        request.version += 1
        request.save(update_fields=["agency_contact", "version", "updated_at"])
        RequestEvent.objects.create(
            request=request, kind=RequestEvent.Kind.REASSIGNED, actor=by, happened_on=timezone.localdate(),
            note=f"{user.get_full_name() or user.username} left {agency}; "
            + (f"passed to {successor.get_full_name() or successor.username}." if successor else "no other contact yet."),
        )
        moved += 1
    if successor and moved:
        notify(users=[successor], subject=f"{moved} request(s) from {agency} passed to you",
               body=f"{user.get_full_name() or user.username} has left; their open requests are now yours.",
               url=reverse("requests:list"))
    return moved


# --- Chasers -------------------------------------------------------------------------------


def _send_reminder(request: DataRequest, kind: str, key_date: date, *, to_agency: bool, to_coordinator: bool, text: str) -> bool:
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
    RequestEvent.objects.create(request=request, kind=RequestEvent.Kind.CHASER, happened_on=key_date if kind == "chase" else timezone.localdate(), note=f"{Reminder.Kind(kind).label}.")
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
        if _send_reminder(request, kind, due, to_agency=agency, to_coordinator=coordinator, text=text):
            sent[kind] += 1
    return sent


# --- Campaigns -----------------------------------------------------------------------------


@transaction.atomic
def campaign_create(*, name: str, agencies: list[Agency], coordinator, send: bool, **request_fields) -> Campaign:
    """Creates one request per agency (and sends them all, if asked), all or nothing."""
    if not roles.is_coordinator(coordinator):
        raise PermissionDenied("Only coordinators start campaigns.")
    if not agencies:
        raise ValidationError("Choose at least one agency.")
    campaign = Campaign(name=name, source=request_fields["source"], created_by=coordinator)
    campaign.full_clean()
    campaign.save()
    for agency in agencies:
        request = request_create(agency=agency, coordinator=coordinator, campaign=campaign, **request_fields)
        if send:
            request_transition(request=request, action="send", user=coordinator)
    return campaign


@transaction.atomic
def campaign_chase_overdue(*, campaign: Campaign, user, today: date) -> int:
    """Chases every overdue agency of the campaign now; at most once a day per request."""
    if not roles.is_coordinator(user):
        raise PermissionDenied("Only coordinators chase agencies.")
    chased = 0
    for request in campaign.requests.filter(status__in=AWAITING_AGENCY, due_date__lt=today).select_related("agency__group", "coordinator"):
        text = (
            f"{user.get_full_name() or user.username} is chasing '{request.title}', which was due on "
            f"{request.due_date:%d %B %Y}. Please reply, or tell us if something is in the way."
        )
        if _send_reminder(request, Reminder.Kind.CHASE, today, to_agency=True, to_coordinator=False, text=text):
            chased += 1
    return chased


# --- Returns and the governance gate -------------------------------------------------------

UPLOADABLE = {Status.SENT, Status.ACKNOWLEDGED, Status.RECEIVED, Status.UNDER_QUERY}


class UploadRefused(ValidationError):
    """The gate said no; the message lists exactly what is missing."""


def governance_decision(request: DataRequest, *, on: date):
    return gate_check(agency=request.agency, fields=list(request.fields.all()), data_form=request.data_form, on=on,
                      agreement=request.agreement)


def return_upload(*, request: DataRequest, user, upload, on: date | None = None) -> Return:
    """Stores an agency's file for a request if, today, an active agreement allows it.

    A refusal stores nothing of the file; it is logged, and the coordinator and DPO are told the
    request is blocked. An accepted file supersedes the previous upload (kept) and marks the
    request as received.
    """
    checker = _require_participant(user, request)
    if request.status not in UPLOADABLE:
        raise ValidationError(f"A request that is {request.get_status_display().lower()} does not take uploads.")
    if upload.size > settings.TRACKER_UPLOAD_MAX_BYTES:
        raise ValidationError(f"The file is larger than the {settings.TRACKER_UPLOAD_MAX_BYTES // (1024 * 1024)} MB limit.")
    today = on or timezone.localdate()
    decision = governance_decision(request, on=today)
    if not decision.allowed:
        with transaction.atomic():
            audit_record(user=user, action=AuditEntry.Action.UPLOAD_REFUSED, object_type="requests.datarequest",
                         object_id=request.pk, agreement=decision.agreement, agency=request.agency, detail=decision.summary)
            notify(
                users=[request.coordinator, *people_with_role(roles.DPO)],
                subject=f"{request.reference}: upload blocked by governance",
                body=f"{user.get_full_name() or user.get_username()} tried to upload data for '{request.title}'. "
                f"It was refused: {decision.summary}",
                url=request_url(request),
            )
        raise UploadRefused(f"The file was not accepted, and nothing of it was kept. {decision.summary}")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    with transaction.atomic():
        locked = DataRequest.objects.select_for_update().get(pk=request.pk)
        previous = locked.returns.filter(state=Return.State.STORED)
        version = (locked.returns.aggregate(n=Max("version"))["n"] or 0) + 1
        stored = Return(request=locked, version=version, original_name=upload.name[:255], size=upload.size,
                        sha256=digest.hexdigest(), agreement=decision.agreement, uploaded_by=user)
        stored.file.save(upload.name, upload, save=False)
        try:
            previous.update(state=Return.State.SUPERSEDED)
            stored.full_clean()
            stored.save()
            audit_record(user=user, action=AuditEntry.Action.RETURN_UPLOADED, object_type="requests.return",
                         object_id=stored.pk, agreement=decision.agreement, agency=locked.agency,
                         detail=f"{stored.original_name}, {stored.size} bytes, sha256 {stored.sha256}")
            RequestEvent.objects.create(request=locked, kind=RequestEvent.Kind.MESSAGE, actor=user, happened_on=today,
                                        note=f"Uploaded {stored.original_name} (version {version}).")
            if locked.status in lifecycle.EDGES["mark_received"].sources:
                request_transition(request=locked, action="mark_received", user=user, on=today)
        except Exception:
            # The database rolls back; the file written to disk must go with it.
            stored.file.delete(save=False)
            raise
    return stored


def return_opened(*, stored: Return, user) -> None:
    """Every download of a returned file is in the audit log."""
    audit_record(user=user, action=AuditEntry.Action.RETURN_DOWNLOAD, object_type="requests.return", object_id=stored.pk,
                 agreement=stored.agreement, agency=stored.request.agency, detail=stored.original_name)
