"""Indicator tables from the returned aggregates, protected before anything leaves the server.

Only the counts of processed, current returns are used (a superseded upload no longer counts).
Each source gets its own table, protected on its own: adding sources together would mix stocks
with flows and one definition of migrant with another, and a sum of two sources published beside
each source alone would let a reader subtract one from the other.
"""

import datetime
import hashlib
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import pandas as pd
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Greatest
from django.utils import timezone

from catalogue.comparability import compare_pair, verdict
from catalogue.models import Area, AreaCode, Country, Language, NationalityGroup, Source
from project.lib.periods import bucket, period_bucket
from project.lib.text import plural
from requests_app.models import Observation, Return
from sharing.disclosure import DisclosureRefused, Policy, Progress, Protected, Relation, Table, protect

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


@dataclass(frozen=True)
class Query:
    sources: tuple[str, ...]  # slugs
    rows: str = "nationality_group"
    columns: str = "quarter"
    by_area: bool = False  # rows nested within areas, with a subtotal per area
    # Filters. Each only leaves out cells of the protected table, which cannot make any other safer
    # or less safe: a reader of the filtered view knows less than a reader of the whole.
    since: datetime.date | None = None  # periods starting on or after
    until: datetime.date | None = None  # periods ending on or before
    areas: tuple[str, ...] = ()  # GSS codes; empty for every area

    @property
    def label(self) -> str:
        text = f"{DIMENSIONS[self.rows][0]} by {COLUMN_CHOICES[self.columns].lower()}"
        chosen = plural(len(self.areas), "chosen area", one="the chosen area")
        if self.by_area or (self.areas and "area" not in (self.rows, self.columns)):
            text += f" within {chosen if self.areas else 'each area'}"
        elif self.areas:
            text += f" ({chosen})"
        if self.since and self.until:
            text += f", {self.since:%b %Y} to {self.until:%b %Y}"
        elif self.since or self.until:
            text += f", {'from' if self.since else 'up to'} {(self.since or self.until):%b %Y}"
        return text

    @property
    def heading(self) -> str:
        """The label to follow a source's title: "…: nationality group by quarter, Apr 2026 to Jun 2026"."""
        return self.label[0].lower() + self.label[1:]

    @property
    def nested(self) -> bool:
        """Rows within areas: asked for, or implied by choosing areas for a table by period."""
        return self.by_area or (bool(self.areas) and "area" not in (self.rows, self.columns))


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
    preparing: "Preparation | None" = None  # the worker is still protecting the source's tables

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


def available_sources(area: Area) -> list[Source]:
    """Sources with at least one processed, current return for the area."""
    live = Return.objects.filter(status=Return.Status.DONE, superseded=False, request__agency__area=area)
    return list(
        Source.objects.filter(pk__in=live.values("request__source_id"))
        .prefetch_related("migrant_definitions", "geography_levels")
        .select_related("theme")
        .order_by("title")
    )


def _names(column: str, codes: set[str]) -> dict[str, str]:
    if column in ("nationality", "country_of_birth"):
        return dict(Country.objects.filter(code__in=codes).values_list("code", "name"))
    if column == "nationality_group":
        return dict(NationalityGroup.objects.filter(code__in=codes).values_list("code", "name"))
    if column == "main_language":
        return dict(Language.objects.filter(code__in=codes).values_list("code", "name"))
    if column == "geography_code":
        return {
            code: f"{name} ({code})"
            for code, name in AreaCode.objects.filter(code__in=codes).values_list("code", "name")
            if name
        }
    return {}


def area_choices(area: Area) -> list[tuple[str, str]]:
    """(GSS code, name) of the authority's wards and small areas, to filter indicators by."""
    return list(AreaCode.objects.filter(area=area).order_by("level__code", "name", "code").values_list("code", "name"))


def live_returns(area: Area, source: Source):
    return Return.objects.filter(
        status=Return.Status.DONE, superseded=False, request__agency__area=area, request__source=source
    )


