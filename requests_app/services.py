"""Writes for data requests. Status changes go through `lifecycle.request_transition`."""

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from celery import current_app
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from catalogue.loading import normalise_alias
from catalogue.models import (
    Agency,
    AreaCode,
    CountryAlias,
    Field,
    GeographyLevel,
    GssPrefix,
    Language,
    NationalityGroupMember,
    Source,
)
from notifications.services import notify
from project import roles
from requests_app import deadlines, lifecycle
from requests_app.ingest import codes, validate
from requests_app.models import (
    AWAITING_AGENCY,
    FINISHED,
    Campaign,
    ChecklistAnswer,
    DataRequest,
    FieldEvidence,
    Granularity,
    Observation,
    Recurrence,
    Reminder,
    RequestEvent,
    Return,
    Status,
)
from requests_app.permissions import RESPOND, VIEW, ActionChecker
from requests_app.storage import insert_observations
from sharing.gate import gate_check
from sharing.models import AuditEntry, DataForm, SharingAgreement
from sharing.services import audit_record, people_with_role


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


class StaleRequest(ValidationError):
    """Someone changed the request after the page was loaded."""


@transaction.atomic
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
    cannot both succeed on a stale page. `user` None means the system; `on` backdates (demo data).
    """
    edge = lifecycle.EDGES.get(action)
    if edge is None:
        raise ValidationError(f"Unknown action {action!r}.")
    locked = DataRequest.objects.select_for_update().select_related("agency__organisation_type").get(pk=request.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleRequest("Someone changed this request after you opened the page. Reload it and try again.")
    if locked.status not in edge.sources:
        raise ValidationError(
            f"A request that is {locked.get_status_display().lower()} cannot take the action '{edge.label}'."
        )
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
        request=locked,
        kind=RequestEvent.Kind.TRANSITION,
        action=action,
        from_status=before,
        to_status=locked.status,
        actor=user,
        note=note.strip(),
        happened_on=today,
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
    recorded_as = (
        ChecklistAnswer.RecordedAs.COORDINATOR if checker.is_coordinator else ChecklistAnswer.RecordedAs.AGENCY
    )
    changed = []
    for given in answers:
        if given.field.pk not in requested:
            raise ValidationError(f"{given.field} was not requested.")
        answer = stored.get(given.field.pk) or ChecklistAnswer(request=request, field=given.field)
        values = {
            "collected": given.collected,
            "mandatory": given.mandatory,
            "extractable": given.extractable,
            "completeness": given.completeness,
            "notes": given.notes.strip(),
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
            request=request,
            kind=RequestEvent.Kind.CHECKLIST,
            actor=user,
            happened_on=timezone.localdate(),
            note=f"{answer.get_recorded_as_display()}: {', '.join(changed)}.",
        )
        evidence_refresh(agency_ids=[request.agency_id])
    return len(changed)


@transaction.atomic
def evidence_refresh(*, agency_ids) -> None:
    """Derives the agencies' FieldEvidence afresh from their checklist answers and current
    processed returns. Rebuilt rather than patched, so it cannot drift from what it summarises;
    one agency's evidence is a few dozen rows."""
    agency_ids = sorted(set(agency_ids))
    # Two writers refreshing one agency would both delete, then both insert: take turns.
    list(Agency.objects.select_for_update().filter(pk__in=agency_ids).values_list("pk"))
    answers = ChecklistAnswer.objects.filter(request__agency_id__in=agency_ids)

    def newest(queryset, order: str) -> dict[tuple[int, int], int]:
        ranked = queryset.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("request__agency_id"), F("field_id")],
                order_by=[F(order).desc(), F("pk").desc()],
            )
        )
        return {
            (agency, field): pk
            for pk, agency, field in ranked.filter(rank=1)
            .values_list("pk", "request__agency_id", "field_id")
            .order_by()
        }

    # A "don't know" says nothing about the field, and a measured row's own answer is the measurement.
    answered = newest(
        answers.exclude(collected=ChecklistAnswer.Collected.UNKNOWN).exclude(
            recorded_as=ChecklistAnswer.RecordedAs.MEASURED
        ),
        "recorded_at",
    )
    measured = newest(answers.filter(measured_completeness__isnull=False), "measured_at")
    live = Return.objects.filter(status=Return.Status.DONE, superseded=False, request__agency_id__in=agency_ids)
    # A processed return has every column its request asked for.
    returned = {
        (agency, field): request
        for agency, field, request in DataRequest.fields.through.objects.filter(
            datarequest__in=live.values("request_id")
        )
        .values_list("datarequest__agency_id", "field_id")
        .annotate(request=Max("datarequest_id"))
        .order_by()
    }
    FieldEvidence.objects.filter(agency_id__in=agency_ids).delete()
    FieldEvidence.objects.bulk_create(
        FieldEvidence(
            agency_id=agency,
            field_id=field,
            answer_id=answered.get((agency, field)),
            measured_id=measured.get((agency, field)),
            returned_id=returned.get((agency, field)),
        )
        for agency, field in sorted(answered.keys() | measured.keys() | returned.keys())
    )


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
            note=f"{user.get_full_name() or user.username} left {agency}; "
            + (
                f"passed to {successor.get_full_name() or successor.username}."
                if successor
                else "no other contact yet."
            ),
        )
        moved += 1
    if successor and moved:
        notify(
            users=[successor],
            subject=f"{moved} request(s) from {agency} passed to you",
            body=f"{user.get_full_name() or user.username} has left; their open requests are now yours.",
            url=reverse("requests:list"),
        )
    return moved


