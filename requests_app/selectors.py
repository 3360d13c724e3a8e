"""Reads of data requests for a user. Every page and export gets its requests from here, so an
agency contact can never reach another agency's request: it is simply not in their queryset."""

import csv
import datetime
import io

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from guardian.shortcuts import get_objects_for_user

from catalogue.models import Agency, AreaCode, Country, Field, GeographyLevel, GssPrefix, Language
from project import roles
from project.lib.spreadsheet import neutralise
from project.lib.text import display_name
from requests_app.collection_template import CodeList, TemplateColumn, TemplateSpec
from requests_app.ingest.problems import LABELS as PROBLEM_LABELS
from requests_app.models import (
    AWAITING_AGENCY,
    FINISHED,
    OPEN,
    Campaign,
    ChecklistAnswer,
    DataRequest,
    Reminder,
    RequestEvent,
    Return,
    Status,
)
from requests_app.permissions import VIEW
from sharing.gate import GateDecision, candidates_for, decide
from sharing.models import SharingAgreement


def requests_for(user) -> QuerySet:
    if roles.is_coordinator(user) or roles.is_dpo(user):
        return DataRequest.objects.all()
    if roles.is_agency_contact(user):
        return get_objects_for_user(user, f"requests_app.{VIEW}", klass=DataRequest, accept_global_perms=False)
    return DataRequest.objects.none()


def with_list_details(queryset: QuerySet, today: datetime.date | None = None) -> QuerySet:
    """Adds what list pages show, overdue requests first, in a fixed number of queries."""
    today = today or timezone.localdate()
    waiting = [s.value for s in AWAITING_AGENCY]
    return (
        queryset.select_related("agency__organisation_type", "source", "campaign", "coordinator", "agency_contact")
        .annotate(
            urgency=Case(
                When(status__in=waiting, long_overdue_date__lt=today, then=Value(0)),
                When(status__in=waiting, due_date__lt=today, then=Value(1)),
                When(status__in=waiting, due_date__lte=today + datetime.timedelta(days=7), then=Value(2)),
                When(status__in=[s.value for s in FINISHED], then=Value(5)),
                When(status=Status.DRAFT, then=Value(4)),
                default=Value(3),
                output_field=IntegerField(),
            )
        )
        .order_by("urgency", "due_date", "reference")
    )


def request_get(user, public_id) -> DataRequest:
    try:
        return (
            requests_for(user)
            .select_related(
                "agency__organisation_type",
                "agency__group",
                "source",
                "geography_level",
                "coordinator",
                "agency_contact",
                "campaign",
            )
            .get(public_id=public_id)
        )
    except (DataRequest.DoesNotExist, ValueError):
        raise Http404("No such request.") from None


def request_timeline(request: DataRequest) -> QuerySet:
    return request.events.select_related("actor").order_by("-created_at", "-pk")


def checklist_rows(request: DataRequest) -> list[tuple[Field, ChecklistAnswer | None]]:
    answers = {a.field_id: a for a in request.checklist.select_related("recorded_by")}
    return [(f, answers.get(f.pk)) for f in request.fields.order_by("order")]


def status_counts(queryset: QuerySet) -> dict[str, int]:
    return dict(queryset.order_by().values_list("status").annotate(n=Count("id")))


def overdue_count(queryset: QuerySet, today: datetime.date) -> int:
    return queryset.filter(status__in=AWAITING_AGENCY, due_date__lt=today).count()


def campaigns_for(user) -> QuerySet:
    if not roles.is_coordinator(user):
        return Campaign.objects.none()
    return Campaign.objects.select_related("source", "created_by").annotate(
        total=Count("requests", filter=~Q(requests__status=Status.WITHDRAWN)),
        done=Count("requests", filter=Q(requests__status__in=[Status.COMPLETED, Status.PARTIALLY_COMPLETED])),
    )


def campaign_get(user, public_id) -> Campaign:
    try:
        return campaigns_for(user).get(public_id=public_id)
    except (Campaign.DoesNotExist, ValueError):
        raise Http404("No such campaign.") from None


def campaign_rollup(campaign: Campaign, today: datetime.date) -> dict:
    requests = campaign.requests.all()
    counts = status_counts(requests)
    live = sum(n for status, n in counts.items() if status != Status.WITHDRAWN)
    done = counts.get(Status.COMPLETED, 0) + counts.get(Status.PARTIALLY_COMPLETED, 0)
    answered = done + counts.get(Status.NOT_HELD, 0) + counts.get(Status.REFUSED, 0)
    return {
        "counts": counts,
        "total": live,
        "complete": done,
        "answered": answered,
        "percent_complete": round(100 * done / live) if live else 0,
        "percent_answered": round(100 * answered / live) if live else 0,
        "overdue": overdue_count(requests, today),
        "to_chase": requests.filter(status__in=AWAITING_AGENCY, due_date__lt=today)
        .exclude(reminders__kind=Reminder.Kind.CHASE, reminders__key_date=today)
        .count(),
    }


