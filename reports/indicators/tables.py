"""The tables a person sees: each view cut from its source's protected master, in the cache."""

from dataclasses import dataclass, field

from django.conf import settings

from catalogue.comparability import compare_pair, verdict
from catalogue.models import Area, Source
from project.lib.periods import bucket
from reports.indicators.caching import Preparation, _cached_masters
from reports.indicators.masters import Live, Master, _leaf, available_sources, live_of
from reports.indicators.query import ALL_AREAS, NESTED, TOTAL, Query
from sharing.disclosure import Relation


@dataclass
class IndicatorTable:
    source: Source
    query: Query
    threshold: int
    rounding: int | None = None
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
    master_published: dict = field(default_factory=dict)  # the whole protected table the view is cut from
    master_relations: list = field(default_factory=list)
    agencies: int = 0
    refused: str = ""
    preparing: Preparation | None = None  # the worker is still protecting the source's tables
    stock: bool = False  # counts taken at a point in time, never added up over time
    # The master's whole-area figures, for setting beside public ones: its values, the column
    # standing for all periods (the latest for a stock), whether its rows are within areas, and
    # the first and last periods.
    master_values: list[str] = field(default_factory=list)
    master_overall: str = TOTAL
    master_nested: bool = False
    master_periods: tuple[str, str] | None = None

    def value(self, row: str, column: str):
        return self.published.get((row, column))

    @property
    def grid(self) -> list[tuple[str, bool, list[tuple[int | None, bool]]]]:
        """Rows for a template: label (a nested row without its area's name), whether it is a
        subtotal, and (value, incomplete) per column."""
        return [
            (
                r.split(NESTED, 1)[1] if NESTED in r and r.split(NESTED, 1)[0] in self.group_rows else r,
                r in self.group_rows or r == TOTAL,
                [(self.published.get((r, c)), (r, c) in self.incomplete) for c in self.columns],
            )
            for r in self.rows
        ]

    def whole(self, value: str, missing=None):
        """The protected count of a value for the whole area over all periods (None: suppressed)."""
        row = _leaf(ALL_AREAS, value) if self.master_nested else value
        return self.master_published.get((row, self.master_overall), missing)

    def whole_values(self) -> list[str]:
        return [
            value
            for value in self.master_values
            if (value, self.master_overall) in self.master_published
            or (_leaf(ALL_AREAS, value), self.master_overall) in self.master_published
        ]

    @property
    def whole_period(self) -> str:
        if self.master_periods is None:
            return ""
        first, last = self.master_periods
        if self.stock:
            return f"latest count, {last}"
        return last if first == last else f"{first} to {last}"

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

    @property
    def preparing(self) -> bool:
        return any(table.preparing for table in self.tables)


def _columns_for(master: Master, choice: str) -> list[str]:
    """The columns of one view, cut from the master's periods, quarters and years. A stock's
    quarter or year shows the latest count taken in it, never a sum of its counts."""
    if master.stock:
        granularity = "month" if choice.startswith("month") else choice
        latest: dict = {}
        for column in master.leaf_columns:
            span = master.spans.get(column)
            latest[bucket(span[1], granularity)[0] if span else column] = column
        return list(latest.values())
    quarter_of = {month: q for q, months in master.quarters.items() for month in months}
    year_of = {part: y for y, parts in master.years.items() for part in parts}
    out: list[str] = []
    for column in master.leaf_columns:
        if choice == "quarter":
            chosen = [quarter_of.get(column, column)]
        elif choice == "year":
            chosen = [year_of.get(column, column)]
        elif choice == "month-quarter":
            chosen = [column]
            months = master.quarters.get(quarter_of.get(column), [])
            if months and column == months[-1]:
                chosen.append(quarter_of[column])
        else:
            chosen = [column]
        out += [c for c in chosen if c not in out]
    return [*out, TOTAL]