def observations_of(area: Area, source: Source):
    return Observation.objects.filter(
        source_return__status=Return.Status.DONE,
        source_return__superseded=False,
        source_return__request__agency__area=area,
        source_return__request__source=source,
    )


ALL_AREAS = "All areas"


@dataclass
class Master:
    """The one protected table every view of a source by one dimension is cut from: rows within
    areas with area subtotals and all-area totals, periods as returned with quarter and year totals.
    Cutting every view from it means no two views publish different suppression patterns of the
    same counts, which a reader could otherwise difference."""

    protected: Protected | None
    relations: list
    leaf_columns: list[str]  # periods as returned, in order
    quarters: dict[str, list[str]]  # quarter label -> its month columns
    years: dict[str, list[str]]  # financial year label -> its month or quarter columns
    values: list[str]  # row labels of the dimension, in order
    areas: list[str]  # area labels, when the data has areas
    incomplete: set
    refused: str = ""
    spans: dict[str, tuple[datetime.date, datetime.date]] = field(default_factory=dict)  # column -> first and last day
    area_codes: dict[str, str] = field(default_factory=dict)  # area label -> GSS code
    # Counts taken at a point in time (stocks) are never added up over time: the master has no
    # quarter, year or all-period totals, and `overall` (the column standing for all periods) is
    # the latest count rather than a total.
    stock: bool = False
    overall: str = TOTAL


def _value_order(value: str) -> tuple[bool, str]:
    return value == NOT_RECORDED, value


def _leaf(area: str, value: str) -> str:
    return f"{area}{NESTED}{value}" if area else value


def _label(value: str, lookup: dict) -> str:
    return lookup.get(value, value) if value else NOT_RECORDED


def _column_of(start: datetime.date | None, end: datetime.date | None, stock: bool) -> tuple[datetime.date, str]:
    """The leaf column of a period as returned: (sort key, label). A stock counted on a day keeps
    its day, so that two counts in one month are never added together."""
    if stock and start is not None and end in (None, start):
        return start, f"{start.day} {start:%b %Y}"
    return period_bucket(start, end, "month")


def _period_columns(
    rows: list[dict], stock: bool = False
) -> tuple[list[str], dict[str, list[str]], dict[str, list[str]]]:
    """Sets each row's column (its period as returned) and gives the columns in order with the
    quarter and financial-year totals over them; a stock has no totals over time."""
    column_keys, starts = {}, {}
    for r in rows:
        key, r["column"] = _column_of(r["period_start"], r["period_end"], stock)
        column_keys.setdefault(r["column"], (key, r["column"]))
        starts.setdefault(r["column"], r["period_start"])
        r["span"] = (r["period_start"], r["period_end"])
    leaf_columns = sorted(column_keys, key=lambda c: column_keys[c])
    if stock:
        return leaf_columns, {}, {}
    quarters, years = defaultdict(list), defaultdict(list)
    for column in leaf_columns:
        if starts[column] is None:
            continue
        month, quarter, year = (bucket(starts[column], g)[2] for g in ("month", "quarter", "year"))
        if column == month:
            quarters[quarter].append(column)
        if column in (month, quarter):
            years[year].append(column)
    # A total of one column would only publish the same count twice; and a label already used by
    # a column as returned cannot also name a total.
    quarters = {q: parts for q, parts in quarters.items() if len(parts) > 1 and q not in column_keys}
    years = {y: parts for y, parts in years.items() if len(parts) > 1 and y not in column_keys}
    return leaf_columns, quarters, years


def _is_stock(area: Area, source: Source) -> bool:
    return observations_of(area, source).filter(point_in_time=True).exists()