def agencies_with_contacts() -> QuerySet:
    return (
        Agency.objects.select_related("organisation_type", "area")
        .annotate(
            contact_count=Count("group__user", distinct=True),
            open_count=Count("requests", filter=Q(requests__status__in=[s.value for s in OPEN]), distinct=True),
        )
        .order_by("name")
    )


def agency_get(public_id) -> Agency:
    try:
        return Agency.objects.select_related("organisation_type", "area", "group").get(public_id=public_id)
    except (Agency.DoesNotExist, ValueError):
        raise Http404("No such agency.") from None


def agency_contact_get(agency: Agency, user_id):
    try:
        return agency.contacts.get(pk=int(user_id))
    except (ValueError, agency.contacts.model.DoesNotExist):
        raise Http404("That person is not a contact of this agency.") from None


REQUEST_CSV_COLUMNS = [
    "reference",
    "title",
    "agency",
    "agency_type",
    "source",
    "status",
    "sent_on",
    "due_date",
    "long_overdue_after",
    "campaign",
    "coordinator",
]


def requests_csv(queryset: QuerySet) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REQUEST_CSV_COLUMNS)
    for r in queryset:
        writer.writerow(
            [
                neutralise(v)
                for v in [
                    r.reference,
                    r.title,
                    r.agency.name,
                    r.agency.organisation_type.name,
                    r.source.title,
                    r.get_status_display(),
                    r.sent_on or "",
                    r.due_date or "",
                    r.long_overdue_date or "",
                    r.campaign.name if r.campaign else "",
                    display_name(r.coordinator),
                ]
            ]
        )
    return out.getvalue()


# --- The data-collection template ------------------------------------------------------------

AGE_BANDS = [
    ("0-4", "0 to 4"),
    ("5-10", "5 to 10"),
    ("11-15", "11 to 15"),
    ("16-17", "16 to 17"),
    ("18-24", "18 to 24"),
    ("25-34", "25 to 34"),
    ("35-49", "35 to 49"),
    ("50-64", "50 to 64"),
    ("65+", "65 and over"),
    ("Unknown", "Age not recorded"),
]
GENDERS = [("F", "Female"), ("M", "Male"), ("X", "Another gender"), ("U", "Not recorded")]
MIGRANT_TYPES = [
    ("asylum-seeker", "Asylum seeker"),
    ("refugee", "Refugee (leave to remain)"),
    ("economic", "Economic migrant / worker"),
    ("student", "International student"),
    ("family", "Family member"),
    ("nrpf", "No recourse to public funds"),
    ("other", "Other"),
    ("unknown", "Not recorded"),
]
YES_NO_UNKNOWN = [("yes", "Yes"), ("no", "No"), ("unknown", "Not recorded")]


def _periods(request: DataRequest) -> list[tuple[str, str]]:
    periods, day = [], request.period_start.replace(day=1)
    while day <= request.period_end:
        if request.granularity == "month":
            periods.append((f"{day:%Y-%m}", f"{day:%B %Y}"))
            day = (day + datetime.timedelta(days=32)).replace(day=1)
        elif request.granularity == "quarter":
            quarter = (day.month - 1) // 3 + 1
            periods.append((f"{day.year} Q{quarter}", f"{day.year} quarter {quarter} (calendar)"))
            day = datetime.date(day.year + (quarter == 4), (quarter % 4) * 3 + 1, 1)
        else:
            periods.append((str(day.year), f"{day.year}"))
            day = datetime.date(day.year + 1, 1, 1)
    return periods


def _code_list(field: Field, request: DataRequest) -> CodeList | None:
    code = field.code
    if code == "age":
        return CodeList(field.name, "Age bands", AGE_BANDS)
    if code == "gender":
        return CodeList(field.name, "Gender", GENDERS)
    if code == "immigration-status":
        return CodeList(field.name, "Immigration status / migrant type", MIGRANT_TYPES)
    if code == "period":
        return CodeList(field.name, "Periods", _periods(request))
    if code in ("country-of-birth", "nationality"):
        countries = Country.objects.order_by("kind", "name").values_list("code", "name")
        return CodeList(
            field.name,
            "Countries (ISO 3166 codes; names and nationality words are also accepted)",
            list(countries),
            closed=False,
        )
    if code == "main-language":
        languages = Language.objects.exclude(alpha2="").order_by("name").values_list("code", "name")
        return CodeList(
            field.name, "Languages (ISO 639-3 codes; names are also accepted)", list(languages), closed=False
        )
    if code == "ward":
        level: GeographyLevel = request.geography_level
        known = list(AreaCode.objects.filter(area=request.agency.area, level=level).values_list("code", "name"))
        if known:
            return CodeList(field.name, f"{level.name} codes in {request.agency.area.name}", known)
        prefixes = GssPrefix.objects.filter(level=level).values_list("prefix", "name")
        examples = [(f"{p}xxxxxx", f"{name}: 9-character GSS code") for p, name in prefixes]
        return CodeList(
            field.name, f"{level.name} codes", examples or [("", f"Name of the {level.name.lower()}")], closed=False
        )
    return None


