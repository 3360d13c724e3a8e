"""Showing that suppressed cells range widely enough, with as few and as small LPs as possible.

Every LP solution is a table consistent with the publication, and so is the point the prover
starts from (the true table, or one solved for): the values each unknown takes across the tables
seen so far bound its range from inside. A cell whose seen values are already `threshold` apart
(in whole numbers) needs no LP of its own. To see wide spreads cheaply, the undecided cells are
solved for their sum a few times, with signs that change from round to round (first all up, then
all down, then at random): each solve drives many cells to the ends of their ranges at once.
Those sums are solved by the interior-point method without crossover (see Model.spread): on a
component of thousands of unknowns a round takes a tenth of a second where the simplex took
seconds, so many rounds are cheaper than the per-cell LPs they spare.

The LPs are those of whole components. Tried and measured: LPs over a ball of nearby unknowns,
every other unknown held at the true value (a restriction, so sound), prove almost nothing in a
heavily suppressed council table: its suppressed cells are mostly below the threshold, and what
keeps each uncertain is freedom along long chains across the whole table, not a small hypercube.
"""

from __future__ import annotations

import math
from functools import cached_property

import numpy as np

from .system import Model, System
from .tables import TOLERANCE

# Rounds of sums per block; a round that decides fewer cells than this ends them, as solving
# those cells one by one costs no more (measured: a round costs about as much as three per-cell LPs).
_ROUNDS = 40
_WORTH_A_ROUND = 3

# Tables kept before those no longer giving any unknown an end of its range are let go.
_KEPT = 64


