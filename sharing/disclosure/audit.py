"""Auditing a publication: how far a reader can narrow each suppressed cell, using every relation."""

from __future__ import annotations

import math
from collections.abc import Collection, Hashable, Iterable, Mapping

import numpy as np

from .proof import Prover
from .system import FEASIBLE, System, checked_links
from .tables import (
    TOLERANCE,
    DisclosureRefused,
    Progress,
    Relation,
    Witnesses,
    check_rounding,
    check_threshold,
    describe,
)

# The refusal message names this many cells at most, so it stays readable.
_CELLS_NAMED = 5


def audit(
    published: dict[Hashable, int | None],
    relations: list[Relation],
    *,
    rounding: int | None = None,
    shared: Collection[Hashable] = (),
) -> dict[Hashable, tuple[float, float]]:
    """The range a reader can narrow each suppressed cell to, using every relation and published figure.

    `shared` names the cells that tables published side by side have in common; the audit needs no
    such hint (it is kept for callers that give one) and its result never depends on it.
    """
    check_rounding(rounding)
    links = checked_links(published, relations)
    system = System(links, links.vector(published), rounding)
    prover = Prover(system, threshold=math.inf)
    suppressed = np.flatnonzero(system.suppressed)
    prover.explore(suppressed, rounds=2)  # tables seen at the ends of many ranges spare their own solves
    return {links.cells[system.cells[i]]: prover.range(i) for i in suppressed}


def check(
    published: dict[Hashable, int | None],
    relations: list[Relation],
    *,
    threshold: int,
    rounding: int | None = None,
    shared: Collection[Hashable] = (),
    progress: Progress | None = None,
    consistent: Mapping[Hashable, int] | None = None,
    evidence: Iterable[Witnesses] = (),
) -> None:
    """Raises DisclosureRefused when a suppressed cell can be narrowed below the threshold; `shared` as for audit.

    `consistent`, if given, is a table the caller knows to agree with the publication (protect
    gives the true counts). Once checked to agree, it is where the search for wide ranges starts,
    which spares solving for such a table: it is evidence like any other, never taken on trust.
    `evidence` is more such tables, each given as where it differs from `consistent` (protect
    gives the tables its own proof saw): those that satisfy every relation and bound count as
    seen, and every cell they do not show wide is proven here from the equations.
    """
    check_rounding(rounding)
    check_threshold(threshold)
    # A fresh system of equations, independent of how the pattern was found. Deciding "at least
    # threshold wide" needs fewer solves than measuring each range exactly, as audit does.
    links = checked_links(published, relations)
    figures = links.vector(published)
    system = System(links, figures, rounding)
    point = None if consistent is None else _agreeing(system, figures, consistent)
    prover = Prover(system, threshold, point)
    if point is not None:
        for witnesses in evidence:
            prover.admit(*_verified(system, point, witnesses))
    suppressed = np.flatnonzero(system.suppressed)
    prover.explore(suppressed)
    narrow = []
    decided = prover.wide(suppressed)
    done = int(decided.sum())
    if progress and done:
        progress("checking", done, len(suppressed))
    for i in suppressed[~decided]:
        if (found := prover.narrow(i)) is not None:
            low, high, _ = found
            narrow.append((links.cells[system.cells[i]], low, high))
        done += 1
        if progress:
            progress("checking", done, len(suppressed))
    if narrow:
        named = "; ".join(describe(*found) for found in narrow[:_CELLS_NAMED])
        more = f" (and {len(narrow) - _CELLS_NAMED} more)" if len(narrow) > _CELLS_NAMED else ""
        raise DisclosureRefused(
            f"This table cannot be published: from the published figures and totals, {named}{more}. "
            f"Every suppressed count must be uncertain by at least {threshold}, so more cells need suppressing."
        )


def _agreeing(system: System, figures: np.ndarray, table: Mapping[Hashable, int]) -> np.ndarray | None:
    """The table's counts of the system's unknowns if it satisfies every relation and shows every
    published figure, else None."""
    counts = np.array([table.get(cell, math.nan) for cell in system.links.cells], float)
    unknown = np.zeros(len(counts), bool)
    unknown[system.cells] = True
    inside = counts[system.cells]
    if (
        np.isnan(counts).any()
        or np.abs(system.links.matrix @ counts).max(initial=0.0) > TOLERANCE
        or (counts[~unknown] != figures[~unknown]).any()
        or (inside < system.lower - TOLERANCE).any()
        or (inside > system.upper + TOLERANCE).any()
    ):
        return None
    return inside


def _verified(system: System, point: np.ndarray, witnesses: Witnesses) -> tuple[np.ndarray, np.ndarray]:
    """The system's unknowns the witnesses give, and those of their tables that, with the point's
    values elsewhere, satisfy every relation and bound within the solver's tolerance."""
    index = system.links.index
    cells = np.array([index.get(cell, -1) for cell in witnesses.cells], int)
    unknowns = np.searchsorted(system.cells, cells).clip(max=max(len(system.cells) - 1, 0))
    values = np.asarray(witnesses.values, float)
    if (
        not len(system.cells)
        or values.ndim != 2
        or values.shape[1] != len(cells)
        or (system.cells[unknowns] != cells).any()  # a cell that is published, or no cell of the table
        or len(np.unique(cells)) != len(cells)
    ):
        return unknowns[:0], values[:0]
    # The point satisfies every relation; a table differing from it by `change` does if the change does.
    change = values - point[unknowns]
    missed = np.abs(system.matrix[:, unknowns] @ change.T).max(axis=0, initial=0.0)
    inside = (values >= system.lower[unknowns] - FEASIBLE) & (values <= system.upper[unknowns] + FEASIBLE)
    return unknowns, values[(missed <= FEASIBLE) & inside.all(axis=1) & np.isfinite(values).all(axis=1)]
