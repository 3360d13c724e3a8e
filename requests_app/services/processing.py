"""Processing a stored return: the ingest pipeline, storing observations, completeness evidence."""

from django.utils import timezone

from catalogue.loading.codes import normalise_alias
from catalogue.models import (
    Area,
    AreaCode,
    CountryAlias,
    Field,
    GssPrefix,
    Language,
    NationalityGroupMember,
    Source,
)
from notifications.services import notify
from project import roles
from project.lib.lifecycle import Lifecycle, Transition, transition_claim
from requests_app import lifecycle
from requests_app.ingest import codes, validate
from requests_app.limits import ingest_limits
from requests_app.models import (
    ChecklistAnswer,
    DataRequest,
    Observation,
    Return,
)
from requests_app.services.checklists import evidence_refresh
from requests_app.services.requests import request_transition, request_url
from requests_app.storage import insert_observations
from sharing.models import AuditEntry
from sharing.services import audit_record, people_with_role


def ingest_context(request: DataRequest | None) -> validate.Context:
    """The pipeline's inputs for a request. Without a request (the command line) no field is
    required and any geography level is accepted."""
    if request is None:
        return ingest_context_for(requested=[], geography_level="")
    return ingest_context_for(
        requested=list(request.fields.values_list("code", flat=True)),
        geography_level=request.geography_level.code,
        aggregate_only=request.aggregate_only,
        stock=request.source.measure == Source.Measure.STOCK,
        **area_reference(request.agency.area),
    )


def area_reference(area: Area) -> dict:
    """What the pipeline knows of the area: its codes, region, name and the years of its lookup's
    boundaries. Codes are checked against the area only when its lookup has been loaded."""
    lookup = list(AreaCode.objects.filter(area=area).values_list("code", "level__code", "vintage"))
    vintages: dict[str, int] = {}
    for _, level, vintage in lookup:
        if vintage:
            vintages[level] = max(vintage, vintages.get(level, 0))
    return {
        "area_codes": frozenset(code for code, _, _ in lookup),
        "local_authority": area.gss_code,
        "region": area.region_code,
        "area_name": area.name,
        "vintages": vintages,
    }


def ingest_context_for(
    *,
    requested: list[str],
    geography_level: str,
    aggregate_only: bool = True,
    area_codes: frozenset[str] = frozenset(),
    local_authority: str = "",
    region: str = "",
    area_name: str = "",
    vintages: dict[str, int] | None = None,
    stock: bool = False,
) -> validate.Context:
    """The pipeline's inputs: plain dicts of reference data from the catalogue, no ORM objects.
    The council's own code, region and name let a file holding many areas keep the council's rows."""
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
    reference = codes.Reference(
        country_aliases=country_aliases,
        group_members=members,
        residual_group="NON-EU",
        language_aliases=languages,
        gss_levels=levels,
        area_codes=area_codes or None,
        local_authority=local_authority,
        region=region,
        area_name=area_name,
        vintages=vintages or {},
    )
    return validate.Context(
        requested=requested,
        aliases=aliases,
        geography_level=geography_level,
        aggregate_only=aggregate_only,
        reference=reference,
        stock=stock,
        limits=ingest_limits(),
    )


def return_process(*, return_id: int) -> Return:
    """Reads, validates and stores one return. Safe to run twice and after a crash: each step is
    claimed under a lock, so a finished return is left alone and a run overtaken by another stops;
    the observations are written in one transaction with the status."""
    stored = _step(_latest(return_id), "start")
    if stored is None:
        return _latest(return_id)
    with stored.file.open("rb") as handle:
        data = handle.read()
    if not _step(stored, "validate"):
        return _latest(return_id)
    result = validate.run(data, stored.original_name, ingest_context(stored.request))
    if result.quarantine:
        outcome = _step(stored, "quarantine", result=result)
    elif not result.valid:
        outcome = _step(stored, "fail", result=result)
    else:
        outcome = _step(stored, "store") and _step(stored, "finish", result=result)
    return outcome or _latest(return_id)


def _step(stored: Return, action: str, **extra) -> Return | None:
    return transition_claim(lifecycle=RETURNS, obj=stored, action=action, **extra)


def _latest(return_id: int) -> Return:
    return Return.objects.select_related(*RETURNS.related).get(pk=return_id)


def _record(transition: Transition) -> None:
    """A return keeps no timeline; the time of its last step tells a lost task from a slow one."""
    transition.obj.status_changed_at = timezone.now()


def _count_attempt(transition: Transition) -> None:
    transition.obj.attempts += 1


def _keep_report(transition: Transition) -> None:
    transition.obj.report = transition.extra["result"].report()
    transition.obj.processed_at = timezone.now()


def _keep_nothing(transition: Transition) -> None:
    stored = transition.obj
    stored.rows_read, stored.observation_count, stored.total = transition.extra["result"].rows_read, 0, None


