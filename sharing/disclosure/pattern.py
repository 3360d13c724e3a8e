"""Choosing which cells to suppress: the small ones, then complements until every one is safe."""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from .audit import audit, check
from .proof import Prover
from .system import Links, System
from .tables import DisclosureRefused, Policy, Progress, Relation, Table, Witnesses, describe, name, round_to


@dataclass
class Protected:
    published: dict[Hashable, int | None]
    primary: set[Hashable]
    secondary: set[Hashable]
    relations: list[Relation]
    policy: Policy

    @cached_property
    def ranges(self) -> dict[Hashable, tuple[float, float]]:
        """How far the table's relations let a reader narrow each suppressed cell. Measured only when
        asked for: it takes up to two LPs a cell."""
        return audit(self.published, self.relations, rounding=self.policy.rounding)

    def frame(self, table: Table) -> pd.DataFrame:
        if not table.rows or not table.columns:
            raise ValueError("Only tables built with Table.two_way can be laid out as rows and columns.")
        cells = [[self.published[row, col] for col in table.columns] for row in table.rows]
        return pd.DataFrame(cells, index=table.rows, columns=table.columns, dtype=object)


def protect(
    table: Table,
    policy: Policy,
    *,
    fixed: Mapping[Hashable, bool] | None = None,
    hide: Collection[Hashable] = (),
    progress: Progress | None = None,
) -> Protected:
    """`fixed` names cells whose fate another published table has already decided (True:
    suppressed there, False: published there), so that both tables show the same cells alike.
    When the table is several tables joined, protected together, those are the cells they share.
    `hide` names cells to suppress as small whatever their count: say a count known only in part,
    whose true value may be small."""
    values, threshold = table.values, policy.threshold
    primary = {
        cell for cell, value in values.items() if 0 < value < threshold or (value == 0 and policy.suppress_zeros)
    }
    fixed = dict(fixed or {})
    unknown = [cell for cell in [*fixed, *hide] if cell not in values]
    primary |= set(hide)
    if unknown:
        raise ValueError(f"{name(unknown[0])} is fixed or hidden but is not a cell of the table.")
    clash = [cell for cell in primary if fixed.get(cell) is False]
    if clash:
        raise ValueError(
            f"{name(clash[0])} is small enough to suppress here but was published elsewhere: use one threshold."
        )
    links = Links(values, table.relations)
    chooser = _Chooser(links, values, policy, keep={cell for cell, hidden in fixed.items() if not hidden})
    for cell in sorted(primary | {cell for cell, hidden in fixed.items() if hidden}, key=links.index.__getitem__):
        chooser.suppress(links.index[cell])
    truth = np.array(list(values.values()), float)
    # Suppressing another cell only loosens the audit's constraints, so a cell once shown safe stays
    # safe, and the tables that showed it (consistent with this pattern) stay consistent with the next.
    safe = np.zeros(len(links.cells), bool)
    evidence: list[Witnesses] = []
    while True:
        chooser.add_classic_complements()
        published = _publish(values, chooser.suppressed, policy.rounding)
        system = System(links, links.vector(published), policy.rounding)
        prover = Prover(system, threshold, point=truth[system.cells])
        pending = np.flatnonzero(system.suppressed & ~safe[system.cells])
        prover.explore(pending)
        narrow, shown = [], []
        for i, wide in zip(pending, prover.wide(pending), strict=True):
            found = None if wide else prover.narrow(i)
            if found is None:
                safe[system.cells[i]] = True
                shown.append(i)
                if progress:
                    progress("choosing", int(safe.sum()), int(chooser.suppressed.sum()))
            else:
                narrow.append((int(system.cells[i]), *found))
        evidence += [
            Witnesses(tuple(links.cells[cell] for cell in system.cells[unknowns]), tables)
            for unknowns, tables in prover.evidence(np.array(shown, int))
        ]
        if not narrow:
            break
        chooser.add_complements(narrow)
    # An independent final audit, which verifies the proof's tables before it counts them.
    check(
        published,
        table.relations,
        threshold=threshold,
        rounding=policy.rounding,
        progress=progress,
        consistent=values,
        evidence=evidence,
    )
    suppressed = {links.cells[i] for i in np.flatnonzero(chooser.suppressed)}
    return Protected(published, primary, suppressed - primary, table.relations, policy)


