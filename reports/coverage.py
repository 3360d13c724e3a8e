"""What the area knows about its migration data: which source and which agency records each key
field and breakdown, how completely, and on what evidence; which sources reach small areas; how far
Stage 2 has got; which themes have no local data; which public releases are due.

`coverage_build` reads everything in a fixed number of queries, whatever the number of agencies,
sources or requests, and returns plain data that pages, exports and the recommendation rules share.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from catalogue.models import Agency, Area, Field, Source, SourceAvailability, SourceField, SourceRefresh, Theme
from requests_app.models import ChecklistAnswer, DataRequest, Return, Status
from sharing.gate import GateDecision, candidates_for, decide

KEY_FIELDS = ["country-of-birth", "nationality", "immigration-status", "main-language"]
BREAKDOWNS = ["age", "gender", "ward", "period"]
MATRIX_FIELDS = KEY_FIELDS + BREAKDOWNS
SMALL_AREA_LEVELS = ["ward", "msoa", "lsoa"]
# Levels fine enough to give a ward breakdown when the catalogue lists no ward field.
WARD_OR_FINER = {"ward", "electoral-district", "msoa", "lsoa", "postcode-sector"}

COLLECTED, PARTLY, NOT_COLLECTED, UNKNOWN = "collected", "partly", "not-collected", "unknown"
STATE_LABELS = {COLLECTED: "Collected", PARTLY: "Partly", NOT_COLLECTED: "Not collected", UNKNOWN: "Unknown"}
CATALOGUE, CHECKLIST, MEASURED = "catalogue", "checklist", "measured"
PROVENANCE_LABELS = {CATALOGUE: "catalogue fact", CHECKLIST: "checklist answer", MEASURED: "measured in a return", "": "no evidence"}

# get_FOO_display() rebuilds the flat choice list on every call; these pages call it hundreds of times.
FREQUENCIES = dict(Source.Frequency.choices)
STAGES = dict(Source.Stage.choices)
# Keyed by plain strings: enum members hash slowly, and these lookups run thousands of times a page.
FROM_AVAILABILITY = {"carried": COLLECTED, "partial": PARTLY, "check": UNKNOWN, "absent": NOT_COLLECTED}
AVAILABILITY_WORDS = {
    "carried": "carries it", "partial": "carries it for some records or categories only",
    "check": "may carry it: check with each agency", "absent": "does not carry it",
}
FROM_ANSWER = {"yes": COLLECTED, "partly": PARTLY, "no": NOT_COLLECTED, "unknown": UNKNOWN}
# Which catalogue availability wins when several requested sources speak for one agency.
AVAILABILITY_RANK = {"carried": 3, "partial": 2, "absent": 1, "check": 0}

RECEIVED = {Status.RECEIVED, Status.UNDER_QUERY, Status.COMPLETED, Status.PARTIALLY_COMPLETED}
ASKED = {Status.SENT, Status.ACKNOWLEDGED, Status.CLARIFICATION}
# Requests that expect data, so the agency needs an agreement that lets it be accepted.
EXPECTING_DATA = ASKED | {Status.RECEIVED, Status.UNDER_QUERY}


@dataclass(frozen=True)
class Cell:
    state: str
    provenance: str = ""
    completeness: float | None = None  # percent of records with a value
    detail: str = ""
    request: str = ""  # reference of the request the evidence came from

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def provenance_label(self) -> str:
        return PROVENANCE_LABELS[self.provenance]


@dataclass
class Row:
    label: str
    kind: str  # source | agency
    group: str  # stage for sources, organisation type for agencies
    cells: dict[str, Cell]
    slug: str = ""
    public_id: str = ""
    requests: int = 0

    def missing(self, codes=KEY_FIELDS) -> list[str]:
        return [code for code in codes if self.cells[code].state == NOT_COLLECTED]


OUTCOME_LABELS = {
    "received": "Data received", "requested": "Requested, waiting", "not-held": "Not held", "refused": "Refused",
    "withdrawn": "Withdrawn", "drafted": "Drafted, not sent", "not-requested": "Not requested",
}


@dataclass
class Stage2Row:
    source: Source
    counts: dict[str, int]
    outcome: str  # a key of OUTCOME_LABELS: the furthest any request for it has got

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome]


@dataclass
class ThemeRow:
    theme: Theme
    local_sources: int
    requested: int
    received: int

    @property
    def gap(self) -> str:
        if not self.local_sources:
            return "no local source in the catalogue"
        if not self.requested:
            return "no local source requested"
        if not self.received:
            return "requested, nothing received yet"
        return ""


@dataclass
class ReleaseRow:
    source: Source
    last_release: datetime.date | None  # first day of the latest release month up to today
    next_release: datetime.date | None
    refreshed_on: datetime.date | None

    @property
    def stale(self) -> bool:
        return self.last_release is not None and (self.refreshed_on is None or self.refreshed_on < self.last_release)


@dataclass
class AgencyGovernance:
    agency: Agency
    expecting: list[str]  # references of requests that expect data
    decision: GateDecision


@dataclass
class Coverage:
    area: Area
    today: datetime.date
    fields: list[Field]
    source_rows: list[Row]
    agency_rows: list[Row]
    small_areas: dict[str, list[Source]]
    small_area_names: dict[str, str]
    stage2: list[Stage2Row]
    themes: list[ThemeRow]
    availability: list[tuple[Source, SourceAvailability | None]]
    releases: list[ReleaseRow]
    sources: dict[int, Source]
    checklist: list[dict]  # each agency's newest known answer per field, with field codes
    categories: dict[str, dict[int, set[str]]] = field(default_factory=dict)  # column -> agency id -> categories
    requests: list[dict] = field(default_factory=list)
    agency_names: dict[int, str] = field(default_factory=dict)
    requested_fields: dict[int, list[int]] = field(default_factory=dict)
    agencies: list[Agency] = field(default_factory=list)

    @cached_property
    def governance(self) -> list[AgencyGovernance]:
        # Only the recommendations need it, and it costs the gate's agreements: built on first use.
        return _blocked_agencies(self.agencies, self.requests, self.requested_fields, self.today)

    @property
    def field_names(self) -> dict[str, str]:
        return {f.code: f.name for f in self.fields}

    @property
    def due_releases(self) -> list[ReleaseRow]:
        return [r for r in self.releases if r.last_release and r.last_release.year == self.today.year
                and r.last_release.month == self.today.month]


def release_dates(months: list[int], today: datetime.date) -> tuple[datetime.date | None, datetime.date | None]:
    if not months:
        return None, None
    past = [datetime.date(today.year - back, m, 1) for back in (0, 1) for m in months]
    last = max(d for d in past if d <= today)
    following = [datetime.date(today.year + ahead, m, 1) for ahead in (0, 1) for m in months]
    return last, min(d for d in following if d > today)


def _source_cell(source: Source, code: str, availability: dict[tuple[int, str], str], levels: set[str]) -> Cell:
    found = availability.get((source.pk, code))
    if found:
        state = FROM_AVAILABILITY[found]
        return Cell(state, CATALOGUE, detail=f"The catalogue says {source.title} {AVAILABILITY_WORDS[found]}.")
    if code == "ward":
        reached = levels & WARD_OR_FINER
        state = COLLECTED if reached else NOT_COLLECTED
        return Cell(state, CATALOGUE, detail=f"Published at {', '.join(sorted(reached)) or 'no level below local authority'}.")
    if code == "period":
        return Cell(COLLECTED, CATALOGUE, detail=f"Released {FREQUENCIES[source.frequency].lower()}.")
    if source.stage == Source.Stage.PUBLIC:
        return Cell(NOT_COLLECTED, CATALOGUE, detail=f"{source.title} has no such breakdown in its published tables.")
    return Cell(UNKNOWN, "", detail="The catalogue does not say; ask the agencies that hold it.")


def _agency_cell(code: str, measured: dict | None, answered: dict | None, catalogue: tuple[str, Source] | None,
                 returned: str | None = None) -> Cell:
    if measured:
        share = float(measured["measured_completeness"])
        state = COLLECTED if share >= 95 else PARTLY if share > 0 else NOT_COLLECTED
        return Cell(state, MEASURED, share, f"{share:g}% of rows had a value in the latest return for {measured['reference']}.",
                    measured["reference"])
    if returned:
        # A processed return always has every requested column; its completeness is measured
        # for the key fields only.
        return Cell(COLLECTED, MEASURED, detail=f"A column of the processed return for {returned}.", request=returned)
    if answered:
        estimate = answered["completeness"]
        words = {"agency": "the agency", "coordinator": "the coordinator", "measured": "the agency"}[answered["recorded_as"]]
        detail = f"Answered by {words} for {answered['reference']}"
        if estimate is not None:
            detail += f", about {estimate}% complete"
        if answered["mandatory"] == "no":
            detail += "; not mandatory"
        return Cell(FROM_ANSWER[answered["collected"]], CHECKLIST, estimate, detail + ".", answered["reference"])
    if catalogue:
        availability, source = catalogue
        return Cell(FROM_AVAILABILITY[availability], CATALOGUE, detail=f"The catalogue says {source.title} {AVAILABILITY_WORDS[availability]}.")
    return Cell(UNKNOWN, "", detail="No request, checklist answer or catalogue fact yet.")


def _blocked_agencies(agencies: list[Agency], requests: list[dict], requested_fields: dict[int, list[int]],
                      on: datetime.date) -> list[AgencyGovernance]:
    """Agencies expected to send data that no agreement in force would let in, with the gate's reasons."""
    all_fields = {f.pk: f for f in Field.objects.only("id", "name")}
    expecting = [r for r in requests if r["status"] in EXPECTING_DATA]
    candidates = candidates_for(sorted({r["agency_id"] for r in expecting}))
    agency_by_pk = {a.pk: a for a in agencies}
    governance = []
    expecting_by_agency = defaultdict(list)
    for r in expecting:
        expecting_by_agency[r["agency_id"]].append(r)
    for agency_id in sorted(expecting_by_agency, key=lambda pk: agency_by_pk[pk].name):
        theirs = expecting_by_agency[agency_id]
        blocked = None
        decided = {}

        def decision(field_ids, data_form, agreement_id) -> GateDecision:
            key = (tuple(sorted(field_ids)), data_form, agreement_id)
            if key not in decided:
                chosen = next((c for c in candidates[agency_id] if c.pk == agreement_id), None) if agreement_id else None
                decided[key] = decide(agency=agency_by_pk[agency_id], fields=[all_fields[pk] for pk in key[0]],
                                      data_form=data_form, on=on, candidates=candidates[agency_id], agreement=chosen)
            return decided[key]

        # An agreement that covers all of an agency's requested fields covers each request, so
        # one decision usually settles the agency; requests are looked at one by one only if not.
        every_field = {pk for r in theirs for pk in requested_fields[r["pk"]]}
        same_terms = len({(r["data_form"], r["agreement_id"]) for r in theirs}) == 1
        if same_terms and decision(every_field, theirs[0]["data_form"], theirs[0]["agreement_id"]).allowed:
            continue
        for r in theirs:
            found = decision(requested_fields[r["pk"]], r["data_form"], r["agreement_id"])
            if not found.allowed:
                blocked = found
                break
        if blocked:
            governance.append(AgencyGovernance(agency_by_pk[agency_id], [r["reference"] for r in theirs], blocked))
    return governance