def _supersede_earlier(transition: Transition) -> None:
    """An accepted version replaces the earlier ones in the transaction that stores its counts, so
    a request never has two versions in force, nor none while a new one is checked or after one
    is refused. A version accepted after a newer one was (two uploads processed out of order) is
    kept, but not in force."""
    stored = transition.obj
    others = Return.objects.filter(request_id=stored.request_id).exclude(pk=stored.pk)
    # Each return's own step holds its row locked, so of two versions finishing at once the newer
    # one's update waits for the older one's commit and still replaces it.
    others.filter(version__lt=stored.version, superseded=False).update(superseded=True)
    if others.filter(version__gt=stored.version, status=Return.Status.DONE).exists():
        stored.superseded = True


def _store_observations(transition: Transition) -> None:
    stored, result = transition.obj, transition.extra["result"]
    # Anything a crashed attempt left is gone with its transaction; this makes sure of it.
    Observation.objects.filter(source_return=stored).delete()
    insert_observations(result.observations, stored.pk)
    if not stored.superseded:  # the measurement is of the version in force
        _record_completeness(stored, result.completeness)
    stored.rows_read, stored.observation_count, stored.total = result.rows_read, len(result.observations), result.total


def _mark_received(transition: Transition) -> None:
    """The request has its data once a version is accepted, not when a file arrives: a file that is
    refused or held leaves the request as it was, and the version in force before still counts."""
    stored = transition.obj
    request = DataRequest.objects.get(pk=stored.request_id)
    if stored.superseded or request.status not in lifecycle.EDGES["mark_received"].sources:
        return
    request_transition(
        request=request,
        action="mark_received",
        user=None,
        note=f"Version {stored.version} ({stored.original_name}) was checked and accepted.",
    )


def _refresh_evidence(transition: Transition) -> None:
    evidence_refresh(agency_ids=[transition.obj.request.agency_id])


def _tell_processed(transition: Transition) -> None:
    stored = transition.obj
    _tell_uploader_and_coordinator(
        stored,
        subject=f"{stored.request.reference}: {stored.original_name} processed",
        body=f"{stored.observation_count} counts stored from {stored.original_name} (total {stored.total}).",
    )


def _tell_needs_fixing(transition: Transition) -> None:
    stored = transition.obj
    _tell_uploader_and_coordinator(
        stored,
        subject=f"{stored.request.reference}: {stored.original_name} needs fixing",
        body="The file could not be accepted. The validation report lists each problem, where it is and how to fix it."
        + _still_in_force(stored),
    )


def _still_in_force(stored: Return) -> str:
    """What a refused file leaves in place, so nobody fears that accepted data was lost."""
    kept = Return.objects.filter(request_id=stored.request_id, status=Return.Status.DONE, superseded=False).first()
    return f" Version {kept.version} ({kept.original_name}) stays in force." if kept else ""


def _tell_uploader_and_coordinator(stored: Return, *, subject: str, body: str) -> None:
    request = stored.request
    notify(users=[stored.uploaded_by, request.coordinator], subject=subject, body=body, url=request_url(request))


def _hold_for_the_dpo(transition: Transition) -> None:
    stored = transition.obj
    request = stored.request
    audit_record(
        user=None,
        action=AuditEntry.Action.RETURN_UPLOADED,
        object_type="requests.return",
        object_id=stored.pk,
        agreement=stored.agreement,
        agency=request.agency,
        request_reference=request.reference,
        detail="Quarantined: looks like record-level personal data.",
    )
    reason = stored.report["errors"][-1]["message"] if stored.report["errors"] else "It looks like personal data."
    told = [*people_with_role(roles.DPO), request.coordinator]
    notify(
        users=told,
        subject=f"{request.reference}: a return was quarantined as possible personal data",
        body=f"{stored.original_name} from {request.agency} was not ingested. {reason}{_still_in_force(stored)}",
        url=request_url(request),
    )
    if stored.uploaded_by in told:  # a coordinator who sent the file in has just heard of it
        return
    notify(
        users=[stored.uploaded_by],
        subject=f"{request.reference}: your file was not accepted",
        body=reason + _still_in_force(stored),
        url=request_url(request),
    )


# Returns move only by the worker (and the requeue beat): no user takes their edges.
RETURNS = Lifecycle(
    model=Return,
    edges=lifecycle.RETURN_EDGES,
    noun="return",
    may=lambda user, stored, edge: user is None,
    record=_record,
    related=("request__agency", "request__coordinator", "uploaded_by"),
    before={
        "start": (_count_attempt,),
        "quarantine": (_keep_report,),
        "fail": (_keep_report, _keep_nothing),
        "finish": (_keep_report, _supersede_earlier, _store_observations),
        "give_up": (_keep_report, _keep_nothing),
    },
    after={
        "quarantine": (_hold_for_the_dpo,),
        "fail": (_tell_needs_fixing,),
        "give_up": (_tell_needs_fixing,),
        "finish": (_mark_received, _tell_processed, _refresh_evidence),
    },
)


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
