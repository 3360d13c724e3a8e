"""Processing a stored return: the ingest pipeline, storing observations, completeness evidence."""

from datetime import timedelta
from functools import partial

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from catalogue.loading.codes import normalise_alias
from catalogue.models import (
    AreaCode,
    CountryAlias,
    Field,
    GssPrefix,
    Language,
    NationalityGroupMember,
)
from notifications.services import notify
from project import roles
from requests_app.ingest import codes, validate
from requests_app.models import (
    ChecklistAnswer,
    DataRequest,
    Observation,
    Return,
)
from requests_app.services.checklists import evidence_refresh
from requests_app.services.requests import request_url
from requests_app.storage import insert_observations
from sharing.models import AuditEntry
from sharing.services import audit_record, people_with_role


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
    from requests_app.tasks import process_return  # here: the task module imports this one

    stale = Return.objects.exclude(status__in=Return.FINAL).filter(status_changed_at__lt=now - STALE_AFTER)
    sent = 0
    for pk in list(stale.values_list("pk", flat=True)):
        # Claimed by a conditional update, as healthchecks' sendalerts claims a check: of two runs
        # at once, only the one that moves the row sends it.
        if stale.filter(pk=pk).update(status_changed_at=now):
            transaction.on_commit(partial(process_return.delay, pk))
            sent += 1
    return sent
