"""Hierarchical count tables (grids) shaped like a council's, for the protection benches.

A grid is a product of dimensions (say ward x nationality x period), each a hierarchy of codes
(a ward in the council, a quarter in its year in the whole period), with a count for every
combination of leaves. Every combination of nodes is a published cell, the sum of the leaves
under it, and every parent is the sum of its children along each dimension: the table a reader
sees, and the relations a reader can use. Grids are what both protection engines in the benches
read: ours through `table`, tau-ARGUS through its own input files.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from functools import cached_property

from sharing.disclosure import Relation, Table

TOTAL = "Total"


@dataclass(frozen=True)
class Dimension:
    """`children` maps each parent code to its children's codes; the root is TOTAL."""

    name: str
    children: dict[str, tuple[str, ...]]

    @cached_property
    def nodes(self) -> list[str]:
        found = [TOTAL]
        for node in found:
            found += self.children.get(node, ())
        return found

    @cached_property
    def leaves(self) -> list[str]:
        return [node for node in self.nodes if node not in self.children]

    @cached_property
    def ancestors(self) -> dict[str, list[str]]:
        """Each node with the nodes above it, itself first."""
        found = {TOTAL: [TOTAL]}
        for node in self.nodes:
            for child in self.children.get(node, ()):
                found[child] = [child, *found[node]]
        return found

    @cached_property
    def leaves_under(self) -> dict[str, list[str]]:
        under = {leaf: [leaf] for leaf in self.leaves}
        for node in reversed(self.nodes):
            if node in self.children:
                under[node] = [leaf for child in self.children[node] for leaf in under[child]]
        return under


def flat(name: str, codes: list[str]) -> Dimension:
    return Dimension(name, {TOTAL: tuple(codes)})


def grouped(name: str, groups: dict[str, list[str]]) -> Dimension:
    return Dimension(name, {TOTAL: tuple(groups)} | {group: tuple(members) for group, members in groups.items()})


@dataclass(frozen=True)
class Grid:
    dimensions: tuple[Dimension, ...]
    counts: dict[tuple[str, ...], int]  # leaf coordinates -> count; missing combinations count 0

    @property
    def cells(self) -> int:
        size = 1
        for dimension in self.dimensions:
            size *= len(dimension.nodes)
        return size

    def value(self, cell: tuple[str, ...]) -> int:
        spans = [dimension.leaves_under[code] for dimension, code in zip(self.dimensions, cell, strict=True)]
        return sum(self.counts.get(leaf, 0) for leaf in itertools.product(*spans))


def table(grid: Grid) -> Table:
    """The grid as our engine's Table: cells keyed by their tuple of codes."""
    nodes = [dimension.nodes for dimension in grid.dimensions]
    values = dict.fromkeys(itertools.product(*nodes), 0)
    for leaf, count in grid.counts.items():
        above = [dimension.ancestors[code] for dimension, code in zip(grid.dimensions, leaf, strict=True)]
        for cell in itertools.product(*above):
            values[cell] += count
    relations = []
    for axis, dimension in enumerate(grid.dimensions):
        others = [nodes[i] for i in range(len(nodes)) if i != axis]
        for parent, children in dimension.children.items():
            for rest in itertools.product(*others):
                before, after = rest[:axis], rest[axis:]
                total = (*before, parent, *after)
                relations.append(Relation(total, tuple((*before, child, *after) for child in children)))
    return Table(values, relations)


def periods(years: int, *, quarters: bool = True) -> Dimension:
    """Quarters (or months) within financial years within the whole period."""
    per_year = 4 if quarters else 12
    label = "Q" if quarters else "M"
    names = [f"{2021 + y}-{(22 + y) % 100:02d}" for y in range(years)]
    return Dimension(
        "period",
        {TOTAL: tuple(names)} | {name: tuple(f"{name} {label}{p + 1}" for p in range(per_year)) for name in names},
    )


def council(wards: int, field: Dimension, period: Dimension, *, people: int = 60, seed: int = 1) -> Grid:
    """Ward x field x period counts as an agency returns them: each ward and period has about
    `people` people, split unevenly across the field's values (a few common, a long tail of small
    counts and zeros), which is what makes small cells and so suppression."""
    rng = random.Random(seed)
    ward = flat("ward", [f"E05{9000000 + w:06d}" for w in range(wards)])
    weights = [1 / (rank + 1) ** 1.2 for rank in range(len(field.leaves))]
    counts = {}
    for w, p in itertools.product(ward.leaves, period.leaves):
        shuffled = rng.sample(field.leaves, len(field.leaves))
        for value, weight in zip(shuffled, weights, strict=True):
            if count := _poisson(rng, people * weight / sum(weights)):
                counts[w, value, p] = count
    return Grid((ward, field, period), counts)


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method, fine for the small means of a count split many ways; a normal beyond.
    if mean > 30:
        return max(0, round(rng.gauss(mean, mean**0.5)))
    limit, k, product = pow(2.718281828459045, -mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def wards(count: int) -> Dimension:
    return flat("ward", [f"E05{9000000 + w:06d}" for w in range(count)])


def source(
    ward: Dimension, fields: list[Dimension], period: Dimension, *, people: int = 60, seed: int = 1
) -> list[Grid]:
    """One agency's return by every field: ward x field x period grids counting the same people,
    so that every grid has the same ward x period margin (the cells where the field is TOTAL).
    Each ward and period has about `people` people, split unevenly across each field's values as
    `council` splits them."""
    rng = random.Random(seed)
    counts: list[dict[tuple[str, ...], int]] = [{} for _ in fields]
    for w, p in itertools.product(ward.leaves, period.leaves):
        people_here = _poisson(rng, people)
        for found, dimension in zip(counts, fields, strict=True):
            weights = [1 / (rank + 1) ** 1.2 for rank in range(len(dimension.leaves))]
            shuffled = rng.sample(dimension.leaves, len(dimension.leaves))
            for value, count in zip(shuffled, _split(rng, people_here, weights), strict=True):
                if count:
                    found[w, value, p] = count
    return [Grid((ward, dimension, period), found) for dimension, found in zip(fields, counts, strict=True)]


def joined(grids: list[Grid]) -> Table:
    """The grids of one source as one Table, as the tracker protects them: a cell whose field is
    TOTAL (the ward x period margin) is the same cell, with the same key, in every grid. The
    fields' codes must differ, so that no other key is shared."""
    values, relations = {}, {}
    for grid in grids:
        one = table(grid)
        values |= one.values
        relations |= dict.fromkeys(one.relations)
    return Table(values, list(relations))


def margin(grids: list[Grid]) -> Grid:
    """The ward x period margin the grids share, as a grid of its own: what the tracker protects
    first, so that every field's table shows the same margin cells suppressed."""
    ward, _, period = grids[0].dimensions
    counts: dict[tuple[str, ...], int] = {}
    for (w, _, p), count in grids[0].counts.items():
        counts[w, p] = counts.get((w, p), 0) + count
    return Grid((ward, period), counts)


def _split(rng: random.Random, total: int, weights: list[float]) -> list[int]:
    """A multinomial draw: `total` people, each falling in a value with probability by weight."""
    found = [0] * len(weights)
    for chosen in rng.choices(range(len(weights)), weights=weights, k=total):
        found[chosen] += 1
    return found