class Prover:
    def __init__(self, system: System, threshold: float, point: np.ndarray | None = None):
        """`point`, if given, is a table known to be consistent with the publication (the truth)."""
        self.system, self.threshold = system, threshold
        self.models: dict[int, Model] = {}
        self.low = np.full(len(system.cells), math.inf)
        self.high = np.full(len(system.cells), -math.inf)
        # The tables seen, each as the unknowns it was solved over and their values (elsewhere it is
        # the point), and which of them gave each unknown its least and greatest value (-1: the point).
        self.tables: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.low_at = np.full(len(system.cells), -1)
        self.high_at = np.full(len(system.cells), -1)
        self._seen_count, self._kept = 0, _KEPT
        self.point = self._some_table() if point is None else point.astype(float)
        self.low, self.high = np.minimum(self.low, self.point), np.maximum(self.high, self.point)

    def wide(self, unknowns: np.ndarray) -> np.ndarray:
        """Whether each unknown's seen values already span the threshold, counting whole numbers only."""
        low, high = self.low[unknowns], self.high[unknowns]
        spread = np.floor(high + TOLERANCE) - np.ceil(low - TOLERANCE)
        return self.system.unbounded(high) | (spread >= self.threshold - TOLERANCE)

    def explore(self, unknowns: np.ndarray, rounds: int = _ROUNDS) -> None:
        """Solves for sums of the undecided unknowns (see the module's docstring)."""
        unknowns = unknowns[~self.wide(unknowns)]
        components = self.system.component[unknowns]
        for component in np.unique(components):
            pending = unknowns[components == component]
            self._rounds(self.model(component), pending, rounds, int(component))

    def narrow(self, unknown: int) -> tuple[float, float, list[int]] | None:
        """The unknown's range (or one containing it) and the relations pinning it down if narrower
        than the threshold, else None. Solves only as much as needed to decide."""
        if self.wide(np.array([unknown]))[0]:
            return None
        model = self.model(self.system.component[unknown])
        low, binding_low = self._low(model, unknown)
        if self.wide(np.array([unknown]))[0]:
            return None
        high, binding_high = self._optimum(model, unknown, -1.0)
        return (low, high, binding_low + binding_high) if high - low < self.threshold - TOLERANCE else None

    def range(self, unknown: int) -> tuple[float, float]:
        """The unknown's exact range, narrowed inward to whole numbers."""
        model = self.model(self.system.component[unknown])
        low, _ = self._low(model, unknown)
        high, _ = self._optimum(model, unknown, -1.0)
        return low, high

    def admit(self, unknowns: np.ndarray, tables: np.ndarray) -> None:
        """Counts tables known to be consistent with the publication as seen: each row of `tables`
        gives `unknowns`' values, the others being the point's."""
        for table in tables:
            self._seen(unknowns, table)

    def evidence(self, unknowns: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """The tables that give these unknowns their seen ranges, grouped by the unknowns they were
        solved over: those unknowns, and one row of their values per table."""
        used = np.unique(np.concatenate([self.low_at[unknowns], self.high_at[unknowns]]))
        grouped: dict[int, tuple[np.ndarray, list[np.ndarray]]] = {}
        for key in used[used >= 0]:
            columns, table = self.tables[int(key)]
            grouped.setdefault(id(columns), (columns, []))[1].append(table)
        return [(columns, np.array(tables)) for columns, tables in grouped.values()]

    def _rounds(self, model: Model, pending: np.ndarray, rounds: int, seed: int) -> None:
        local = np.searchsorted(model.columns, pending)
        rng = np.random.default_rng(seed)  # the same signs every run: deterministic
        for round_ in range(rounds):
            undecided = local[~self.wide(pending)] if round_ else local
            if len(undecided) < _WORTH_A_ROUND:
                return
            signs = [-1.0, 1.0][round_] if round_ < 2 else rng.choice([-1.0, 1.0], len(undecided))
            cost = np.zeros(len(model.columns))
            cost[undecided] = signs
            point = model.spread(cost)
            if point is None:
                self._solve(model, cost)
            else:
                self._seen(model.columns, point)
            decided = len(undecided) - int((~self.wide(model.columns[undecided])).sum())
            if round_ >= 2 and decided < _WORTH_A_ROUND:
                return

    def _low(self, model: Model, unknown: int) -> tuple[float, list[int]]:
        floor = self.system.lower[unknown]
        # A consistent table already seen with the cell at its lower bound proves that is the minimum,
        # and no relation holds it there.
        return (float(floor), []) if self.low[unknown] <= floor + TOLERANCE else self._optimum(model, unknown, 1.0)

    def _optimum(self, model: Model, unknown: int, sense: float, consistent: bool = True) -> tuple[float, list[int]]:
        """Minimum (sense 1) or maximum (sense -1) of the unknown over the model's tables, narrowed
        inward to a whole number; and the relations that bind at the optimum (non-zero dual value):
        relaxing them, by suppressing one of their published cells, is what can widen the range."""
        cost = np.zeros(len(model.columns))
        cost[np.searchsorted(model.columns, unknown)] = sense
        value, duals = self._solve(model, cost, consistent)
        optimum = sense * value
        binding = [int(row) for row in self.system.rows[model.rows[np.abs(duals) > TOLERANCE]]]
        if sense < 0 and self.system.unbounded(optimum):
            return math.inf, binding
        # Counts are whole numbers: a minimum of 2.4 means at least 3, a maximum of 8.6 at most 8
        # (the tolerance keeps 6.999999999 a 7).
        return float(math.ceil(optimum - TOLERANCE) if sense > 0 else math.floor(optimum + TOLERANCE)), binding

    def _solve(self, model: Model, cost: np.ndarray, consistent: bool = True) -> tuple[float, np.ndarray]:
        value, solution, duals = model.solve(cost)
        if consistent:  # a relaxation's solutions may be tables no reader could see
            self._seen(model.columns, solution)
        return value, duals

    def _seen(self, columns: np.ndarray, table: np.ndarray) -> None:
        lower, higher = table < self.low[columns], table > self.high[columns]
        if not (lower.any() or higher.any()):
            return
        key = self._seen_count
        self._seen_count += 1
        self.tables[key] = (columns, table)
        self.low_at[columns[lower]], self.high_at[columns[higher]] = key, key
        self.low[columns] = np.minimum(self.low[columns], table)
        self.high[columns] = np.maximum(self.high[columns], table)
        if len(self.tables) >= 2 * self._kept:
            # Only the tables still giving some unknown an end of its seen range are evidence.
            used = set(np.unique(np.concatenate([self.low_at, self.high_at])).tolist())
            self.tables = {key: found for key, found in self.tables.items() if key in used}
            self._kept = max(_KEPT, len(self.tables))

    def model(self, component: int) -> Model:
        if component not in self.models:
            columns, rows = self._members
            self.models[component] = Model(self.system, columns[component], rows[component])
        return self.models[component]

    def _some_table(self) -> np.ndarray:
        """A table consistent with the publication, solved for component by component."""
        point = np.zeros(len(self.system.cells))
        for component in range(len(self._members[0])):
            model = self.model(component)
            _, solution, _ = model.solve(np.zeros(len(model.columns)))
            point[model.columns] = solution
        return point

    @cached_property
    def _members(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Each component's unknowns and equations, in order."""
        size = int(self.system.component.max(initial=-1)) + 1
        return _grouped(self.system.component, size), _grouped(self.system.row_component, size)


def _grouped(labels: np.ndarray, size: int) -> list[np.ndarray]:
    if not size:
        return []
    order = np.argsort(labels, kind="stable")
    return np.split(order, np.searchsorted(labels[order], np.arange(1, size)))
