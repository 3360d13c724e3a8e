"""What the area knows about its migration data: which source and which agency records each key
field and breakdown, how completely, and on what evidence; which sources reach small areas; how far
Stage 2 has got; which themes have no local data; which public releases are due.

`coverage_build` reads everything in a fixed number of queries, whatever the number of agencies,
sources or requests, and returns plain data that pages, exports and the recommendation rules share.
Its parts: `matrix` (with `cells`, the evidence for one cell), `reach` (small areas), `progress`
(Stage 2, themes, Appendix 3), `releases`, and, read on first use, `governance` and `consistency`.
"""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from catalogue.models import Area, Field, Source, SourceAvailability
from reports.coverage.consistency import categories_in_use, definitions_by_source
from reports.coverage.counts import counts_by_agency, request_counts, statuses_by_source
from reports.coverage.governance import AgencyGovernance, without_agreement
from reports.coverage.matrix import (
    AgencyInfo,
    Row,
    agency_evidence,
    agency_rows,
    area_agencies,
    catalogue_availability,
    catalogue_facts,
    matrix_fields,
    source_rows,
    sources_held_by_type,
    sources_in_order,
)
from reports.coverage.progress import Stage2Row, ThemeRow, qualitative_answers, stage2_rows, theme_rows
from reports.coverage.reach import geography_levels, small_area_names, small_areas
from reports.coverage.releases import ReleaseRow, last_refreshed, release_rows


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
        # Read on first use: only the recommendations need it, and it decodes a little JSON per return.
        return categories_in_use(self.area)

    @cached_property
    def definitions(self) -> dict[int, tuple[str, ...]]:
        return definitions_by_source()

    @cached_property
    def governance(self) -> list[AgencyGovernance]:
        # Only the recommendations need it, and it costs the gate's agreements: built on first use.
        return without_agreement(self.agencies, self.requests, self.today)

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


def coverage_build(
    *, area: Area, today: datetime.date, agencies: list[AgencyInfo] | None = None, requests: list[dict] | None = None
) -> Coverage:
    """`agencies` and `requests` are `area_agencies` and `request_counts` of the area, when the
    caller has read them already (reports.cached reads them to tell whether its copy is current)."""
    fields = matrix_fields()
    field_codes = {f.pk: f.code for f in fields}
    sources = sources_in_order()
    by_pk = {s.pk: s for s in sources}
    levels = geography_levels()
    held_by_type = sources_held_by_type()
    availability = catalogue_availability(field_codes)
    agencies = area_agencies(area) if agencies is None else agencies
    requests = request_counts(area) if requests is None else requests
    requests_of = counts_by_agency(requests)
    statuses = statuses_by_source(requests)
    evidence = agency_evidence(area, field_codes)
    facts = catalogue_facts(agencies, requests_of, held_by_type, availability, by_pk)
    return Coverage(
        area=area,
        today=today,
        fields=fields,
        source_rows=source_rows(sources, fields, availability, levels.of_source),
        agency_rows=agency_rows(agencies, fields, evidence, facts, requests_of),
        small_areas=small_areas(sources, levels),
        small_area_names=small_area_names(levels),
        stage2=stage2_rows(sources, statuses),
        themes=theme_rows(sources, statuses),
        availability=qualitative_answers(area, sources),
        releases=release_rows(sources, last_refreshed(area), today),
        sources=by_pk,
        checklist=evidence.checklist,
        requests=requests,
        agency_names={a.pk: a.name for a in agencies},
        agencies=agencies,
    )
