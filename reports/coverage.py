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
from typing import NamedTuple

from django.db.models import Count, Q

from catalogue.models import Agency, Area, Field, Source, SourceAvailability, SourceField, SourceRefresh, Theme
from project.lib.periods import months_before, release_dates
from requests_app.models import DataRequest, FieldEvidence, Return, Status
from sharing.selectors import ProviderAgreement, provider_agreements

KEY_FIELDS = ["country-of-birth", "nationality", "immigration-status", "main-language"]
BREAKDOWNS = ["age", "gender", "ward", "period"]
MATRIX_FIELDS = KEY_FIELDS + BREAKDOWNS
SMALL_AREA_LEVELS = ["ward", "msoa", "lsoa"]
# Levels fine enough to give a ward breakdown when the catalogue lists no ward field.
WARD_OR_FINER = {"ward", "electoral-district", "msoa", "lsoa", "postcode-sector"}

COLLECTED, PARTLY, NOT_COLLECTED, UNKNOWN = "collected", "partly", "not-collected", "unknown"
STATE_LABELS = {COLLECTED: "Collected", PARTLY: "Partly", NOT_COLLECTED: "Not collected", UNKNOWN: "Unknown"}
CATALOGUE, CHECKLIST, MEASURED = "catalogue", "checklist", "measured"
PROVENANCE_LABELS = {
    CATALOGUE: "catalogue fact",
    CHECKLIST: "checklist answer",
    MEASURED: "measured in a return",
    "": "no evidence",
}

# Months between releases of a regularly published source, for public sources whose catalogue
# entry gives a frequency but no release months: without a calendar, the frequency is the only
# way to tell that the area's copy has fallen behind. Irregular, one-off, on-request and decennial
# sources are left out on purpose: no interval says when their next release is owed.
RELEASE_INTERVALS = {"monthly": 1, "quarterly": 3, "twice-yearly": 6, "annual": 12, "biennial": 24}
RELEASE_WORDS = {
    "monthly": "monthly",
    "quarterly": "quarterly",
    "twice-yearly": "twice a year",
    "annual": "yearly",
    "biennial": "every two years",
}
# Publishers' dates slip by a few weeks, and taking a release in takes time: a month's grace stops
# a source being flagged the day its interval runs out.
RELEASE_GRACE_MONTHS = 1

# get_FOO_display() rebuilds the flat choice list on every call; these pages call it hundreds of times.
FREQUENCIES = dict(Source.Frequency.choices)
STAGES = dict(Source.Stage.choices)
# Keyed by plain strings: enum members hash slowly, and these lookups run thousands of times a page.
FROM_AVAILABILITY = {"carried": COLLECTED, "partial": PARTLY, "check": UNKNOWN, "absent": NOT_COLLECTED}
AVAILABILITY_WORDS = {
    "carried": "carries it",
    "partial": "carries it for some records or categories only",
    "check": "may carry it: check with each agency",
    "absent": "does not carry it",
}
FROM_ANSWER = {"yes": COLLECTED, "partly": PARTLY, "no": NOT_COLLECTED, "unknown": UNKNOWN}
# Which catalogue availability wins when several requested sources speak for one agency.
AVAILABILITY_RANK = {"carried": 3, "partial": 2, "absent": 1, "check": 0}

RECEIVED = {Status.RECEIVED, Status.UNDER_QUERY, Status.COMPLETED, Status.PARTIALLY_COMPLETED}
ASKED = {Status.SENT, Status.ACKNOWLEDGED, Status.CLARIFICATION}
# Requests that expect data, so the agency needs an agreement that lets it be accepted.
EXPECTING_DATA = ASKED | {Status.RECEIVED, Status.UNDER_QUERY}


class Cell(NamedTuple):
    # A tuple of plain values: thousands of them per page, and the garbage collector skips tuples
    # of plain values once it has seen them, where it would walk objects every time.
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


class AgencyInfo(NamedTuple):
    pk: int
    name: str
    public_id: str
    organisation_type_id: int
    organisation_type_name: str


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
    "received": "Data received",
    "requested": "Requested, waiting",
    "not-held": "Not held",
    "refused": "Refused",
    "withdrawn": "Withdrawn",
    "drafted": "Drafted, not sent",
    "not-requested": "Not requested",
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
    # Set only for a source with no release months but a regular frequency: the day before which a
    # take-in is older than its release interval and the grace.
    take_in_after: datetime.date | None = None

    @property
    def stale(self) -> bool:
        if self.last_release is not None:
            return self.refreshed_on is None or self.refreshed_on < self.last_release
        if self.take_in_after is not None:
            return self.refreshed_on is None or self.refreshed_on < self.take_in_after
        return False