def _within_periods(table: Table) -> Table:
    """A stock's table keeps only the sums within one period: adding counts of the same people
    taken on different days is no count at all, so the all-period totals go, with their sums."""
    values = {cell: value for cell, value in table.values.items() if cell[1] != TOTAL}
    relations = [r for r in table.relations if all(cell[1] != TOTAL for cell in r.cells)]
    return Table(values, relations, table.rows, [c for c in table.columns if c != TOTAL])


def _area_names(rows: list[dict]) -> dict[str, str]:
    return _names("geography_code", {r["geography_code"] for r in rows if r["geography_code"]})


def _margin(area: Area, source: Source, policy: Policy) -> dict[tuple[str, str], bool]:
    """Which area and period totals are suppressed. Every dimension's table of a source shows
    these same totals, so they are decided once, here, and each dimension's table follows."""
    rows = list(
        observations_of(area, source)
        .values("period_start", "period_end", "geography_code")
        .annotate(n=Sum("count"), hidden=Count("pk", filter=Q(suppressed=True)))
        .order_by()
    )
    if not rows:
        return {}
    nested = any(r["geography_code"] for r in rows)
    names = _area_names(rows) if nested else {}
    stock = _is_stock(area, source)
    leaf_columns, quarters, years = _period_columns(rows, stock)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    incomplete = set()
    for r in rows:
        cell = (_label(r["geography_code"], names) if nested else ALL_AREAS, r["column"])
        counts[cell] += r["n"] or 0
        if r["hidden"]:
            incomplete.add(cell)
    places = sorted({place for place, _ in counts})
    frame = pd.DataFrame(
        {c: [counts.get((p, c), 0) for p in places] for c in leaf_columns}, index=places, columns=leaf_columns
    )
    table = Table.two_way(frame, col_groups={**quarters, **years} or None, total_label=TOTAL)
    if stock:
        table = _within_periods(table)
    incomplete = _with_totals(incomplete, {}, {**quarters, **years})
    published = protect(table, policy, hide=_maybe_small(table, incomplete, policy)).published
    shared = [*places, TOTAL] if nested else [TOTAL]
    return {(row, column): published[row, column] is None for row in shared for column in table.columns}


def _master(area: Area, source: Source, row_column: str, stock: bool = False) -> tuple[Master, Table] | None:
    """The master of one dimension, not yet protected, and its table of counts."""
    observations = observations_of(area, source)
    rows = list(
        observations.values(row_column, "period_start", "period_end", "geography_code")
        .annotate(n=Sum("count"), hidden=Count("pk", filter=Q(suppressed=True)))
        .order_by()
    )
    if not rows:
        return None
    names = _names(row_column, {r[row_column] for r in rows if r[row_column]})
    nested = any(r["geography_code"] for r in rows)
    area_names = _area_names(rows) if nested else {}
    leaf_columns, quarters, years = _period_columns(rows, stock)
    spans = _spans(rows, {**quarters, **years})

    counts: dict[tuple[str, str], int] = defaultdict(int)
    incomplete, areas = set(), defaultdict(set)
    for r in rows:
        value = _label(r[row_column], names)
        place = _label(r["geography_code"], area_names) if nested else ""
        if nested:
            areas[place].add(value)
        counts[(_leaf(place, value), r["column"])] += r["n"] or 0
        if r["hidden"]:
            incomplete.add((_leaf(place, value), r["column"]))

    values = sorted({key[0].split(NESTED, 1)[-1] for key in counts}, key=_value_order)
    places = sorted(areas)
    # Within areas every value gets a row, zeros included, so each area's rows line up.
    leaf_rows = [_leaf(place, v) for place in places for v in values] if nested else values
    frame = pd.DataFrame(
        {c: [counts.get((r, c), 0) for r in leaf_rows] for c in leaf_columns}, index=leaf_rows, columns=leaf_columns
    )
    row_groups = {}
    if nested:
        row_groups |= {place: [_leaf(place, v) for v in values] for place in places}
        row_groups |= {_leaf(ALL_AREAS, v): [_leaf(place, v) for place in places] for v in values}
    table = Table.two_way(
        frame, row_groups=row_groups or None, col_groups={**quarters, **years} or None, total_label=TOTAL
    )
    if stock:
        table = _within_periods(table)
    incomplete = _with_totals(incomplete, row_groups, {**quarters, **years})
    area_codes = {
        _label(r["geography_code"], area_names): r["geography_code"] for r in rows if nested and r["geography_code"]
    }
    return Master(
        None,
        table.relations,
        leaf_columns,
        quarters,
        years,
        values,
        places,
        incomplete,
        spans=spans,
        area_codes=area_codes,
        stock=stock,
        overall=leaf_columns[-1] if stock else TOTAL,
    ), table


