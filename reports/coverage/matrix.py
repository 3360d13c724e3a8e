"""The coverage matrix: a row per public or local statistical source, then a row per agency, and a
column per key field and breakdown. Each read is one query; each shaping step turns reads into rows."""

from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import F

from catalogue.models import Agency, Area, Field, Source, SourceField
from reports.coverage.cells import NOT_COLLECTED, Cell, agency_cell, source_cell
from requests_app.ingest.completeness import KEY_FIELDS
from requests_app.models import FieldEvidence

BREAKDOWNS = ["age", "gender", "ward", "period"]
MATRIX_FIELDS = [*KEY_FIELDS, *BREAKDOWNS]

STAGES = dict(Source.Stage.choices)  # see FREQUENCIES: read hundreds of times a page
# Which catalogue availability wins when several requested sources speak for one agency.
AVAILABILITY_RANK = {"carried": 3, "partial": 2, "absent": 1, "check": 0}


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


@dataclass
class AgencyEvidence:
    """The newest evidence per (agency id, field code)."""

    answered: dict[tuple[int, str], dict]  # the checklist answer
    measured: dict[tuple[int, str], dict]  # the measured completeness, and the request it came from
    returned: dict[tuple[int, str], str]  # the reference of a request whose processed return has the column

    @property
    def checklist(self) -> list[dict]:
        """Each agency's newest answer per field, with field codes."""
        return list(self.answered.values())


def matrix_fields() -> list[Field]:
    fields = list(Field.objects.filter(code__in=MATRIX_FIELDS))
    fields.sort(key=lambda f: MATRIX_FIELDS.index(f.code))
    return fields


def sources_in_order() -> list[Source]:
    # Links read as plain values, not prefetched: prefetching ties each source and its related
    # objects into reference cycles, which only the garbage collector frees, page after page.
    return list(Source.objects.select_related("theme").order_by("stage", "appendix", "appendix_row", "title"))


def sources_held_by_type() -> defaultdict[int, set[int]]:
    """Organisation type id -> the sources agencies of that type hold."""
    held = defaultdict(set)
    for source_id, type_id in Source.holding_agency_types.through.objects.values_list(
        "source_id", "organisationtype_id"
    ):
        held[type_id].add(source_id)
    return held


def catalogue_availability(field_codes: dict[int, str]) -> dict[tuple[int, str], str]:
    """(source id, field code) -> what the catalogue says the source carries."""
    return {
        (sf["source_id"], field_codes[sf["field_id"]]): sf["availability"]
        for sf in SourceField.objects.filter(field_id__in=field_codes).values("source_id", "field_id", "availability")
    }


def area_agencies(area: Area) -> list[AgencyInfo]:
    return [
        AgencyInfo(pk, name, str(public_id), type_id, type_name)
        for pk, name, public_id, type_id, type_name in Agency.objects.filter(area=area)
        .values_list("pk", "name", "public_id", "organisation_type_id", "organisation_type__name")
        .order_by("name")
    ]


ANSWER_COLUMNS = {
    "reference": F("answer__request__reference"),
    "collected": F("answer__collected"),
    "mandatory": F("answer__mandatory"),
    "extractable": F("answer__extractable"),
    "completeness": F("answer__completeness"),
    "recorded_as": F("answer__recorded_as"),
}


def agency_evidence(area: Area, field_codes: dict[int, str]) -> AgencyEvidence:
    """The newest answer, measurement and processed return per agency and field, kept by the
    services that write them (FieldEvidence): one row each instead of every answer ever given."""
    found = AgencyEvidence({}, {}, {})
    for row in (
        FieldEvidence.objects.filter(agency__area=area, field_id__in=field_codes)
        .values(
            "agency_id",
            "field_id",
            measured_reference=F("measured__request__reference"),
            measured_completeness=F("measured__measured_completeness"),
            returned_reference=F("returned__reference"),
            **ANSWER_COLUMNS,
        )
        .order_by()
    ):
        key = (row["agency_id"], field_codes[row["field_id"]])
        if row["reference"]:
            found.answered[key] = {
                "agency_id": row["agency_id"],
                "field": key[1],
                **{column: row[column] for column in ANSWER_COLUMNS},
            }
        if row["measured_reference"]:
            found.measured[key] = {
                "reference": row["measured_reference"],
                "measured_completeness": row["measured_completeness"],
            }
        if row["returned_reference"]:
            found.returned[key] = row["returned_reference"]
    return found


def source_rows(
    sources: list[Source], fields: list[Field], availability: dict, levels: dict[int, set[str]]
) -> list[Row]:
    """A row per public and local statistical source: what the catalogue says each carries."""
    return [
        Row(
            s.title,
            "source",
            STAGES[s.stage],
            {f.code: source_cell(s, f.code, availability, levels[s.pk]) for f in fields},
            slug=s.slug,
        )
        for s in sources
        if s.stage in (Source.Stage.PUBLIC, Source.Stage.LOCAL)
    ]


def catalogue_facts(
    agencies: list[AgencyInfo],
    requests_of: dict[int, list[dict]],
    held_by_type: dict[int, set[int]],
    availability: dict[tuple[int, str], str],
    sources: dict[int, Source],
) -> dict[int, dict[str, tuple[str, Source]]]:
    """Agency id -> field code -> what the catalogue says agencies like it record, and the source
    that says so: from the sources the agency was asked for, or else from the sources that agencies
    of its type hold. The best availability wins when several sources speak for one field."""
    of_source = defaultdict(dict)
    for (source_id, code), found in availability.items():
        of_source[source_id][code] = found
    shared = {}  # agencies asked for the same sources share one answer
    facts = {}
    for agency in agencies:
        asked = frozenset(r["source_id"] for r in requests_of[agency.pk]) or frozenset(
            held_by_type[agency.organisation_type_id]
        )
        if asked not in shared:
            best = {}
            for source_id in sorted(asked):
                for code, found in of_source[source_id].items():
                    if code not in best or AVAILABILITY_RANK[found] > AVAILABILITY_RANK[best[code][0]]:
                        best[code] = (found, sources[source_id])
            shared[asked] = best
        facts[agency.pk] = shared[asked]
    return facts


def agency_rows(
    agencies: list[AgencyInfo],
    fields: list[Field],
    evidence: AgencyEvidence,
    facts: dict[int, dict[str, tuple[str, Source]]],
    requests_of: dict[int, list[dict]],
) -> list[Row]:
    """A row per agency: the strongest evidence on each field, and how many requests it was sent."""
    measured, answered, returned = evidence.measured, evidence.answered, evidence.returned
    return [
        Row(
            a.name,
            "agency",
            a.organisation_type_name,
            {
                f.code: agency_cell(
                    f.code,
                    measured.get((a.pk, f.code)),
                    answered.get((a.pk, f.code)),
                    facts[a.pk].get(f.code),
                    returned.get((a.pk, f.code)),
                )
                for f in fields
            },
            public_id=a.public_id,
            requests=sum(r["n"] for r in requests_of[a.pk]),
        )
        for a in agencies
    ]
