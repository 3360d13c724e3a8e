"""The coverage as the printable report needs it: its figures summed up over the agencies, with
only the agencies that lack a key field named one by one. Derived once per cached coverage
(reports.cached), so that printing the report never loads every agency's cells; the full matrix,
agency by agency, stays on the coverage pages and in their CSV and JSON exports."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from catalogue.models import Area, Field
from reports.coverage import Coverage
from reports.coverage.cells import COLLECTED, NOT_COLLECTED, PARTLY, STATE_LABELS, UNKNOWN
from reports.coverage.matrix import Row
from reports.coverage.progress import Stage2Row, ThemeRow
from reports.recommendations.items import Recommendation

STATES = [COLLECTED, PARTLY, NOT_COLLECTED, UNKNOWN]
# Evidence items a recommendation shows in print; the rest are counted, and listed on the site.
SHOWN = 10


@dataclass
class FieldSummary:
    field: Field
    states: list[int]  # agencies asked for data in each of STATES
    measured: int  # of them, how many have a completeness figure (measured in a return or estimated)
    completeness: float | None  # the mean of those figures


@dataclass
class TypeSummary:
    name: str
    asked: int  # agencies of the type asked for data
    collected: list[int]  # per field, how many of them collect it (wholly or partly)


@dataclass
class PrintedCoverage:
    area: Area
    today: datetime.date
    agencies: int
    asked: int
    fields: list[Field]
    field_names: dict[str, str]
    lacking: list[Row]
    by_field: list[FieldSummary]
    by_type: list[TypeSummary]
    small_areas: dict[str, int]
    themes: list[ThemeRow]
    stage2: list[Stage2Row]
    recommendations: list[Recommendation]

    @property
    def state_labels(self) -> list[str]:
        return [STATE_LABELS[s] for s in STATES]


def _by_field(fields: list[Field], asked: list[Row]) -> list[FieldSummary]:
    found = []
    for f in fields:
        cells = [row.cells[f.code] for row in asked]
        states = Counter(c.state for c in cells)
        measured = [c.completeness for c in cells if c.completeness is not None]
        found.append(
            FieldSummary(
                f,
                [states[s] for s in STATES],
                len(measured),
                round(sum(measured) / len(measured), 1) if measured else None,
            )
        )
    return found


def _by_type(fields: list[Field], asked: list[Row]) -> list[TypeSummary]:
    groups = defaultdict(list)
    for row in asked:
        groups[row.group].append(row)
    return [
        TypeSummary(
            name,
            len(rows),
            [sum(r.cells[f.code].state in (COLLECTED, PARTLY) for r in rows) for f in fields],
        )
        for name, rows in sorted(groups.items())
    ]


def printed_coverage(coverage: Coverage, recommendations: list[Recommendation]) -> PrintedCoverage:
    asked = [row for row in coverage.agency_rows if row.requests]
    return PrintedCoverage(
        area=coverage.area,
        today=coverage.today,
        agencies=len(coverage.agency_rows),
        asked=len(asked),
        fields=coverage.fields,
        field_names=coverage.field_names,
        lacking=[row for row in asked if row.missing()],
        by_field=_by_field(coverage.fields, asked),
        by_type=_by_type(coverage.fields, asked),
        small_areas={level: len(sources) for level, sources in coverage.small_areas.items()},
        themes=coverage.themes,
        stage2=coverage.stage2,
        recommendations=recommendations,
    )