# --- Chasers -------------------------------------------------------------------------------


def _send_reminder(
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
    for request in campaign.requests.filter(status__in=AWAITING_AGENCY, due_date__lt=today).select_related(
        "agency__group", "coordinator"
    ):
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
    return gate_check(
        agency=request.agency,
        fields=list(request.fields.all()),
        data_form=request.data_form,
        on=on,
        agreement=request.agreement,
    )


def return_upload(*, request: DataRequest, user, upload, on: date | None = None) -> Return:
    """Stores an agency's file for a request if, today, an active agreement allows it.

    A refusal stores nothing of the file; it is logged, and the coordinator and DPO are told the
    request is blocked. An accepted file supersedes the previous upload (kept) and marks the
    request as received.
    """
    _require_participant(user, request)
    if request.status not in UPLOADABLE:
        raise ValidationError(f"A request that is {request.get_status_display().lower()} does not take uploads.")
    if upload.size > settings.TRACKER_UPLOAD_MAX_BYTES:
        raise ValidationError(
            f"The file is larger than the {settings.TRACKER_UPLOAD_MAX_BYTES // (1024 * 1024)} MB limit."
        )
    today = on or timezone.localdate()
    decision = governance_decision(request, on=today)
    if not decision.allowed:
        with transaction.atomic():
            audit_record(
                user=user,
                action=AuditEntry.Action.UPLOAD_REFUSED,
                object_type="requests.datarequest",
                object_id=request.pk,
                agreement=decision.agreement,
                agency=request.agency,
                detail=decision.summary,
            )
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
        previous = locked.returns.filter(superseded=False)
        version = (locked.returns.aggregate(n=Max("version"))["n"] or 0) + 1
        stored = Return(
            request=locked,
            version=version,
            original_name=upload.name[:255],
            size=upload.size,
            sha256=digest.hexdigest(),
            agreement=decision.agreement,
            uploaded_by=user,
        )
        stored.file.save(upload.name, upload, save=False)
        try:
            if previous.update(superseded=True):
                evidence_refresh(agency_ids=[locked.agency_id])  # the replaced data no longer counts
            stored.full_clean()
            stored.save()
            audit_record(
                user=user,
                action=AuditEntry.Action.RETURN_UPLOADED,
                object_type="requests.return",
                object_id=stored.pk,
                agreement=decision.agreement,
                agency=locked.agency,
                detail=f"{stored.original_name}, {stored.size} bytes, sha256 {stored.sha256}",
            )
            RequestEvent.objects.create(
                request=locked,
                kind=RequestEvent.Kind.MESSAGE,
                actor=user,
                happened_on=today,
                note=f"Uploaded {stored.original_name} (version {version}).",
            )
            if locked.status in lifecycle.EDGES["mark_received"].sources:
                request_transition(request=locked, action="mark_received", user=user, on=today)
            # Sent by name: the task module imports this one.
            transaction.on_commit(lambda: current_app.send_task("requests_app.tasks.process_return", args=[stored.pk]))
        except Exception:
            # The database rolls back; the file written to disk must go with it.
            stored.file.delete(save=False)
            raise
    return stored


def return_opened(*, stored: Return, user) -> None:
    """Every download of a returned file is in the audit log."""
    audit_record(
        user=user,
        action=AuditEntry.Action.RETURN_DOWNLOAD,
        object_type="requests.return",
        object_id=stored.pk,
        agreement=stored.agreement,
        agency=stored.request.agency,
        detail=stored.original_name,
    )


# --- Processing returns ------------------------------------------------------------------------


def ingest_context(request: DataRequest | None) -> validate.Context:
    """The pipeline's inputs: plain dicts of reference data, no ORM objects. Without a request
    (the command line) no field is required and any geography level is accepted."""
    aliases = {f.code: [f.name, *f.aliases] for f in Field.objects.all()}
    country_aliases = dict(CountryAlias.objects.values_list("key", "country__code"))
    members = [
        (m.group.code, m.country.code, m.valid_from, m.valid_to)
        for m in NationalityGroupMember.objects.select_related("group", "country")
    ]
    languages = {}
    for code, alpha2, name in Language.objects.values_list("code", "alpha2", "name"):
        for word in (code, alpha2, name):
            if word:
                languages.setdefault(normalise_alias(word), code)
    levels = dict(GssPrefix.objects.filter(level__isnull=False).values_list("prefix", "level__code"))
    # Codes are checked against the area only when its lookup has been loaded (load_area_lookup).
    area_codes = (
        frozenset(AreaCode.objects.filter(area=request.agency.area).values_list("code", flat=True))
        if request
        else frozenset()
    )
    reference = codes.Reference(
        country_aliases=country_aliases,
        group_members=members,
        residual_group="NON-EU",
        language_aliases=languages,
        gss_levels=levels,
        area_codes=area_codes or None,
    )
    if request is None:
        return validate.Context(
            requested=[], aliases=aliases, geography_level="", aggregate_only=True, reference=reference
        )
    return validate.Context(
        requested=list(request.fields.values_list("code", flat=True)),
        aliases=aliases,
        geography_level=request.geography_level.code,
        aggregate_only=request.aggregate_only,
        reference=reference,
    )


def _set_status(stored: Return, status: str) -> None:
    Return.objects.filter(pk=stored.pk).update(status=status, status_changed_at=timezone.now())


def return_process(*, return_id: int) -> Return:
    """Reads, validates and stores one return. Safe to run twice and after a crash: a finished
    return is left alone, and the observations are written in one transaction with the status."""
    claimed = (
        Return.objects.filter(pk=return_id)
        .exclude(status__in=Return.FINAL)
        .update(status=Return.Status.READING, attempts=F("attempts") + 1, status_changed_at=timezone.now())
    )
    stored = Return.objects.select_related("request__agency", "request__coordinator", "uploaded_by").get(pk=return_id)
    if not claimed:
        return stored
    with stored.file.open("rb") as handle:
        data = handle.read()
    _set_status(stored, Return.Status.VALIDATING)
    result = validate.run(data, stored.original_name, ingest_context(stored.request))
    report = result.report()
    if result.quarantine:
        return _finish_quarantined(stored, report)
    if not result.valid:
        return _finish(stored, Return.Status.FAILED, report, result)
    _set_status(stored, Return.Status.STORING)
    with transaction.atomic():
        locked = Return.objects.select_for_update().get(pk=stored.pk)
        if locked.status == Return.Status.DONE:
            return locked
        # Anything a crashed attempt left is gone with its transaction; this makes sure of it.
        Observation.objects.filter(source_return=locked).delete()
        insert_observations(result.observations, locked.pk)
        _record_completeness(locked, result.completeness)
        finished = _finish(locked, Return.Status.DONE, report, result)
        evidence_refresh(agency_ids=[finished.request.agency_id])
        return finished


def _finish(stored: Return, status: str, report: dict, result) -> Return:
    Return.objects.filter(pk=stored.pk).update(
        status=status,
        status_changed_at=timezone.now(),
        report=report,
        rows_read=result.rows_read,
        observation_count=len(result.observations) if status == Return.Status.DONE else 0,
        total=result.total if status == Return.Status.DONE else None,
        processed_at=timezone.now(),
    )
    stored.refresh_from_db()
    request = stored.request
    if status == Return.Status.DONE:
        subject = f"{request.reference}: {stored.original_name} processed"
        body = f"{stored.observation_count} counts stored from {stored.original_name} (total {stored.total})."
    else:
        subject = f"{request.reference}: {stored.original_name} needs fixing"
        body = (
            "The file could not be accepted. The validation report lists each problem, where it is and how to fix it."
        )
    notify(users=[stored.uploaded_by, request.coordinator], subject=subject, body=body, url=request_url(request))
    return stored


def _finish_quarantined(stored: Return, report: dict) -> Return:
    with transaction.atomic():
        Return.objects.filter(pk=stored.pk).update(
            status=Return.Status.QUARANTINED,
            report=report,
            status_changed_at=timezone.now(),
            processed_at=timezone.now(),
        )
        stored.refresh_from_db()
        request = stored.request
        audit_record(
            user=None,
            action=AuditEntry.Action.RETURN_UPLOADED,
            object_type="requests.return",
            object_id=stored.pk,
            agreement=stored.agreement,
            agency=request.agency,
            detail="Quarantined: looks like record-level personal data.",
        )
        reason = report["errors"][-1]["message"] if report["errors"] else "It looks like personal data."
        notify(
            users=list(people_with_role(roles.DPO)) + [request.coordinator],
            subject=f"{request.reference}: a return was quarantined as possible personal data",
            body=f"{stored.original_name} from {request.agency} was not ingested. {reason}",
            url=request_url(request),
        )
        notify(
            users=[stored.uploaded_by],
            subject=f"{request.reference}: your file was not accepted",
            body=reason,
            url=request_url(request),
        )
    return stored


def _record_completeness(stored: Return, completeness: dict[str, float]) -> None:
    """Measured completeness goes beside the agency's own estimate, never over it."""
    fields = {f.code: f for f in stored.request.fields.filter(code__in=completeness)}
    now = timezone.now()
    for code, share in completeness.items():
        if code not in fields:
            continue
        percent = round(share * 100, 2)
        answer, created = ChecklistAnswer.objects.get_or_create(
            request=stored.request,
            field=fields[code],
            defaults={
                "recorded_as": ChecklistAnswer.RecordedAs.MEASURED,
                "collected": "yes" if share >= 0.95 else "partly" if share > 0 else "no",
            },
        )
        answer.measured_completeness, answer.measured_at = percent, now
        answer.save(update_fields=["measured_completeness", "measured_at", "recorded_at"])


# Longer than the task's hard time limit: a return unchanged for this long has lost its task.
STALE_AFTER = timedelta(minutes=45)


def returns_requeue_stale(*, now) -> int:
    """Sends again the returns whose task was lost (a worker killed on a broker without
    acknowledgements, such as the embedded filesystem queue). Processing is idempotent, so a
    task that was merely slow and is sent twice does no harm."""
    stale = list(
        Return.objects.exclude(status__in=Return.FINAL)
        .filter(status_changed_at__lt=now - STALE_AFTER)
        .values_list("pk", flat=True)
    )
    for pk in stale:
        Return.objects.filter(pk=pk).update(status_changed_at=now)
        current_app.send_task("requests_app.tasks.process_return", args=[pk])
    return len(stale)