@dataclass
class AgencyGovernance:
    agency: "AgencyInfo"
    waiting: int  # requests that expect data
    agreements: list[ProviderAgreement]  # none of them in force

    @property
    def reason(self) -> str:
        if not self.agreements:
            return "no agreement names it as a provider"
        return "; ".join(
            f"{a.label} is {a.status}" + ("" if a.status != "active" else ", outside its dates")
            for a in self.agreements
        )


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
    requests: list[dict] = field(default_factory=list)  # counts by agency, source and status (n, repeating)
    agency_names: dict[int, str] = field(default_factory=dict)
    agencies: list[AgencyInfo] = field(default_factory=list)

    @cached_property
    def categories(self) -> dict[str, dict[int, set[str]]]:
        """Column -> agency id -> the categories its current returns use. Read on first use: only
        the recommendations need it, and it decodes a little JSON per return."""
        found = defaultdict(lambda: defaultdict(set))
        # Distinct pairs: an agency's returns mostly repeat the same lists, so far fewer rows to decode.
        for agency_id, columns in (
            _live_returns(self.area).values_list("request__agency_id", "report__categories").order_by().distinct()
        ):
            for column, values in (columns or {}).items():
                found[column][agency_id].update(values)
        return {column: dict(by_agency) for column, by_agency in found.items()}

    @cached_property
    def definitions(self) -> dict[int, tuple[str, ...]]:
        """Source id -> the terms of its migrant definitions, sorted. Only the recommendations need it."""
        found = defaultdict(list)
        for source_id, term in Source.migrant_definitions.through.objects.values_list("source_id", "definition__term"):
            found[source_id].append(term)
        return {source_id: tuple(sorted(terms)) for source_id, terms in found.items()}

    @cached_property
    def governance(self) -> list[AgencyGovernance]:
        # Only the recommendations need it, and it costs the gate's agreements: built on first use.
        return _without_agreement(self.agencies, self.requests, self.today)

    @property
    def field_names(self) -> dict[str, str]:
        return {f.code: f.name for f in self.fields}

    @property
    def due_releases(self) -> list[ReleaseRow]:
        return [
            r
            for r in self.releases
            if r.last_release and r.last_release.year == self.today.year and r.last_release.month == self.today.month
        ]


def _source_cell(source: Source, code: str, availability: dict[tuple[int, str], str], levels: set[str]) -> Cell:
    found = availability.get((source.pk, code))
    if found:
        state = FROM_AVAILABILITY[found]
        return Cell(state, CATALOGUE, detail=f"The catalogue says {source.title} {AVAILABILITY_WORDS[found]}.")
    if code == "ward":
        reached = levels & WARD_OR_FINER
        state = COLLECTED if reached else NOT_COLLECTED
        return Cell(
            state, CATALOGUE, detail=f"Published at {', '.join(sorted(reached)) or 'no level below local authority'}."
        )
    if code == "period":
        return Cell(COLLECTED, CATALOGUE, detail=f"Released {FREQUENCIES[source.frequency].lower()}.")
    if source.stage == Source.Stage.PUBLIC:
        return Cell(NOT_COLLECTED, CATALOGUE, detail=f"{source.title} has no such breakdown in its published tables.")
    return Cell(UNKNOWN, "", detail="The catalogue does not say; ask the agencies that hold it.")


def _agency_cell(
    code: str,
    measured: dict | None,
    answered: dict | None,
    catalogue: tuple[str, Source] | None,
    returned: str | None = None,
) -> Cell:
    if measured:
        share = float(measured["measured_completeness"])
        state = COLLECTED if share >= 95 else PARTLY if share > 0 else NOT_COLLECTED
        return Cell(
            state,
            MEASURED,
            share,
            f"{share:g}% of rows had a value in the latest return for {measured['reference']}.",
            measured["reference"],
        )
    if returned:
        # A processed return always has every requested column; its completeness is measured
        # for the key fields only.
        return Cell(COLLECTED, MEASURED, detail=f"A column of the processed return for {returned}.", request=returned)
    if answered:
        estimate = answered["completeness"]
        words = {"agency": "the agency", "coordinator": "the coordinator", "measured": "the agency"}[
            answered["recorded_as"]
        ]
        detail = f"Answered by {words} for {answered['reference']}"
        if estimate is not None:
            detail += f", about {estimate}% complete"
        if answered["mandatory"] == "no":
            detail += "; not mandatory"
        return Cell(FROM_ANSWER[answered["collected"]], CHECKLIST, estimate, detail + ".", answered["reference"])
    if catalogue:
        availability, source = catalogue
        return Cell(
            FROM_AVAILABILITY[availability],
            CATALOGUE,
            detail=f"The catalogue says {source.title} {AVAILABILITY_WORDS[availability]}.",
        )
    return Cell(UNKNOWN, "", detail="No request, checklist answer or catalogue fact yet.")