def _spans(rows: list[dict], groups: dict[str, list[str]]) -> dict[str, tuple[datetime.date, datetime.date]]:
    """The first and last day each column covers, for filtering by period: its periods as
    returned, and a quarter or year total the span of its parts."""
    spans = {}
    for r in rows:
        start, end = r["span"]
        if start is None or end is None:
            continue
        low, high = spans.get(r["column"], (start, end))
        spans[r["column"]] = (min(low, start), max(high, end))
    for group, parts in groups.items():
        if all(part in spans for part in parts):
            spans[group] = (min(spans[p][0] for p in parts), max(spans[p][1] for p in parts))
    return spans


def _with_totals(incomplete: set, row_groups: dict, column_groups: dict) -> set:
    """The cells holding counts an agency suppressed, and every total they add to: all lower bounds."""

    def groups_of(groups: dict) -> dict:
        found = defaultdict(set)
        for group, leaves in groups.items():
            for leaf in leaves:
                found[leaf].add(group)
        return found

    rows_in, columns_in = groups_of(row_groups), groups_of(column_groups)
    return {
        (row, column) for r, c in incomplete for row in {r, TOTAL, *rows_in[r]} for column in {c, TOTAL, *columns_in[c]}
    }


def _maybe_small(table: Table, incomplete: set, policy: Policy) -> set:
    """Cells known only in part whose known part is below the threshold: the whole may be small too
    (a cell of nothing but an agency's "<5" has a known part of 0), so they are suppressed as small."""
    return {cell for cell in incomplete if cell in table.values and table.values[cell] < policy.threshold}


def _group_sums(area: Area, source: Source, groups: Master, nationalities: Master) -> list[Relation]:
    """Each nationality group's count is the sum of its nationalities' counts, area by area and
    period by period; which nationalities make up a group is public, so a reader has these sums too.
    Membership can change with the date (the EU8 joined in 2004), so it is read from the returns,
    period by period; a nationality not returned in a period is in the group it is in elsewhere."""
    rows = list(
        observations_of(area, source)
        .values("nationality", "nationality_group", "period_start", "period_end")
        .annotate(n=Count("pk"))
        .order_by()
    )
    nationality_names = _names("nationality", {r["nationality"] for r in rows if r["nationality"]})
    group_names = _names("nationality_group", {r["nationality_group"] for r in rows if r["nationality_group"]})
    in_period, anywhere = defaultdict(lambda: defaultdict(set)), defaultdict(set)
    for r in rows:
        column = _column_of(r["period_start"], r["period_end"], groups.stock)[1]
        nationality, group = _label(r["nationality"], nationality_names), _label(r["nationality_group"], group_names)
        in_period[column][nationality].add(group)
        anywhere[nationality].add(group)
    sums = []
    for column in groups.leaf_columns:
        returned = in_period[column]
        # A nationality returned in two groups in one period (a period across an accession date)
        # leaves neither group a sum of whole nationalities.
        split = {group for found in returned.values() if len(found) > 1 for group in found}
        parts = defaultdict(list)
        for nationality in nationalities.values:
            found = returned.get(nationality) or anywhere[nationality]
            if len(found) == 1 and not found & split:
                parts[next(iter(found))].append(nationality)
        for group, members in parts.items():
            if group in groups.values:
                sums += [
                    Relation((_leaf(place, group), column), tuple((_leaf(place, n), column) for n in members))
                    for place in groups.areas or [""]
                ]
    return sums


