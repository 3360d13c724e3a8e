"""Coverage and indicators as files: CSV, XLSX with a caveats and definitions sheet, JSON, and the
context of the printable report. Indicator files are written only from protected tables, so what a
file shows is exactly what the page shows; every text cell is neutralised against formulas."""

import csv
import datetime
import io
from collections import defaultdict

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from catalogue.models import Area, Source
from planning.selectors import checklist_progress, plan_for
from project.lib.spreadsheet import neutralise
from project.lib.text import plural
from releases.selectors import public_releases_in_force
from reports import beside_exports
from reports.cached import coverage_derived
from reports.coverage import Coverage
from reports.indicators import (
    DIMENSIONS,
    TOTAL,
    Indicators,
    IndicatorTable,
    Live,
    Query,
    available_sources,
    build_table,
    comparability_warnings,
    has_areas,
    live_of,
    live_returns,
)
from reports.indicators.beside import Comparison, beside_report
from reports.printed import SHOWN, printed_coverage
from reports.recommendations.items import Recommendation

SUPPRESSED = "[c]"  # the ONS marker for a confidential (suppressed) cell


def _cell_dict(cell) -> dict:
    return {
        "state": cell.state,
        "completeness": cell.completeness,
        "provenance": cell.provenance,
        "detail": cell.detail,
        "request": cell.request,
    }


def _recommendation_dict(rank: int, rec: Recommendation) -> dict:
    return {
        "rank": rank,
        "rule": rec.rule,
        "checklist_item": rec.item,
        "checklist_text": rec.item_text,
        "title": rec.title,
        "why": rec.why,
        "impact": rec.impact,
        "impact_unit": rec.unit,
        "evidence": [{"subject": e.subject, "detail": e.detail} for e in rec.evidence],
    }


def coverage_json(coverage: Coverage, recommendations: list[Recommendation]) -> dict:
    return {
        "area": coverage.area.name,
        "generated_on": coverage.today.isoformat(),
        "fields": [{"code": f.code, "name": f.name} for f in coverage.fields],
        "sources": [
            {"name": r.label, "slug": r.slug, "stage": r.group, "cells": {k: _cell_dict(c) for k, c in r.cells.items()}}
            for r in coverage.source_rows
        ],
        "agencies": [
            {
                "name": r.label,
                "type": r.group,
                "requests": r.requests,
                "cells": {k: _cell_dict(c) for k, c in r.cells.items()},
            }
            for r in coverage.agency_rows
        ],
        "small_areas": {level: [s.slug for s in sources] for level, sources in coverage.small_areas.items()},
        "stage2": [
            {"source": row.source.slug, "outcome": row.outcome, "counts": row.counts} for row in coverage.stage2
        ],
        "themes": [
            {
                "theme": t.theme.name,
                "local_sources": t.local_sources,
                "requested": t.requested,
                "received": t.received,
                "gap": t.gap,
            }
            for t in coverage.themes
        ],
        "appendix3": [
            {"source": s.slug, "available": a.available if a else "unknown"} for s, a in coverage.availability
        ],
        "releases": [
            {
                "source": r.source.slug,
                "last_release": r.last_release and r.last_release.isoformat(),
                "next_release": r.next_release and r.next_release.isoformat(),
                "refreshed_on": r.refreshed_on and r.refreshed_on.isoformat(),
                "stale": r.stale,
            }
            for r in coverage.releases
        ],
        "recommendations": [_recommendation_dict(rank, rec) for rank, rec in enumerate(recommendations, 1)],
    }


