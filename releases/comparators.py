"""The areas a council is compared with: its region, England (or Wales), England and Wales, and the
United Kingdom. A public table carrying their rows beside the council's keeps them, as published,
so the council's figures can be read against the wider picture (Appendix 1 of the toolkit).

The returns pipeline keeps only the council's rows; the comparators' rows are read by the same
pipeline asked for their level, and only their own codes are kept from each read."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from catalogue.models import Area
from releases.groups import with_groups
from requests_app.ingest import validate
from requests_app.ingest.problems import WARNING, Problem
from requests_app.ingest.read import RawSheet
from requests_app.services.processing import ingest_context_for

# The nine English regions (E12), by their GSS codes, as ONS names them.
REGIONS = {
    "E12000001": "North East",
    "E12000002": "North West",
    "E12000003": "Yorkshire and The Humber",
    "E12000004": "East Midlands",
    "E12000005": "West Midlands",
    "E12000006": "East of England",
    "E12000007": "London",
    "E12000008": "South East",
    "E12000009": "South West",
}
NATIONS = {"E": ("E92000001", "England"), "W": ("W92000004", "Wales")}
ENGLAND_AND_WALES = ("K04000001", "England and Wales")
UNITED_KINGDOM = ("K02000001", "United Kingdom")
# When read for the comparator's level, the pipeline checks the council's row against it as if the
# council were one of its parts, and a UK read finds every other level "mismatched": neither says
# anything about the comparator's own rows, which are what is kept.
_READ_FOR_ANOTHER_LEVEL = {"area-total", "level-mismatch", "missing-label"}


@dataclass(frozen=True)
class Comparator:
    code: str
    name: str
    level: str  # the geography level the pipeline is asked for to keep its rows


def comparators_of(area: Area) -> list[Comparator]:
    """The council's comparators, nearest first."""
    out = []
    if area.region_code:
        out.append(Comparator(area.region_code, REGIONS.get(area.region_code, area.region_code), "region"))
    if nation := NATIONS.get(area.gss_code[:1]):
        out.append(Comparator(*nation, "country"))
        out.append(Comparator(*ENGLAND_AND_WALES, "uk"))
    out.append(Comparator(*UNITED_KINGDOM, "uk"))
    return out


def comparator_codes(area: Area) -> dict[str, str]:
    """GSS code -> name of each comparator, nearest first."""
    return {c.code: c.name for c in comparators_of(area)}


def _mentioned(sheets: list[RawSheet], codes: set[str]) -> set[str]:
    """The comparator codes written anywhere in the file: only those levels are read again."""
    found = set()
    for sheet in sheets:
        if sheet.hidden:
            continue
        values = set(pd.unique(sheet.cells.to_numpy().ravel()))
        found |= codes & {str(v).strip().upper() for v in values}
    return found


def comparator_rows(
    *,
    area: Area,
    sheets: list[RawSheet],
    found: list[Problem],
    reference: dict,
    stock: bool,
    period: bool,
    groups: set[str] = frozenset(),
) -> tuple[pd.DataFrame, list[Problem]]:
    """The comparators' observations the file gives (empty when it gives none), and a note of each
    comparator kept or left out. A comparator whose rows the pipeline cannot read cleanly is left
    out rather than stored half right."""
    wanted = {c.code: c for c in comparators_of(area)}
    present = _mentioned(sheets, set(wanted))
    frames, notes = [], []
    for level in dict.fromkeys(wanted[code].level for code in wanted if code in present):
        context = ingest_context_for(
            requested=["period"] if period else [], geography_level=level, stock=stock, **reference
        )
        context = with_groups(context, groups)
        result = validate.run_sheets(sheets, list(found), context)
        codes = {code for code in present if wanted[code].level == level}
        rows = result.observations[result.observations["geography_code"].isin(codes)]
        blocking = [p for p in result.errors if p.type not in _READ_FOR_ANOTHER_LEVEL]
        for code in sorted(codes, key=list(wanted).index):
            name = wanted[code].name
            mine = rows[rows["geography_code"] == code]
            if blocking or mine.empty:
                why = blocking[0].message if blocking else "no counts were found on its rows"
                notes.append(
                    Problem("other-area", WARNING, f"The rows for {name} ({code}) were not kept: {why}", value=code)
                )
                continue
            frames.append(mine)
            notes.append(
                Problem(
                    "other-area",
                    WARNING,
                    f"{len(mine)} rows for {name} ({code}) were kept as published, to compare the council with.",
                    value=code,
                )
            )
    kept = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return kept, notes