def _protect_together(
    masters: dict[str, tuple[Master, Table]],
    margin: dict,
    policy: Policy,
    sums: list[Relation],
    progress: Progress | None = None,
) -> None:
    """Protects the masters as one table, so that no cell can be narrowed by reading them together.

    They share the area and period totals (the margin), which keep their keys; every other cell is
    keyed by its dimension's label as well, since the same row label can mean different counts in
    two dimensions. `sums` relate the nationality groups' cells to the nationalities' cells."""

    def key(code: str, cell: tuple[str, str]) -> tuple:
        return cell if cell in margin else (DIMENSIONS[code][0], *cell)

    values, relations = {}, []
    for code, (_, table) in masters.items():
        values |= {key(code, cell): value for cell, value in table.values.items()}
        relations += [Relation(key(code, r.total), tuple(key(code, p) for p in r.parts)) for r in table.relations]
    if {"nationality_group", "nationality"} <= masters.keys():
        relations += [
            Relation(key("nationality_group", r.total), tuple(key("nationality", p) for p in r.parts)) for r in sums
        ]
    try:
        # The margin's relations are in every master: once is enough.
        hide = {
            key(code, cell)
            for code, (master, table) in masters.items()
            for cell in _maybe_small(table, master.incomplete, policy)
        }
        together = protect(
            Table(values, list(dict.fromkeys(relations))), policy, fixed=margin, hide=hide, progress=progress
        )
    except DisclosureRefused as refusal:
        for master, _ in masters.values():
            master.refused = str(refusal)
        return
    for code, (master, table) in masters.items():
        keys = {cell: key(code, cell) for cell in table.values}
        master.protected = Protected(
            published={cell: together.published[k] for cell, k in keys.items()},
            primary={cell for cell, k in keys.items() if k in together.primary},
            secondary={cell for cell, k in keys.items() if k in together.secondary},
            relations=table.relations,
            policy=policy,
        )


def _read(area: Area, source: Source) -> dict[str, tuple[Master, Table]]:
    """Every dimension's master of the source, not yet protected, with its table of counts."""
    stock = _is_stock(area, source)
    return {
        code: found
        for code, (_, column, _) in DIMENSIONS.items()
        if code != "area" and (found := _master(area, source, column, stock)) is not None
    }


def _masters(
    area: Area,
    source: Source,
    policy: Policy,
    built: dict[str, tuple[Master, Table]],
    progress: Callable[[int, int, str, int, int], None] | None = None,
) -> dict[str, Master]:
    """The masters, protected together wherever a reader could combine them. `progress` is told
    which part of how many is being protected, then what protect tells (see disclosure.Progress)."""
    if not built:
        return {}
    margin = _margin(area, source, policy)
    groups, nationalities = built["nationality_group"][0], built["nationality"][0]
    sums = _group_sums(area, source, groups, nationalities)
    # The masters share the margin. A published total is a constant to a reader and links nothing,
    # but a suppressed one is an unknown common to every master (and so is every total when figures
    # are rounded: each is only known to within half the base), so then all are protected as one.
    # Otherwise only the nationality groups and the nationalities are linked, by their sums.
    if policy.rounding or any(margin.values()):
        linked = [list(built)]
    else:
        linked = [["nationality_group", "nationality"]] + [
            [code] for code in built if code not in ("nationality_group", "nationality")
        ]
    for part, codes in enumerate(linked, start=1):
        told = (lambda *step, part=part: progress(part, len(linked), *step)) if progress else None
        _protect_together({code: built[code] for code in codes}, margin, policy, sums, told)
    return {code: master for code, (master, _) in built.items()}


