"""The master tables, read from the observations of processed, current returns: one per field of a
source, every view of it cut from it, and the sums that link the nationality groups to the
nationalities. Nothing here is protected yet (see protection)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

import pandas as pd
from django.conf import settings
from django.db.models import Count, Max, Q, Sum

from catalogue.models import Area, AreaCode, Country, Language, NationalityGroup, Source
from reports.indicators.periods import _column_of, _period_columns, _spans
from reports.indicators.query import ALL_AREAS, DIMENSIONS, NESTED, NOT_RECORDED, TOTAL
from requests_app.models import Observation, Return
from sharing.disclosure import Protected, Relation, Table


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


def live_returns(area: Area, source: Source | list[Source]):
    """The processed, current returns of the source, or of any of the sources."""
    return Return.objects.filter(
        status=Return.Status.DONE,
        superseded=False,
        request__agency__area=area,
        **({"request__source__in": source} if isinstance(source, list) else {"request__source": source}),
    )


def observations_of(area: Area, source: Source):
    return Observation.objects.filter(
        source_return__status=Return.Status.DONE,
        source_return__superseded=False,
        source_return__request__agency__area=area,
        source_return__request__source=source,
    )


class Live(NamedTuple):
    """What a page needs of a source's processed, current returns, read with the other sources' at once."""

    returns: tuple  # how many, their ids' sum and newest, the newest status change: the cache key's part
    names: dict  # how many names of areas the authority has, and the newest: the cache key's other part
    agencies: int
    threshold: int
    counts: int  # how many counts the returns hold: the size of the work to protect them


def live_of(area: Area, sources: list[Source]) -> dict[int, Live]:
    """Source id -> its live returns summed up in the database, for every source in two queries:
    a page needs their marks and sizes, never the rows themselves."""
    found = {
        row.pop("request__source_id"): row
        for row in live_returns(area, sources)
        .values("request__source_id")
        .annotate(
            n=Count("pk"),
            ids=Sum("pk"),
            newest=Max("pk"),
            changed=Max("status_changed_at"),
            counts=Sum("observation_count"),
            agencies=Count("request__agency_id", distinct=True),
            request=Max("request__reporting_threshold"),
            agreement=Max("agreement__reporting_threshold"),
        )
        .order_by()
    }
    names = AreaCode.objects.filter(area=area).aggregate(n=Count("pk"), last=Max("pk"))
    lives = {}
    for s in sources:
        row = found.get(s.pk, {})
        # The strictest threshold among the requests and the agreements under which the tables'
        # data came applies to all of it: one cell can mix several agencies' counts.
        strictest = max((t for t in (row.get("request"), row.get("agreement")) if t is not None), default=None)
        lives[s.pk] = Live(
            (row.get("n", 0), row.get("ids"), row.get("newest"), row.get("changed")),
            names,
            row.get("agencies", 0),
            strictest or settings.TRACKER_REPORTING_THRESHOLD,
            row.get("counts") or 0,
        )
    return lives


def _threshold(area: Area, source: Source) -> int:
    return live_of(area, [source])[source.pk].threshold


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


def _read(area: Area, source: Source) -> dict[str, tuple[Master, Table]]:
    """Every dimension's master of the source, not yet protected, with its table of counts."""
    stock = _is_stock(area, source)
    return {
        code: found
        for code, (_, column, _) in DIMENSIONS.items()
        if code != "area" and (found := _master(area, source, column, stock)) is not None
    }
