"""Indicator tables from the returned aggregates, protected before anything leaves the server.

Only the counts of processed, current returns are used (a superseded upload no longer counts).
Each source gets its own table, protected on its own: adding sources together would mix stocks
with flows and one definition of migrant with another, and a sum of two sources published beside
each source alone would let a reader subtract one from the other.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd
from django.db.models import Count, Max, Q, Sum

from catalogue.comparability import compare_pair, verdict
from catalogue.models import Area, AreaCode, Country, Language, NationalityGroup, Source
from requests_app.models import Observation, Return
from sharing.disclosure import DisclosureRefused, Policy, Protected, Table, protect

NOT_RECORDED = "Not recorded"
TOTAL = "Total"
NESTED = " · "  # between an area and a row nested in it

# code -> (label, observation column, catalogue field it comes from)
DIMENSIONS = {
    "nationality_group": ("Nationality group", "nationality_group", "nationality"),
    "nationality": ("Nationality", "nationality", "nationality"),
    "country_of_birth": ("Country of birth", "country_of_birth", "country-of-birth"),
    "immigration_status": ("Immigration status", "immigration_status", "immigration-status"),
    "main_language": ("Main language", "main_language", "main-language"),
    "age_band": ("Age band", "age_band", "age"),
    "gender": ("Gender", "gender", "gender"),
    "area": ("Area", "geography_code", "ward"),
}
COLUMN_CHOICES = {
    "quarter": "Quarter",
    "month": "Month",
    "month-quarter": "Month, with quarter totals",
    "year": "Financial year (April to March)",
    "area": "Area",
}
ROUNDING_CHOICES = {"": "No rounding", "5": "Round to the nearest 5", "10": "Round to the nearest 10"}


@dataclass(frozen=True)
class Query:
    sources: tuple[str, ...]  # slugs
    rows: str = "nationality_group"
    columns: str = "quarter"
    by_area: bool = False  # rows nested within areas, with a subtotal per area
    rounding: int | None = None

    @property
    def label(self) -> str:
        text = f"{DIMENSIONS[self.rows][0]} by {COLUMN_CHOICES[self.columns].lower()}"
        return text + (" within each area" if self.by_area else "")


@dataclass
class IndicatorTable:
    source: Source
    query: Query
    threshold: int
    rows: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    group_rows: set[str] = field(default_factory=set)
    group_columns: set[str] = field(default_factory=set)
    period_columns: list[str] = field(default_factory=list)  # leaf columns that are periods, in order
    published: dict = field(default_factory=dict)  # (row, column) -> int | None
    primary: int = 0
    secondary: int = 0
    incomplete: set = field(default_factory=set)  # cells with counts the agency itself suppressed
    relations: list = field(default_factory=list)  # the sums a reader can check, for the audit
    agencies: int = 0
    refused: str = ""

    def value(self, row: str, column: str):
        return self.published.get((row, column))

    @property
    def grid(self) -> list[tuple[str, bool, list[tuple[int | None, bool]]]]:
        """Rows for a template: label (a nested row without its area's name), whether it is a
        subtotal, and (value, incomplete) per column."""
        return [(r.split(NESTED, 1)[1] if self.group_rows and NESTED in r else r, r in self.group_rows or r == TOTAL,
                 [(self.published.get((r, c)), (r, c) in self.incomplete) for c in self.columns]) for r in self.rows]

    @property
    def cells(self) -> int:
        return len(self.rows) * len(self.columns)

    @property
    def suppressed(self) -> int:
        return self.primary + self.secondary

    @property
    def empty(self) -> bool:
        return not self.rows


@dataclass
class Indicators:
    query: Query
    tables: list[IndicatorTable]
    warnings: list[str]


def available_sources(area: Area) -> list[Source]:
    """Sources with at least one processed, current return for the area."""
    live = Return.objects.filter(status=Return.Status.DONE, superseded=False, request__agency__area=area)
    return list(Source.objects.filter(pk__in=live.values("request__source_id")).prefetch_related(
        "migrant_definitions", "geography_levels").select_related("theme").order_by("title"))


def _quarter(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    last_month = first.month + 2
    return first, _month_end(datetime.date(first.year, last_month, 1))


def _month_end(day: datetime.date) -> datetime.date:
    following = datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def _financial_year(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(day.year if day.month >= 4 else day.year - 1, 4, 1)
    return start, datetime.date(start.year + 1, 3, 31)


def _bucket(start: datetime.date, granularity: str) -> tuple[datetime.date, datetime.date, str]:
    if granularity == "month":
        first, last = datetime.date(start.year, start.month, 1), _month_end(start)
        return first, last, f"{first:%b %Y}"
    if granularity == "year":
        first, last = _financial_year(start)
        return first, last, f"{first.year}/{(first.year + 1) % 100:02d}"
    first, last = _quarter(start)
    return first, last, f"{first:%b}–{last:%b %Y}"


def period_bucket(start: datetime.date | None, end: datetime.date | None, granularity: str) -> tuple[datetime.date, str]:
    """The column an observation's period falls in: (sort key, label). A period longer than the
    bucket goes in the coarser bucket it fills exactly, or keeps its own label rather than being
    split by guesswork."""
    if start is None:
        return datetime.date.min, "Period not given"
    end = end or start
    first, last, label = _bucket(start, granularity)
    if end <= last:
        return first, label
    for coarser in ("quarter", "year"):
        first, last, label = _bucket(start, coarser)
        if (first, last) == (start, end):
            return first, label
    return start, f"{start:%b %Y}–{end:%b %Y}"


def _names(column: str, codes: set[str]) -> dict[str, str]:
    if column in ("nationality", "country_of_birth"):
        return dict(Country.objects.filter(code__in=codes).values_list("code", "name"))
    if column == "nationality_group":
        return dict(NationalityGroup.objects.filter(code__in=codes).values_list("code", "name"))
    if column == "main_language":
        return dict(Language.objects.filter(code__in=codes).values_list("code", "name"))
    if column == "geography_code":
        return {code: f"{name} ({code})" for code, name in AreaCode.objects.filter(code__in=codes).values_list("code", "name") if name}
    return {}


def observations_of(area: Area, source: Source):
    return Observation.objects.filter(
        source_return__status=Return.Status.DONE, source_return__superseded=False,
        source_return__request__agency__area=area, source_return__request__source=source,
    )


def build_table(area: Area, source: Source, query: Query) -> IndicatorTable:
    observations = observations_of(area, source)
    meta = observations.aggregate(threshold=Max("source_return__request__reporting_threshold"),
                                  agencies=Count("source_return__request__agency", distinct=True))
    # The strictest threshold among the requests whose data is in the table applies to all of it.
    threshold = meta["threshold"] or 10
    result = IndicatorTable(source, query, threshold, agencies=meta["agencies"])
    row_column = DIMENSIONS[query.rows][1]
    # Nesting in areas needs area codes; a source returned for the whole authority has none.
    by_area = (query.by_area and query.rows != "area" and query.columns != "area"
               and observations.exclude(geography_code="").exists())
    group_by = [row_column, "period_start", "period_end"] + (["geography_code"] if by_area or query.columns == "area" else [])
    group_by = list(dict.fromkeys(group_by))
    rows = list(observations.values(*group_by).annotate(n=Sum("count"), hidden=Count("pk", filter=Q(suppressed=True))).order_by())
    if not rows:
        return result

    names = _names(row_column, {r[row_column] for r in rows if r[row_column]})
    areas = _names("geography_code", {r["geography_code"] for r in rows if r.get("geography_code")}) if "geography_code" in group_by else {}

    def label(value: str, lookup: dict) -> str:
        return lookup.get(value, value) if value else NOT_RECORDED

    granularity = {"month-quarter": "month", "area": "quarter"}.get(query.columns, query.columns)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    incomplete, column_keys, groups, quarters = set(), {}, defaultdict(list), defaultdict(list)
    for r in rows:
        row_label = label(r[row_column], names)
        if by_area:
            area_label = label(r["geography_code"], areas)
            leaf = f"{area_label}{NESTED}{row_label}"
            if leaf not in groups[area_label]:
                groups[area_label].append(leaf)
            row_label = leaf
        if query.columns == "area":
            column = label(r["geography_code"], areas)
            column_keys.setdefault(column, (datetime.date.min, column))
        else:
            key, column = period_bucket(r["period_start"], r["period_end"], granularity)
            column_keys.setdefault(column, (key, column))
            if query.columns == "month-quarter" and r["period_start"]:
                first, last = _quarter(r["period_start"])
                quarter_label = f"{first:%b}–{last:%b %Y}"
                if column not in quarters[quarter_label]:
                    quarters[quarter_label].append(column)
        counts[(row_label, column)] += r["n"] or 0
        if r["hidden"]:
            incomplete.add((row_label, column))

    leaf_rows = sorted({r for r, _ in counts}, key=lambda r: (r.endswith(NOT_RECORDED), r))
    leaf_columns = sorted(column_keys, key=lambda c: column_keys[c])
    frame_data = {c: [counts.get((r, c), 0) for r in leaf_rows] for c in leaf_columns}
    frame = pd.DataFrame(frame_data, index=leaf_rows, columns=leaf_columns)
    quarter_groups = {q: sorted(months, key=lambda c: column_keys[c]) for q, months in quarters.items()
                      if len(months) > 1 and q not in months}
    table = Table.two_way(frame, row_groups=dict(groups) if by_area else None, col_groups=quarter_groups or None, total_label=TOTAL)
    try:
        protected: Protected = protect(table, Policy(threshold=threshold, rounding=query.rounding))
    except DisclosureRefused as refusal:
        result.refused = str(refusal)
        return result
    result.rows, result.columns = list(table.rows), list(table.columns)
    if by_area:
        # Each area's subtotal sits above its own rows, as in a printed table.
        result.rows = [row for area in sorted(groups) for row in [area, *[r for r in leaf_rows if r in groups[area]]]] + [TOTAL]
    result.group_rows, result.group_columns = set(groups) if by_area else set(), set(quarter_groups)
    result.period_columns = leaf_columns if query.columns != "area" else []
    result.published, result.relations = protected.published, table.relations
    result.primary, result.secondary = len(protected.primary), len(protected.secondary)
    # Totals include the known part of a cell the agency suppressed, so they are incomplete too.
    area_of = {leaf: area for area, leaves in groups.items() for leaf in leaves}
    for r, c in list(incomplete):
        incomplete.update({(r, TOTAL), (TOTAL, c), (TOTAL, TOTAL)})
        if r in area_of:
            incomplete.update({(area_of[r], c), (area_of[r], TOTAL)})
    result.incomplete = incomplete
    return result


def comparability_warnings(sources: list[Source]) -> list[str]:
    """Why the sources on one page must not be added together or read as a check on each other."""
    out = []
    for i, a in enumerate(sources):
        for b in sources[i + 1:]:
            findings = compare_pair(a, b)
            if verdict(findings) == "comparable":
                continue
            reasons = [f.text for f in findings if f.severity != "comparable"]
            out.append(f"{a.title} and {b.title} are not directly comparable. " + " ".join(reasons))
    return out


def indicators_build(*, area: Area, query: Query) -> Indicators:
    sources = [s for s in available_sources(area) if s.slug in query.sources]
    tables = [build_table(area, source, query) for source in sources]
    return Indicators(query, tables, comparability_warnings(sources))