def coverage_build(*, area: Area, today: datetime.date) -> Coverage:
    fields = list(Field.objects.filter(code__in=MATRIX_FIELDS))
    fields.sort(key=lambda f: MATRIX_FIELDS.index(f.code))
    field_codes = {f.pk: f.code for f in fields}
    sources = list(
        Source.objects.select_related("theme")
        .prefetch_related("geography_levels", "holding_agency_types", "migrant_definitions")
        .order_by("stage", "appendix", "appendix_row", "title")
    )
    by_pk = {s.pk: s for s in sources}
    availability = {(sf["source_id"], field_codes[sf["field_id"]]): sf["availability"]
                    for sf in SourceField.objects.filter(field_id__in=field_codes).values("source_id", "field_id", "availability")}

    # Read once per source: each access to a related manager builds a new manager object.
    levels = {s.pk: {g.code for g in s.geography_levels.all()} for s in sources}
    source_rows = [
        Row(s.title, "source", STAGES[s.stage], {f.code: _source_cell(s, f.code, availability, levels[s.pk]) for f in fields},
            slug=s.slug)
        for s in sources if s.stage in (Source.Stage.PUBLIC, Source.Stage.LOCAL)
    ]

    agencies = list(Agency.objects.filter(area=area).select_related("organisation_type").order_by("name"))
    # Tuples, not dicts, made into dicts here: thousands of rows, and values() costs twice as much.
    columns = ("pk", "reference", "agency_id", "source_id", "status", "recurrence", "agreement_id", "data_form")
    requests = [dict(zip(columns, row)) for row in
                DataRequest.objects.filter(agency__area=area).values_list(*columns).order_by("pk")]
    requested_fields = defaultdict(list)
    # Fields matter for requests that expect data (the gate) or have brought some (the columns).
    with_data = [s.value for s in EXPECTING_DATA | RECEIVED]
    for request_id, field_id in (DataRequest.fields.through.objects
                                 .filter(datarequest__agency__area=area, datarequest__status__in=with_data)
                                 .values_list("datarequest_id", "field_id")):
        requested_fields[request_id].append(field_id)
    reference = {r["pk"]: r["reference"] for r in requests}
    by_agency = defaultdict(list)
    for r in requests:
        by_agency[r["agency_id"]].append(r)

    # Only the newest evidence of each kind per agency and field counts, so the database ranks
    # them and sends one row each instead of every answer ever given.
    answers = ChecklistAnswer.objects.filter(request__agency__area=area, field_id__in=field_codes)

    def newest(queryset, order: str, *columns: str) -> list[dict]:
        ranked = queryset.annotate(rank=Window(RowNumber(), partition_by=[F("request__agency_id"), F("field_id")],
                                               order_by=[F(order).desc(), F("pk").desc()]))
        # order_by() drops the model's default ordering, which would join and sort by field order.
        return list(ranked.filter(rank=1).values("request_id", "request__agency_id", "field_id", *columns).order_by())

    checklist = newest(answers.exclude(collected="unknown").exclude(recorded_as="measured"), "recorded_at",
                       "collected", "mandatory", "extractable", "completeness", "recorded_as")
    measured, answered = {}, {}
    for answer in checklist:
        answer["reference"] = reference[answer["request_id"]]
        answer["field"] = field_codes[answer["field_id"]]
        answered[(answer["request__agency_id"], answer["field"])] = answer
    for answer in newest(answers.filter(measured_completeness__isnull=False), "measured_at", "measured_completeness"):
        answer["reference"] = reference[answer["request_id"]]
        measured[(answer["request__agency_id"], field_codes[answer["field_id"]])] = answer

    # What the catalogue says agencies of each type record, from the sources they were asked
    # for, or else from the sources that agencies of their type hold.
    held_by_type = defaultdict(set)
    for s in sources:
        for org_type in s.holding_agency_types.all():
            held_by_type[org_type.pk].add(s.pk)
    facts_of_source = defaultdict(dict)
    for (source_id, code), found in availability.items():
        facts_of_source[source_id][code] = found
    facts_for = {}  # agencies asked for the same sources share one answer

    def catalogue_facts(agency: Agency) -> dict[str, tuple[str, Source]]:
        asked = frozenset(r["source_id"] for r in by_agency[agency.pk]) or frozenset(held_by_type[agency.organisation_type_id])
        if asked not in facts_for:
            best = {}
            for source_id in sorted(asked):
                for code, found in facts_of_source[source_id].items():
                    if code not in best or AVAILABILITY_RANK[found] > AVAILABILITY_RANK[best[code][0]]:
                        best[code] = (found, by_pk[source_id])
            facts_for[asked] = best
        return facts_for[asked]

    categories, returned = defaultdict(lambda: defaultdict(set)), {}
    live = Return.objects.filter(request__agency__area=area, status=Return.Status.DONE, superseded=False)
    for row in live.values("request_id", "request__agency_id", "report__categories").order_by():
        for column, values in (row["report__categories"] or {}).items():
            categories[column][row["request__agency_id"]].update(values)
        for field_id in requested_fields[row["request_id"]]:
            if field_id in field_codes:
                returned[(row["request__agency_id"], field_codes[field_id])] = reference[row["request_id"]]

    agency_rows = []
    for a in agencies:
        facts = catalogue_facts(a)
        agency_rows.append(Row(
            a.name, "agency", a.organisation_type.name,
            {f.code: _agency_cell(f.code, measured.get((a.pk, f.code)), answered.get((a.pk, f.code)), facts.get(f.code),
                                  returned.get((a.pk, f.code))) for f in fields},
            public_id=str(a.public_id), requests=len(by_agency[a.pk]),
        ))

    small_areas = {code: [] for code in SMALL_AREA_LEVELS}
    small_area_names = {}
    for s in sources:
        for level in s.geography_levels.all():
            if level.code in small_areas:
                small_areas[level.code].append(s)
                small_area_names[level.code] = level.name

    stage2 = []
    by_source = defaultdict(list)
    for r in requests:
        by_source[r["source_id"]].append(r["status"])
    for s in sources:
        if s.appendix != Source.Appendix.A2:
            continue
        statuses = by_source[s.pk]
        counts = {
            "received": sum(st in RECEIVED for st in statuses), "requested": sum(st in ASKED for st in statuses),
            "not-held": statuses.count(Status.NOT_HELD), "refused": statuses.count(Status.REFUSED),
            "withdrawn": statuses.count(Status.WITHDRAWN), "drafted": statuses.count(Status.DRAFT),
        }
        outcome = next((k for k in ("received", "requested", "not-held", "refused", "withdrawn", "drafted") if counts[k]), "not-requested")
        stage2.append(Stage2Row(s, counts, outcome))

    themes = []
    local = [s for s in sources if s.stage == Source.Stage.LOCAL]
    for theme in Theme.objects.order_by("order", "name"):
        in_theme = [s.pk for s in local if s.theme_id == theme.pk]
        themes.append(ThemeRow(
            theme, len(in_theme),
            requested=sum(any(st not in (Status.DRAFT, Status.WITHDRAWN) for st in by_source[pk]) for pk in in_theme),
            received=sum(any(st in RECEIVED for st in by_source[pk]) for pk in in_theme),
        ))

    answers = {a.source_id: a for a in SourceAvailability.objects.filter(area=area).select_related("updated_by")}
    qualitative = [(s, answers.get(s.pk)) for s in sources if s.stage == Source.Stage.QUALITATIVE]
    qualitative.sort(key=lambda pair: (pair[0].appendix_row or 0, pair[0].title))

    refreshed = {}
    for refresh in SourceRefresh.objects.filter(area=area).values("source_id", "refreshed_on"):
        refreshed[refresh["source_id"]] = max(refresh["refreshed_on"], refreshed.get(refresh["source_id"], refresh["refreshed_on"]))
    releases = []
    for s in sources:
        if s.stage == Source.Stage.PUBLIC:
            last, following = release_dates(s.release_months, today)
            releases.append(ReleaseRow(s, last, following, refreshed.get(s.pk)))

    return Coverage(
        area=area, today=today, fields=fields, source_rows=source_rows, agency_rows=agency_rows, small_areas=small_areas,
        small_area_names=small_area_names, stage2=stage2, themes=themes, availability=qualitative, releases=releases,
        sources=by_pk, checklist=checklist, categories={k: dict(v) for k, v in categories.items()},
        requests=requests, agency_names={a.pk: a.name for a in agencies}, requested_fields=requested_fields, agencies=agencies,
    )