def build_table(area: Area, source: Source, query: Query, live: Live | None = None) -> IndicatorTable:
    """`live` is the source's entry of `live_of`, when read with other sources'."""
    # From the returns, not the observations: there may be millions of those.
    live = live or live_of(area, [source])[source.pk]
    result = IndicatorTable(source, query, live.threshold, rounding=settings.TRACKER_ROUNDING, agencies=live.agencies)
    rows_dimension = "nationality_group" if query.rows == "area" else query.rows
    masters = _cached_masters(area, source, live.threshold, settings.TRACKER_ROUNDING, live)
    if isinstance(masters, Preparation):
        result.preparing = masters
        result.refused = (
            "These tables are still being protected against disclosure, which takes a few minutes "
            "for a source this large. Try again shortly."
        )
        return result
    if isinstance(masters, str):
        result.refused = masters
        return result
    master = masters.get(rows_dimension)
    if master is None:
        return result
    if master.refused:
        result.refused = master.refused
        return result
    nested, result.stock = bool(master.areas), master.stock
    result.master_values, result.master_overall, result.master_nested = master.values, master.overall, nested
    if master.leaf_columns:
        result.master_periods = (master.leaf_columns[0], master.leaf_columns[-1])

    def everywhere(value: str) -> str:  # a value's row for all areas together
        return _leaf(ALL_AREAS, value) if nested else value

    if ("area" in (query.rows, query.columns) or query.areas) and not nested:
        result.refused = "This data has no areas: it was returned for the whole authority. Choose a period instead."
        return result
    if (query.since or query.until) and query.columns == "area":
        result.refused = "To filter by period, choose periods as the columns."
        return result
    # The chosen areas, or all with the authority's totals.
    places = [place for place in master.areas if not query.areas or master.area_codes.get(place) in query.areas]
    every_area = not query.areas
    # View rows and columns -> the master's, and how a view cell maps to the master's cell.
    if query.rows == "area":
        rows = {place: place for place in places} | ({TOTAL: TOTAL} if every_area else {})
        columns = {c: c for c in _columns_for(master, query.columns)}

        def master_cell(r: str, c: str) -> tuple[str, str]:
            return rows[r], columns[c]
    elif query.columns == "area":
        rows = {v: everywhere(v) for v in master.values} | {TOTAL: TOTAL}
        columns = {place: place for place in places} | ({TOTAL: TOTAL} if every_area else {})

        def master_cell(r: str, c: str) -> tuple[str, str]:
            return (_leaf(c, r) if c != TOTAL and r != TOTAL else rows[r] if c == TOTAL else c), master.overall
    else:
        if query.nested and nested:
            ordered = [row for place in places for row in [place, *[_leaf(place, v) for v in master.values]]]
            rows = {row: row for row in ordered}
            result.group_rows = set(places)
            if every_area:
                rows |= {_leaf(ALL_AREAS, v): _leaf(ALL_AREAS, v) for v in master.values}
                result.group_rows |= {_leaf(ALL_AREAS, v) for v in master.values}
        else:
            rows = {v: everywhere(v) for v in master.values}
        if every_area:
            rows[TOTAL] = TOTAL
        columns = {c: c for c in _columns_for(master, query.columns)}

        def master_cell(r: str, c: str) -> tuple[str, str]:
            return rows[r], c

    if query.since or query.until:
        # A period filter keeps the periods wholly inside it; the all-period total goes.
        columns = {
            c: k
            for c, k in columns.items()
            if (span := master.spans.get(k))
            and (not query.since or span[0] >= query.since)
            and (not query.until or span[1] <= query.until)
        }
    cells = {(r, c): master_cell(r, c) for r in rows for c in columns}
    if query.columns != "area":
        result.group_columns = (set(master.quarters) | set(master.years)) & set(columns)
        result.period_columns = [
            c for c in columns if c != TOTAL and (query.columns != "month-quarter" or c not in master.quarters)
        ]
    # Keep only cells that exist (a value may be missing from an area): those are zeros the
    # master never had, so the view shows no row for them.
    cells = {view: key for view, key in cells.items() if key in master.protected.published}
    published = master.protected.published
    result.rows = [r for r in rows if any((r, c) in cells for c in columns)]
    result.columns = list(columns)
    result.published = {view: published[key] for view, key in cells.items()}
    result.primary = sum(key in master.protected.primary for key in cells.values())
    result.secondary = sum(key in master.protected.secondary for key in cells.values())
    result.incomplete = {view for view, key in cells.items() if key in master.incomplete}
    # The sums a reader of this view can check: the master's relations among the cells it shows.
    shown = {key: view for view, key in cells.items()}
    result.relations = [
        Relation(shown[rel.total], tuple(shown[p] for p in rel.parts))
        for rel in master.relations
        if all(cell in shown for cell in rel.cells)
    ]
    result.master_published, result.master_relations = published, master.relations
    return result


def comparability_warnings(sources: list[Source]) -> list[str]:
    """Why the sources on one page must not be added together or read as a check on each other."""
    out = []
    for i, a in enumerate(sources):
        for b in sources[i + 1 :]:
            findings = compare_pair(a, b)
            if verdict(findings) == "comparable":
                continue
            reasons = [f.text for f in findings if f.severity != "comparable"]
            out.append(f"{a.title} and {b.title} are not directly comparable. " + " ".join(reasons))
    return out


def indicators_build(*, area: Area, query: Query, available: list[Source] | None = None) -> Indicators:
    """`available` is `available_sources(area)`, when the caller has read it already."""
    sources = [s for s in (available_sources(area) if available is None else available) if s.slug in query.sources]
    live = live_of(area, sources)
    tables = [build_table(area, source, query, live[source.pk]) for source in sources]
    stocks = [
        f"{table.source.title} counts people at a point in time: each column shows one day's count (in a quarter "
        "or a year, the latest one), never a sum of counts over time."
        for table in tables
        if table.stock
    ]
    return Indicators(query, tables, [*stocks, *comparability_warnings(sources)])


def has_areas(area: Area, source: Source, live: Live | None = None) -> bool:
    """Whether the source's counts were returned by area, read from its protected masters; False
    while the worker is still protecting them, when no table of it is shown anyway."""
    live = live or live_of(area, [source])[source.pk]
    masters = _cached_masters(area, source, live.threshold, settings.TRACKER_ROUNDING, live)
    return isinstance(masters, dict) and any(master.areas for master in masters.values())