@dataclass(frozen=True)
class Preparation:
    """A source whose tables the worker is protecting, or has been asked to, and how far it has got."""

    queued_at: datetime.datetime
    cells: int
    part: int = 0  # which of the parts protected one after the other; 0 while queued
    parts: int = 0
    stage: str = "queued"  # then "choosing" the complements, then "checking" the whole pattern
    done: int = 0  # suppressed cells shown safe so far, in this part and stage
    of: int = 0

    @property
    def percent(self) -> int | None:
        """Of the current stage; None while there is nothing to count."""
        return round(100 * self.done / self.of) if self.of else None


# Protected tables are kept until their returns change (the key says which returns); a week
# unused, and they are built again.
_KEPT = 7 * 24 * 3600
# A queued protection not heard of for this long is taken to be lost (a worker stopped) and is
# queued again by the next page that asks; a worker's lock lasts as long. Just longer than the
# task's own time limit (reports.tasks).
_QUEUED_FOR = 3600
# Progress is written to the cache at most this often: it is read by people, not machines.
_PROGRESS_EVERY = 2.0


def _keys(area: Area, source: Source, threshold: int, rounding: int | None) -> tuple[str, str, str]:
    """Cache keys of the protected masters, of the preparation's progress and of the worker's lock."""
    live = list(
        live_returns(area, source).values_list("pk", "status_changed_at", "request__reporting_threshold").order_by("pk")
    )
    names = AreaCode.objects.filter(area=area).aggregate(n=Count("pk"), last=Max("pk"))
    fingerprint = hashlib.sha256(repr((source.pk, threshold, rounding, live, names)).encode()).hexdigest()
    return (
        f"indicator-masters:v6:{fingerprint}",
        f"indicator-preparing:v1:{fingerprint}",
        f"indicator-protecting:v1:{fingerprint}",
    )


def _cached_masters(
    area: Area, source: Source, threshold: int, rounding: int | None
) -> dict[str, Master] | Preparation | str:
    """The protected masters; or, when a source is too large to protect while someone waits, the
    preparation the worker has been asked for; or why the worker could not protect them."""
    masters_key, preparing_key, _ = _keys(area, source, threshold, rounding)
    if (found := cache.get(masters_key)) is not None:
        return found
    if (preparing := cache.get(preparing_key)) is not None:
        return preparing
    built = _read(area, source)
    cells = sum(len(table.values) for _, table in built.values())
    if cells > settings.TRACKER_INDICATORS_INLINE_CELLS:
        if cache.add(preparing_key, Preparation(queued_at=timezone.now(), cells=cells), timeout=_QUEUED_FOR):
            from reports.tasks import protect_indicators  # the task module imports this one

            protect_indicators.delay(area.pk, source.pk)
        # Run eagerly (in tests), the task has finished by now.
        return cache.get(masters_key) or cache.get(preparing_key) or Preparation(queued_at=timezone.now(), cells=cells)
    masters = _masters(area, source, Policy(threshold=threshold, rounding=rounding), built)
    cache.set(masters_key, masters, timeout=_KEPT)
    return masters


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


def build_table(area: Area, source: Source, query: Query) -> IndicatorTable:
    # From the returns, not the observations: there may be millions of those.
    agencies = live_returns(area, source).aggregate(n=Count("request__agency", distinct=True))["n"]
    threshold = _threshold(area, source)
    result = IndicatorTable(source, query, threshold, rounding=settings.TRACKER_ROUNDING, agencies=agencies)
    rows_dimension = "nationality_group" if query.rows == "area" else query.rows
    masters = _cached_masters(area, source, threshold, settings.TRACKER_ROUNDING)
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
    nested = bool(master.areas)

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


