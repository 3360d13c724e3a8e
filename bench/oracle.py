"""Our protection engine beside tau-ARGUS's OPT and MOD, both judged by our own audit.

For each table: cells, cells suppressed, the sum of their counts (what readers lose), seconds,
and exposures (suppressed cells a reader can narrow to a range under the threshold, by our
audit of the published figures); then ours / tau-ARGUS OPT for cells suppressed and seconds.
Isolated two-way tables with margins first, then council-shaped ward x nationality (in groups)
x quarter (in years) tables. Figures are printed; nothing is asserted.

    python bench/oracle.py              # every size
    python bench/oracle.py 5x10 3x8x1   # some: rows x columns, or wards x nationalities x years
"""

from __future__ import annotations

import itertools
import sys
import time
from collections.abc import Callable, Collection, Hashable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import tauargus
from bench.grids import Dimension, Grid, council, flat, grouped, periods, table
from sharing.disclosure import DisclosureRefused, Policy, Table, audit, check, protect

THRESHOLD = 10
TWO_WAY = ["5x10", "10x20", "20x50", "40x100"]
COUNCIL = ["3x8x1", "4x12x1", "6x12x2"]
# Nationalities come in groups of a few (EU8, EU2, ...), of uneven size.
_GROUP_SIZES = (5, 3, 4, 2, 6)


@dataclass(frozen=True)
class Figures:
    engine: str
    cells: int
    suppressed: int
    lost: int  # the sum of the suppressed counts
    seconds: float
    exposures: int
    exposed_primary: int = 0  # of those, how many are small counts themselves
    failed: str = ""  # why the engine gave no pattern

    def line(self) -> str:
        if self.failed:
            return f"  {self.engine:<10} {self.cells:>7} cells: {self.failed}"
        return (
            f"  {self.engine:<10} {self.cells:>7} cells {self.suppressed:>6} suppressed {self.lost:>7} lost"
            f" {self.seconds:>9.2f} s {self.exposures:>4} exposures ({self.exposed_primary} primary)"
        )


def exposures(table: Table, suppressed: Collection[Hashable], threshold: int) -> dict[Hashable, tuple[float, float]]:
    """The suppressed cells a reader can narrow below `threshold`, with the range our audit finds for each."""
    published = {cell: None if cell in suppressed else value for cell, value in table.values.items()}
    try:
        check(published, table.relations, threshold=threshold)  # decides with fewer solves than measuring
    except DisclosureRefused:
        ranges = audit(published, table.relations)
        return {cell: (low, high) for cell, (low, high) in ranges.items() if high - low < threshold}
    return {}


def judged(engine: str, table: Table, suppressed: Collection[Hashable], seconds: float, threshold: int) -> Figures:
    lost = sum(table.values[cell] for cell in suppressed)
    found = exposures(table, suppressed, threshold)
    primary = sum(0 < table.values[cell] < threshold for cell in found)
    return Figures(engine, len(table.values), len(suppressed), lost, seconds, len(found), primary)


def ours(grid: Grid, threshold: int = THRESHOLD) -> Figures:
    counts = table(grid)
    start = time.perf_counter()
    try:
        protected = protect(counts, Policy(threshold=threshold))
    except DisclosureRefused:
        return Figures("ours", len(counts.values), 0, 0, time.perf_counter() - start, 0, "refused the table")
    seconds = time.perf_counter() - start
    return judged("ours", counts, protected.primary | protected.secondary, seconds, threshold)


def oracle(grid: Grid, threshold: int = THRESHOLD, method: Callable = tauargus.opt) -> Figures:
    """tau-ARGUS's pattern (OPT unless told) judged by our audit; its seconds are its own run's."""
    try:
        pattern = method(grid, threshold)
    except tauargus.TauArgusFailed as failure:
        return Figures(f"tau {method.__name__.upper()}", grid.cells, 0, 0, 0.0, 0, str(failure))
    return judged(f"tau {pattern.method}", table(grid), pattern.suppressed, pattern.seconds, threshold)


def two_way(rows: int, columns: int, *, seed: int = 1) -> Grid:
    """Rows of uneven size, columns of uneven popularity (a few common, a long tail): small cells and zeros."""
    rng = np.random.default_rng(seed)
    size = rng.uniform(0.5, 1.5, rows)
    popularity = rng.permutation(1 / np.arange(1, columns + 1) ** 0.7)
    means = 15 * columns * np.outer(size, popularity / popularity.sum())
    counts = rng.poisson(means)
    row, column = flat("row", [f"r{i}" for i in range(rows)]), flat("column", [f"c{j}" for j in range(columns)])
    return Grid(
        (row, column),
        {(row.leaves[i], column.leaves[j]): int(counts[i, j]) for i, j in zip(*np.nonzero(counts), strict=True)},
    )


def nationalities(count: int) -> Dimension:
    """`count` (two or more) nationalities in groups of uneven size, none of one: a group of one is its member."""
    groups, taken = {}, 0
    for size in itertools.cycle(_GROUP_SIZES):
        size = min(size, count - taken)
        if size == 0:
            break
        members = [f"nationality {taken + k + 1}" for k in range(size)]
        if size == 1 and groups:
            groups[f"group {len(groups)}"] += members
        else:
            groups[f"group {len(groups) + 1}"] = members
        taken += size
    return grouped("nationality", groups)


def grid(size: str) -> Grid:
    sides = [int(side) for side in size.split("x")]
    if len(sides) == 2:
        return two_way(*sides)
    wards, count, years = sides
    return council(wards, nationalities(count), periods(years))


def compare(size: str, threshold: int = THRESHOLD) -> list[Figures]:
    chosen = grid(size)
    found = [ours(chosen, threshold), oracle(chosen, threshold), oracle(chosen, threshold, tauargus.mod)]
    print(f"{size} ({len(chosen.dimensions)}-way, {chosen.cells} cells)")
    for figures in found:
        print(figures.line())
    mine, best = found[0], found[1]
    if not mine.failed and not best.failed and best.suppressed:
        print(
            f"  ours / tau OPT: {mine.suppressed / best.suppressed:.2f} x the cells suppressed,"
            f" {mine.seconds / best.seconds:.1f} x the seconds"
        )
    return found


def main(sizes: list[str]) -> None:
    for size in sizes:
        start = time.perf_counter()
        compare(size)
        print(f"  ({time.perf_counter() - start:.0f} s with the audits)", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:] or TWO_WAY + COUNCIL)