class _Chooser:
    """Picks complementary suppressions, losing as little published information as possible.

    Works on cell and relation numbers (see Links), keeping for each relation how many of its cells
    are suppressed and the sum of its suppressed parts, so that no choice rescans the table."""

    def __init__(self, links: Links, values: dict[Hashable, int], policy: Policy, keep: set[Hashable]):
        self.threshold, self.rounding = policy.threshold, policy.rounding
        self.keys, self.values = links.cells, np.array(list(values.values()))
        relations = links.relations
        self.cells = [list(dict.fromkeys(links.index[cell] for cell in relation.cells)) for relation in relations]
        self.parts = [[links.index[part] for part in relation.parts] for relation in relations]
        self.total = np.array([links.index[relation.total] for relation in relations], int)
        self.touching: list[list[int]] = [[] for _ in links.cells]
        for row, cells in enumerate(self.cells):
            for cell in cells:
                self.touching[cell].append(row)
        # Published elsewhere already: never a complement here. Nor is a cell that a relation ties to
        # such cells alone: that relation would give it away again.
        kept = np.zeros(len(links.cells), bool)
        kept[[links.index[cell] for cell in keep]] = True
        self.keep = kept.copy()
        for cells in self.cells:
            free = [cell for cell in cells if not kept[cell]]
            if len(free) == 1:
                self.keep[free[0]] = True
        self.is_total = np.zeros(len(links.cells), bool)
        self.is_total[self.total] = True
        self.suppressed = np.zeros(len(links.cells), bool)
        self.hidden = np.zeros(len(relations), int)  # suppressed cells of each relation
        self.hidden_parts = np.zeros(len(relations), int)  # the sum of its suppressed parts' counts
        self.queue = deque(range(len(relations)))
        self.queued = np.ones(len(relations), bool)

    def suppress(self, cell: int) -> None:
        self.suppressed[cell] = True
        for row in self.touching[cell]:
            self.hidden[row] += 1
            self.hidden_parts[row] += self.values[cell] * self.parts[row].count(cell)
            if not self.queued[row]:
                self.queued[row] = True
                self.queue.append(row)

    def add_classic_complements(self) -> None:
        """A relation with one suppressed cell gives it away by subtraction. Without rounding, one
        whose total is published also bounds each suppressed part by the sum of them all: below the
        threshold, that is too narrow whatever else is suppressed. Keep going until no relation is
        either."""
        while self.queue:
            row = self.queue.popleft()
            self.queued[row] = False
            if self.hidden[row] == 1 or (
                not self.rounding
                and self.hidden[row]
                and not self.suppressed[self.total[row]]
                and self.hidden_parts[row] < self.threshold
            ):
                complement = self._best([row])
                if complement is not None:
                    self.suppress(complement)

    def add_complements(self, narrow: list[tuple[int, float, float, list[int]]]) -> None:
        """A complement for each narrow cell, in table order; but a cell whose relations a complement
        chosen here has just loosened may be safe already, so it waits for the next audit."""
        loosened: set[int] = set()
        for cell, low, high, binding in narrow:
            if loosened.intersection(binding) or loosened.intersection(self.touching[cell]):
                continue
            complement = self._near(cell, binding)
            if complement is None:
                raise DisclosureRefused(
                    "No pattern of suppressed cells protects this table: "
                    f"{describe(self.keys[cell], low, high)}, even with every related cell suppressed. "
                    f"Every suppressed count must be uncertain by at least {self.threshold}. "
                    "Publish this table at a coarser level (merge areas or periods) instead."
                )
            self.suppress(complement)
            loosened.update(self.touching[complement])

    def _near(self, narrow: int, binding: list[int]) -> int | None:
        # The relations the solver reports as pinning the narrow cell down come first: they need not
        # contain it (a neighbour may be pinned instead), and other relations containing it may be slack.
        # Then any relation containing it, then any reaching a suppressed cell, since a bound can come
        # through a chain of them. Cells in no such relation cannot help.
        for rows in (binding, self.touching[narrow]):
            if (found := self._best(rows)) is not None:
                return found
        reachable = {row for cell in np.flatnonzero(self.suppressed) for row in self.touching[cell]}
        return self._best(sorted(reachable, key=lambda row: self.total[row]))

    def _best(self, rows: Iterable[int]) -> int | None:
        best = None
        for row in rows:
            # Suppressed parts hide among each other only as far as their sum allows; a complement
            # that brings that sum to the threshold closes the gap in one step.
            need = self.threshold - self.hidden_parts[row]
            for cell in self.cells[row]:
                if self.suppressed[cell] or self.keep[cell]:
                    continue
                value = int(self.values[cell])
                enough = value >= need
                # A cell whose other relations have no suppression yet would need a complement of its own there.
                opens = sum(not self.hidden[other] for other in self.touching[cell])
                # Totals are the most useful figures to readers, so last resort; zeros add no uncertainty to a sum.
                key = (bool(self.is_total[cell]), value == 0, opens, not enough, value if enough else -value, cell)
                if best is None or key < best[0]:
                    best = (key, cell)
        return None if best is None else best[1]


def _publish(values: dict[Hashable, int], suppressed: np.ndarray, rounding: int | None) -> dict[Hashable, int | None]:
    # Each figure is rounded from its true value, so rounded parts need not add to the rounded total.
    return {
        cell: None if hidden else round_to(value, rounding)
        for (cell, value), hidden in zip(values.items(), suppressed, strict=True)
    }