def template_spec(request: DataRequest) -> TemplateSpec:
    """Exactly the requested fields, in canonical order, then the count."""
    fields = list(request.fields.order_by("order"))
    columns = [TemplateColumn(f.name, f.code, f.description[:120]) for f in fields]
    columns.append(TemplateColumn("Count", None, "Number of people (or cases) in this combination."))
    code_lists = [cl for cl in (_code_list(f, request) for f in fields) if cl]
    instructions = [
        f"Purpose: {request.purpose}",
        f"Period: {request.period_start:%d %B %Y} to {request.period_end:%d %B %Y}, by {request.get_granularity_display().lower()} period.",
        f"Geography: {request.geography_level.name}.",
        "One row per combination of the columns, with the number of people in the Count column.",
        "Do not send names, dates of birth, NHS numbers, pupil numbers or full postcodes: counts only."
        if request.aggregate_only
        else "Send the data in the agreed form.",
        "Leave a category out rather than writing 0 only if it does not exist at all; write 0 when there were none.",
        "Upload the completed file on the request page in the tracker.",
    ]
    return TemplateSpec(
        title=request.title,
        reference=request.reference,
        agency=request.agency.name,
        columns=columns,
        code_lists=code_lists,
        instructions=instructions,
        threshold=request.reporting_threshold,
    )


def timeline_attachment(request: DataRequest, event_id: int) -> RequestEvent:
    try:
        return request.events.exclude(attachment="").get(pk=event_id)
    except (RequestEvent.DoesNotExist, ValueError):
        raise Http404("No such attachment.") from None


def checklist_prefetch():
    return Prefetch("checklist", queryset=ChecklistAnswer.objects.select_related("field"))


# --- Governance ------------------------------------------------------------------------------


def governance_for(requests, on: datetime.date) -> dict[int, GateDecision]:
    """The gate's decision for each request, in a fixed number of queries (the list pages show it).
    Requests must come with their fields prefetched."""
    requests = list(requests)
    candidates = candidates_for({r.agency_id for r in requests})
    linked = {
        a.pk: a
        for a in SharingAgreement.objects.filter(
            pk__in={r.agreement_id for r in requests if r.agreement_id}
        ).prefetch_related("parties", "data_items")
    }
    return {
        r.pk: decide(
            agency=r.agency,
            fields=list(r.fields.all()),
            data_form=r.data_form,
            on=on,
            candidates=candidates[r.agency_id],
            agreement=linked.get(r.agreement_id),
        )
        for r in requests
    }


def blocked_requests(user, on: datetime.date) -> list[tuple[DataRequest, GateDecision]]:
    """Open requests whose data could not be accepted today, for the coordinator and the DPO."""
    if not (roles.is_coordinator(user) or roles.is_dpo(user)):
        return []
    open_requests = with_list_details(
        requests_for(user).filter(status__in=[s.value for s in OPEN]), on
    ).prefetch_related("fields")
    decisions = governance_for(open_requests, on)
    return [(r, decisions[r.pk]) for r in open_requests if not decisions[r.pk].allowed]


def returns_of(request: DataRequest) -> QuerySet:
    return request.returns.select_related("uploaded_by", "agreement")


def return_get(request: DataRequest, public_id) -> Return:
    try:
        return request.returns.select_related("agreement", "request__agency").get(public_id=public_id)
    except (Return.DoesNotExist, ValueError):
        raise Http404("No such file.") from None


def require_return_reader(user, stored: Return) -> None:
    """A quarantined file may hold personal data: only the DPO and the coordinator open it."""
    if stored.status == Return.Status.QUARANTINED and not (roles.is_dpo(user) or roles.is_coordinator(user)):
        raise Http404("This file is held for the Data Protection Officer.")


SHOWN_PER_TYPE = 20


def report_summary(report: dict) -> dict:
    """The report as the page shows it: errors first, the first 20 of each type, counts of the rest."""

    def grouped(problems):
        groups: dict[str, list] = {}
        for problem in problems:
            groups.setdefault(problem["type"], []).append(problem)
        counts = report.get("problem_counts", {})
        return [
            (
                PROBLEM_LABELS.get(kind, kind),
                items[:SHOWN_PER_TYPE],
                counts.get(kind, len(items)) - min(len(items), SHOWN_PER_TYPE),
            )
            for kind, items in groups.items()
        ]

    names = dict(Field.objects.filter(code__in=report.get("completeness", {})).values_list("code", "name"))
    return {
        "errors": grouped(report.get("errors", [])),
        "warnings": grouped(report.get("warnings", [])),
        "completeness": [(names.get(code, code), share) for code, share in report.get("completeness", {}).items()],
    }


PROBLEM_COLUMNS = ["severity", "type", "sheet", "row", "column", "value", "message"]


def problems_csv(report: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(PROBLEM_COLUMNS)
    for problem in [*report.get("errors", []), *report.get("warnings", [])]:
        writer.writerow([neutralise("" if problem.get(c) is None else str(problem.get(c))) for c in PROBLEM_COLUMNS])
    return out.getvalue()