def indicators_build(*, area: Area, query: Query) -> Indicators:
    sources = [s for s in available_sources(area) if s.slug in query.sources]
    tables = [build_table(area, source, query) for source in sources]
    stocks = [
        f"{source.title} counts people at a point in time: each column shows one day's count (in a quarter "
        "or a year, the latest one), never a sum of counts over time."
        for source in sources
        if _is_stock(area, source)
    ]
    return Indicators(query, tables, [*stocks, *comparability_warnings(sources)])


def _threshold(area: Area, source: Source) -> int:
    # The strictest threshold among the requests and the agreements under which the tables' data
    # came applies to all of it: one cell can mix several agencies' counts.
    found = live_returns(area, source).aggregate(
        n=Max(Greatest("request__reporting_threshold", "agreement__reporting_threshold"))
    )["n"]
    return found or settings.TRACKER_REPORTING_THRESHOLD


def indicators_prepare(*, area: Area, source: Source) -> None:
    """Protects every table of the source, for the worker: ahead of the first person who asks, once
    a return is processed, or when a page found the source too large to protect while they waited.
    Pages then cut their views from the cache. Safe to run twice, and twice at once."""
    threshold, rounding = _threshold(area, source), settings.TRACKER_ROUNDING
    masters_key, preparing_key, lock_key = _keys(area, source, threshold, rounding)
    if cache.get(masters_key) is not None or not cache.add(lock_key, True, timeout=_QUEUED_FOR):
        return  # done already, or another worker is on it
    try:
        built = _read(area, source)
        queued = cache.get(preparing_key) or Preparation(queued_at=timezone.now(), cells=0)
        queued = replace(queued, cells=sum(len(table.values) for _, table in built.values()))
        last = 0.0

        def progress(part: int, parts: int, stage: str, done: int, of: int) -> None:
            nonlocal last
            if time.monotonic() - last >= _PROGRESS_EVERY:
                last = time.monotonic()
                cache.set(
                    preparing_key,
                    replace(queued, part=part, parts=parts, stage=stage, done=done, of=of),
                    timeout=_QUEUED_FOR,
                )

        masters = _masters(area, source, Policy(threshold=threshold, rounding=rounding), built, progress)
        cache.set(masters_key, masters, timeout=_KEPT)
        cache.delete(preparing_key)
    finally:
        cache.delete(lock_key)


def indicators_give_up(*, area: Area, source: Source, minutes: int) -> None:
    """Records, for a day, that the worker ran out of time protecting the source's tables, so that
    pages say so instead of waiting for ever; then the next page that asks queues them again."""
    _give_up(
        area,
        source,
        24 * 3600,
        f"Protecting this source's tables against disclosure took longer than the {minutes} minutes the "
        "background worker allows. Ask the agency for a coarser return (fewer categories, quarters rather "
        "than months, or larger areas), or raise the worker's time limit.",
    )


# An unexpected failure may be passing (a database restarting), so it is tried again soon; but not
# at every page's reload, which would fail again at once if it is not.
_RETRY_FAILED_AFTER = 15 * 60


def indicators_failed(*, area: Area, source: Source) -> None:
    """Records that the worker failed with an unexpected error, so that pages say so instead of
    showing "waiting" until the queue entry expires; the next page after a quarter of an hour
    queues the source again."""
    again = timezone.localtime(timezone.now() + datetime.timedelta(seconds=_RETRY_FAILED_AFTER))
    _give_up(
        area,
        source,
        _RETRY_FAILED_AFTER,
        "The background worker could not protect this source's tables: it stopped with an error, which "
        f"is in its log. It will try again when these tables are next opened after {again:%H:%M}. If it "
        "fails again, tell the system's administrator.",
    )


def _give_up(area: Area, source: Source, seconds: int, reason: str) -> None:
    masters_key, preparing_key, lock_key = _keys(area, source, _threshold(area, source), settings.TRACKER_ROUNDING)
    cache.set(masters_key, reason, timeout=seconds)
    cache.delete_many([preparing_key, lock_key])