def _live_returns(area: Area):
    return Return.objects.filter(request__agency__area=area, status=Return.Status.DONE, superseded=False)


def _without_agreement(agencies: list[AgencyInfo], requests: list[dict], on: datetime.date) -> list[AgencyGovernance]:
    """Agencies expected to send data that no agreement in force names as a provider. (Whether an
    agreement covers each request's fields is the gate's question, answered per request on the
    DPO's blocked-requests page.)"""
    waiting = defaultdict(int)
    for r in requests:
        if r["status"] in EXPECTING_DATA:
            waiting[r["agency_id"]] += r["n"]
    agreements = provider_agreements(sorted(waiting), on)
    return [
        AgencyGovernance(agency, waiting[agency.pk], agreements[agency.pk])
        for agency in agencies
        if agency.pk in waiting and not any(a.in_force for a in agreements[agency.pk])
    ]


def coverage_build(*, area: Area, today: datetime.date) -> Coverage:
    fields = list(Field.objects.filter(code__in=MATRIX_FIELDS))
    fields.sort(key=lambda f: MATRIX_FIELDS.index(f.code))
    field_codes = {f.pk: f.code for f in fields}
    # Links read as plain values, not prefetched: prefetching ties each source and its related
    # objects into reference cycles, which only the garbage collector frees, page after page.
    sources = list(Source.objects.select_related("theme").order_by("stage", "appendix", "appendix_row", "title"))
    levels, level_names, held_by_type = defaultdict(set), {}, defaultdict(set)
    for source_id, code, name in Source.geography_levels.through.objects.values_list(
        "source_id", "geographylevel__code", "geographylevel__name"
    ):
        levels[source_id].add(code)
        level_names[code] = name
    for source_id, org_type_id in Source.holding_agency_types.through.objects.values_list(
        "source_id", "organisationtype_id"
    ):
        held_by_type[org_type_id].add(source_id)
    by_pk = {s.pk: s for s in sources}
    availability = {
        (sf["source_id"], field_codes[sf["field_id"]]): sf["availability"]
        for sf in SourceField.objects.filter(field_id__in=field_codes).values("source_id", "field_id", "availability")
    }

    source_rows = [
        Row(
            s.title,
            "source",
            STAGES[s.stage],
            {f.code: _source_cell(s, f.code, availability, levels[s.pk]) for f in fields},
            slug=s.slug,
        )
        for s in sources
        if s.stage in (Source.Stage.PUBLIC, Source.Stage.LOCAL)
    ]

    agencies = [
        AgencyInfo(pk, name, str(public_id), type_id, type_name)
        for pk, name, public_id, type_id, type_name in Agency.objects.filter(area=area)
        .values_list("pk", "name", "public_id", "organisation_type_id", "organisation_type__name")
        .order_by("name")
    ]
    # Requests counted by agency, source and status in the database: the coverage needs counts,
    # not thousands of rows (the gate's per-request detail is read only when governance is).
    requests = [
        {"agency_id": agency_id, "source_id": source_id, "status": status, "n": n, "repeating": repeating}
        for agency_id, source_id, status, n, repeating in DataRequest.objects.filter(agency__area=area)
        .values_list("agency_id", "source_id", "status")
        .annotate(n=Count("pk"), repeating=Count("pk", filter=~Q(recurrence="")))
        .order_by()
    ]
    by_agency, by_source = defaultdict(list), defaultdict(dict)  # source -> status -> number of requests
    for r in requests:
        by_agency[r["agency_id"]].append(r)
        by_source[r["source_id"]][r["status"]] = by_source[r["source_id"]].get(r["status"], 0) + r["n"]

    # The newest answer, measurement and processed return per agency and field, kept by the
    # services that write them (FieldEvidence): one row each instead of every answer ever given.
    checklist, measured, answered, returned = [], {}, {}, {}
    for (
        agency_id,
        field_id,
        reference,
        collected,
        mandatory,
        extractable,
        completeness,
        recorded_as,
        measured_reference,
        share,
        returned_reference,
    ) in (
        FieldEvidence.objects.filter(agency__area=area, field_id__in=field_codes)
        .values_list(
            "agency_id",
            "field_id",
            "answer__request__reference",
            "answer__collected",
            "answer__mandatory",
            "answer__extractable",
            "answer__completeness",
            "answer__recorded_as",
            "measured__request__reference",
            "measured__measured_completeness",
            "returned__reference",
        )
        .order_by()
    ):
        key = (agency_id, field_codes[field_id])
        if reference:
            answered[key] = {
                "reference": reference,
                "request__agency_id": agency_id,
                "field": key[1],
                "collected": collected,
                "mandatory": mandatory,
                "extractable": extractable,
                "completeness": completeness,
                "recorded_as": recorded_as,
            }
            checklist.append(answered[key])
        if measured_reference:
            measured[key] = {"reference": measured_reference, "measured_completeness": share}
        if returned_reference:
            returned[key] = returned_reference

    # What the catalogue says agencies of each type record, from the sources they were asked
    # for, or else from the sources that agencies of their type hold.
    facts_of_source = defaultdict(dict)
    for (source_id, code), found in availability.items():
        facts_of_source[source_id][code] = found
    facts_for = {}  # agencies asked for the same sources share one answer

    def catalogue_facts(agency: AgencyInfo) -> dict[str, tuple[str, Source]]:
        asked = frozenset(r["source_id"] for r in by_agency[agency.pk]) or frozenset(
            held_by_type[agency.organisation_type_id]
        )
        if asked not in facts_for:
            best = {}
            for source_id in sorted(asked):
                for code, found in facts_of_source[source_id].items():
                    if code not in best or AVAILABILITY_RANK[found] > AVAILABILITY_RANK[best[code][0]]:
                        best[code] = (found, by_pk[source_id])
            facts_for[asked] = best
        return facts_for[asked]

    agency_rows = []
    for a in agencies:
        facts = catalogue_facts(a)
        agency_rows.append(
            Row(
                a.name,
                "agency",
                a.organisation_type_name,
                {
                    f.code: _agency_cell(
                        f.code,
                        measured.get((a.pk, f.code)),
                        answered.get((a.pk, f.code)),
                        facts.get(f.code),
                        returned.get((a.pk, f.code)),
                    )
                    for f in fields
                },
                public_id=a.public_id,
                requests=sum(r["n"] for r in by_agency[a.pk]),
            )
        )

    small_areas = {code: [s for s in sources if code in levels[s.pk]] for code in SMALL_AREA_LEVELS}
    small_area_names = {code: level_names[code] for code in SMALL_AREA_LEVELS if code in level_names}

    stage2 = []
    for s in sources:
        if s.appendix != Source.Appendix.A2:
            continue
        statuses = by_source[s.pk]
        counts = {
            "received": sum(statuses.get(st, 0) for st in RECEIVED),
            "requested": sum(statuses.get(st, 0) for st in ASKED),
            "not-held": statuses.get(Status.NOT_HELD, 0),
            "refused": statuses.get(Status.REFUSED, 0),
            "withdrawn": statuses.get(Status.WITHDRAWN, 0),
            "drafted": statuses.get(Status.DRAFT, 0),
        }
        outcome = next(
            (k for k in ("received", "requested", "not-held", "refused", "withdrawn", "drafted") if counts[k]),
            "not-requested",
        )
        stage2.append(Stage2Row(s, counts, outcome))

    themes = []
    local = [s for s in sources if s.stage == Source.Stage.LOCAL]
    for theme in Theme.objects.order_by("order", "name"):
        in_theme = [s.pk for s in local if s.theme_id == theme.pk]
        themes.append(
            ThemeRow(
                theme,
                len(in_theme),
                requested=sum(
                    any(st not in (Status.DRAFT, Status.WITHDRAWN) for st in by_source[pk]) for pk in in_theme
                ),
                received=sum(any(st in RECEIVED for st in by_source[pk]) for pk in in_theme),
            )
        )

    answers = {a.source_id: a for a in SourceAvailability.objects.filter(area=area).select_related("updated_by")}
    qualitative = [(s, answers.get(s.pk)) for s in sources if s.stage == Source.Stage.QUALITATIVE]
    qualitative.sort(key=lambda pair: (pair[0].appendix_row or 0, pair[0].title))

    refreshed = {}
    for refresh in SourceRefresh.objects.filter(area=area).values("source_id", "refreshed_on"):
        refreshed[refresh["source_id"]] = max(
            refresh["refreshed_on"], refreshed.get(refresh["source_id"], refresh["refreshed_on"])
        )
    releases = []
    for s in sources:
        if s.stage == Source.Stage.PUBLIC:
            last, following = release_dates(s.release_months, today)
            interval = RELEASE_INTERVALS.get(s.frequency) if last is None else None
            take_in_after = months_before(today, interval + RELEASE_GRACE_MONTHS) if interval else None
            releases.append(ReleaseRow(s, last, following, refreshed.get(s.pk), take_in_after))

    return Coverage(
        area=area,
        today=today,
        fields=fields,
        source_rows=source_rows,
        agency_rows=agency_rows,
        small_areas=small_areas,
        small_area_names=small_area_names,
        stage2=stage2,
        themes=themes,
        availability=qualitative,
        releases=releases,
        sources=by_pk,
        checklist=checklist,
        requests=requests,
        agency_names={a.pk: a.name for a in agencies},
        agencies=agencies,
    )