def coverage_csv(coverage: Coverage, recommendations: list[Recommendation]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    names = coverage.field_names
    writer.writerow(["section", "subject", "kind", "field", "state", "completeness_pct", "evidence", "detail"])
    for row in [*coverage.source_rows, *coverage.agency_rows]:
        for code, cell in row.cells.items():
            writer.writerow(
                [
                    neutralise(v)
                    for v in (
                        "coverage",
                        row.label,
                        f"{row.kind}: {row.group}",
                        names[code],
                        cell.label,
                        "" if cell.completeness is None else f"{cell.completeness:g}",
                        cell.provenance_label,
                        cell.detail,
                    )
                ]
            )
    for rank, rec in enumerate(recommendations, 1):
        evidence = "; ".join(f"{e.subject}: {e.detail}" for e in rec.evidence)
        writer.writerow(
            [
                neutralise(v)
                for v in (
                    "recommendation",
                    rec.title,
                    rec.rule,
                    rec.item_text,
                    f"rank {rank}",
                    f"{rec.impact_text}",
                    evidence,
                    rec.why,
                )
            ]
        )
    return out.getvalue()


def table_notes(table: IndicatorTable) -> list[tuple[str, str]]:
    """What a reader must know beside the table: definition, measure, caveats and disclosure control."""
    source = table.source
    notes = [("Source", source.title), ("What it measures", source.get_measure_display())]
    for definition in source.migrant_definitions.all():
        notes.append((f"Definition: {definition.term}", definition.text))
    if not source.migrant_definitions.all():
        notes.append(("Definition", "This source defines no migrant group; read it as context."))
    notes += [("Caveat", caveat) for caveat in source.caveat_list]
    if source.comparability:
        notes.append(("Comparability", source.comparability))
    notes.append(
        (
            "Small numbers",
            f"Counts from 1 to {table.threshold - 1} are suppressed ({SUPPRESSED}), and so are as many other "
            "cells as it takes to stop them being worked out from the totals. Zeros are shown.",
        )
    )
    if table.rounding:
        notes.append(
            (
                "Rounding",
                f"Counts are rounded to the nearest {table.rounding}; totals are rounded from the true "
                "totals, so rows may not add up.",
            )
        )
    if table.incomplete:
        notes.append(
            (
                "Incomplete cells",
                "Some agencies suppressed small counts before sending them; cells that include "
                "them are lower bounds, marked †.",
            )
        )
    notes.append(
        (
            "Agencies",
            f"Data from {plural(table.agencies, 'agency')}, processed returns only.",
        )
    )
    return notes


def _header(table: IndicatorTable) -> list[str]:
    return [
        DIMENSIONS[table.query.rows][0]
        if not table.query.by_area
        else f"Area · {DIMENSIONS[table.query.rows][0].lower()}",
        *table.columns,
    ]


LOWER_BOUND = "†"  # the cell includes counts the agency suppressed: the true count is at least this


def _row_values(table: IndicatorTable, row: str) -> list:
    """Suppressed cells as [c], lower bounds with their mark (CSV has no other way to carry it)."""
    return [
        SUPPRESSED
        if (value := table.value(row, c)) is None
        else f"{value}{LOWER_BOUND}"
        if (row, c) in table.incomplete
        else value
        for c in table.columns
    ]


def indicators_csv(built: Indicators, beside: list[Comparison] = ()) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for comparison in beside:
        writer.writerow([neutralise(beside_exports.title(comparison))])
        writer.writerow([neutralise(v) for v in beside_exports.header(comparison)])
        writer.writerows([neutralise(v) for v in row] for row in beside_exports.rows(comparison))
        writer.writerow([])
    for table in built.tables:
        writer.writerow([neutralise(f"{table.source.title}: {table.query.label}")])
        if table.refused:
            writer.writerow([neutralise(f"Not published: {table.refused}")])
        else:
            writer.writerow([neutralise(v) for v in _header(table)])
            for row in table.rows:
                writer.writerow([neutralise(row), *_row_values(table, row)])
        writer.writerow([])
    writer.writerow(["Caveats and definitions"])
    for warning in built.warnings:
        writer.writerow(["Not comparable", neutralise(warning)])
    for table in built.tables:
        for label, text in table_notes(table):
            writer.writerow([neutralise(label), neutralise(text)])
    for comparison in beside:
        for label, text in beside_exports.notes(comparison):
            writer.writerow([neutralise(label), neutralise(text)])
    return out.getvalue()


def indicators_xlsx(built: Indicators, beside: list[Comparison] = ()) -> bytes:
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for number, comparison in enumerate(beside, 1):
        sheet = book.create_sheet(f"Public beside local {number}")
        sheet.append([neutralise(beside_exports.title(comparison))])
        sheet.append([neutralise(v) for v in beside_exports.header(comparison)])
        for row in beside_exports.rows(comparison):
            sheet.append([neutralise(v) for v in row])
        for cell in sheet[2]:
            cell.font = bold
        sheet.append([])
        for label, text in beside_exports.notes(comparison):
            sheet.append([neutralise(label), neutralise(text)])
        sheet.column_dimensions["A"].width = 40
    for number, table in enumerate(built.tables, 1):
        sheet = book.create_sheet(f"Table {number}")
        sheet.append([neutralise(f"{table.source.title}: {table.query.label}")])
        sheet["A1"].font = Font(bold=True, size=13)
        if table.refused:
            sheet.append([neutralise(f"Not published: {table.refused}")])
            continue
        sheet.append([neutralise(v) for v in _header(table)])
        for cell in sheet[2]:
            cell.font = bold
        for row in table.rows:
            sheet.append(
                [
                    neutralise(row),
                    *(SUPPRESSED if table.value(row, c) is None else table.value(row, c) for c in table.columns),
                ]
            )
            for column, cell in zip(table.columns, sheet[sheet.max_row][1:], strict=True):
                if (row, column) in table.incomplete and cell.value != SUPPRESSED:
                    cell.number_format = f'0"{LOWER_BOUND}"'  # marked, and still a number to sum or chart
            if row in table.group_rows or row == TOTAL:
                for cell in sheet[sheet.max_row]:
                    cell.font = bold
        sheet.column_dimensions["A"].width = 40
        sheet.freeze_panes = "B3"
    notes = book.create_sheet("Caveats and definitions")
    notes.append(["Note", "Text"])
    for cell in notes[1]:
        cell.font = bold
    for warning in built.warnings:
        notes.append(["Not comparable", neutralise(warning)])
    for number, table in enumerate(built.tables, 1):
        for label, text in table_notes(table):
            notes.append([neutralise(f"Table {number}: {label}"), neutralise(text)])
    notes.column_dimensions["A"].width = 36
    notes.column_dimensions["B"].width = 110
    for row in notes.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def indicators_json(built: Indicators, beside: list[Comparison] = ()) -> dict:
    return {
        "warnings": built.warnings,
        "public_beside_local": [beside_exports.as_json(c) for c in beside],
        "tables": [
            {
                "source": t.source.slug,
                "title": f"{t.source.title}: {t.query.label}",
                "refused": t.refused,
                "preparing": t.preparing is not None,
                "threshold": t.threshold,
                "rounding": t.rounding,
                "columns": t.columns,
                "rows": [
                    {
                        "label": r,
                        "subtotal": r in t.group_rows or r == TOTAL,
                        "values": [t.value(r, c) for c in t.columns],
                        "lower_bounds": [(r, c) in t.incomplete and t.value(r, c) is not None for c in t.columns],
                    }
                    for r in t.rows
                ],
                "suppressed_cells": t.suppressed,
                "notes": [{"label": label, "text": text} for label, text in table_notes(t)],
            }
            for t in built.tables
        ],
    }


# The dimension a key indicator is shown by, in order of preference, when the data has it.
KEY_DIMENSIONS = ["nationality_group", "country_of_birth", "main_language", "immigration_status"]


def key_indicator_queries(area: Area, sources: list[Source], live: dict[int, Live]) -> dict[int, Query]:
    """Source id -> nationality group by quarter when the returns have it, else the next key
    dimension they have (read from the returns' category lists, not from millions of observations);
    within each ward or small area when the returns give areas (as their protected tables say), as
    needs assessments look at neighbourhoods."""
    present = defaultdict(set)
    categories_of = live_returns(area, sources).values_list("request__source_id", "report__categories")
    # Distinct pairs: a source's returns mostly repeat the same lists, so far fewer rows to decode.
    for source_id, categories in categories_of.order_by().distinct():
        present[source_id] |= {column for column, values in (categories or {}).items() if values}
    return {
        source.pk: Query(
            sources=(source.slug,),
            rows=next((c for c in KEY_DIMENSIONS if DIMENSIONS[c][1] in present[source.pk]), "nationality_group"),
            columns="quarter",
            by_area=has_areas(area, source, live[source.pk]),
        )
        for source in sources
    }


def report_context(*, area: Area, today: datetime.date) -> dict:
    # The coverage's printed part alone, as the recommendations page reads its own: never every agency's cells.
    coverage = coverage_derived(area=area, today=today, name="printed", make=printed_coverage)
    sources = available_sources(area)
    live = live_of(area, sources)
    queries = key_indicator_queries(area, sources, live)
    indicators = [build_table(area, source, queries[source.pk], live[source.pk]) for source in sources]

    def tables_for(rows: str) -> list[IndicatorTable]:
        return [
            build_table(area, source, Query(sources=(source.slug,), rows=rows), live[source.pk]) for source in sources
        ]

    return {
        "coverage": coverage,
        "recommendations": coverage.recommendations,
        "shown": SHOWN,
        "hidden_from": -SHOWN,
        "indicators": indicators,
        "warnings": comparability_warnings([t.source for t in indicators]),
        "lacking": coverage.lacking,
        "plan": plan_for(area),
        "checklist": checklist_progress(area),
        "beside": beside_report(area=area, dimensions=[*KEY_DIMENSIONS, "area"], tables_for=tables_for),
        "public_releases": public_releases_in_force(area),
    }
