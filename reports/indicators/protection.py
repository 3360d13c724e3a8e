"""The masters of a source protected together wherever a reader could combine them: the area and
period totals they share (the margin) decided once, then each linked part as one table."""

from collections import defaultdict
from collections.abc import Callable

import pandas as pd
from django.db.models import Count, Q, Sum

from catalogue.models import Area, Source
from reports.indicators.masters import (
    Master,
    _area_names,
    _group_sums,
    _is_stock,
    _label,
    _with_totals,
    _within_periods,
    observations_of,
)
from reports.indicators.periods import _period_columns
from reports.indicators.query import ALL_AREAS, DIMENSIONS, TOTAL
from sharing.disclosure import DisclosureRefused, Policy, Progress, Protected, Relation, Table, protect


def _maybe_small(table: Table, incomplete: set, policy: Policy) -> set:
    """Cells known only in part whose known part is below the threshold: the whole may be small too
    (a cell of nothing but an agency's "<5" has a known part of 0), so they are suppressed as small."""
    return {cell for cell in incomplete if cell in table.values and table.values[cell] < policy.threshold}


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
