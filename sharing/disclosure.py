"""Statistical disclosure control for the count tables a local authority publishes.

A small count (say 3 Romanian pupils in one ward) can identify people, so it is suppressed. But
published totals are linear relations between cells, and a reader can subtract, or solve a linear
programme, to recover a suppressed count. So this module suppresses the small cells (primary),
adds complementary suppressions (secondary) until a linear-programming audit shows that every
suppressed cell could lie anywhere in a range at least as wide as the threshold, and refuses the
table outright when no pattern achieves that. When figures are also rounded, the audit treats each
published figure as standing for every whole count that rounds to it. Counts are whole numbers, so
each range the linear programmes find is narrowed inward to whole numbers before it is judged.

Pure: no Django. Cells are identified by any hashable key; two-way tables use (row, column).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
from scipy.optimize import linprog
from scipy.sparse import bmat, coo_array
from scipy.sparse.csgraph import connected_components

# LP optima are floating point: a range of 9.9999999 is a range of 10.
_TOLERANCE = 1e-6
# Measured on indicator tables: HiGHS's presolve makes LPs of a few hundred unknowns half as slow
# again, breaks even at one to two thousand, and makes those of several thousand three times faster.
_PRESOLVE_ABOVE = 1500
# The refusal message names this many cells at most, so it stays readable.
_CELLS_NAMED = 5

# Told, as the audit goes, its stage ("choosing" complements or the final "checking"), how many
# suppressed cells it has shown safe so far and how many there are: large tables take minutes.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Relation:
    """Published cell `total` equals the sum of published cells `parts`."""

    total: Hashable
    parts: tuple[Hashable, ...]

    def __post_init__(self):
        object.__setattr__(self, "parts", tuple(self.parts))  # a list would make the relation unhashable

    @property
    def cells(self) -> tuple[Hashable, ...]:
        return (self.total, *self.parts)


@dataclass
class Table:
    values: dict[Hashable, int]
    relations: list[Relation]
    # Only tables built by two_way have a layout; Protected.frame needs one.
    rows: list[Hashable] = field(default_factory=list)
    columns: list[Hashable] = field(default_factory=list)

    def __post_init__(self):
        self.values = {key: _count(key, value) for key, value in self.values.items()}
        for relation in self.relations:
            for cell in relation.cells:
                if cell not in self.values:
                    raise ValueError(f"A relation refers to {_name(cell)}, which is not a cell of the table.")
            parts_sum = sum(self.values[part] for part in relation.parts)
            if self.values[relation.total] != parts_sum:
                # A relation that does not hold would make the audit reason about a different table.
                raise ValueError(
                    f"{_name(relation.total)} is {self.values[relation.total]} but its parts add up to {parts_sum}."
                )

    @classmethod
    def two_way(
        cls,
        counts: pd.DataFrame,
        *,
        row_groups: dict[str, list[str]] | None = None,
        col_groups: dict[str, list[str]] | None = None,
        total_label: str = "Total",
    ) -> Table:
        row_groups, col_groups = dict(row_groups or {}), dict(col_groups or {})
        leaf_rows, leaf_cols = list(counts.index), list(counts.columns)
        _check_labels("row", leaf_rows, row_groups, total_label)
        _check_labels("column", leaf_cols, col_groups, total_label)
        # Every published row (column) is the sum of some leaf rows (columns): itself, a group, or all.
        row_members = {row: [row] for row in leaf_rows} | row_groups | {total_label: leaf_rows}
        col_members = {col: [col] for col in leaf_cols} | col_groups | {total_label: leaf_cols}
        grid = counts.to_numpy(dtype=object)
        leaf = {
            (row, col): _count((row, col), grid[i, j])
            for i, row in enumerate(leaf_rows)
            for j, col in enumerate(leaf_cols)
        }
        rows, columns = list(row_members), list(col_members)
        values = {
            (row, col): sum(leaf[r, c] for r in row_members[row] for c in col_members[col])
            for row in rows
            for col in columns
        }
        sum_rows, sum_cols = [*row_groups, total_label], [*col_groups, total_label]
        relations = [
            Relation((row, col), tuple((row, c) for c in col_members[col])) for row in rows for col in sum_cols
        ]
        relations += [
            Relation((row, col), tuple((r, col) for r in row_members[row])) for col in columns for row in sum_rows
        ]
        return cls(values, relations, rows, columns)


@dataclass(frozen=True)
class Policy:
    threshold: int = 10
    rounding: int | None = None
    suppress_zeros: bool = False  # a true zero reveals no person, so zeros are published by default

    def __post_init__(self):
        _check_threshold(self.threshold)
        _check_rounding(self.rounding)


class DisclosureRefused(Exception):
    """The table cannot be published: the message says which counts could be worked out, and how closely."""


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
        asked for: it takes two LPs a cell, as long as protecting the table did."""
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
    values, relations, threshold = table.values, table.relations, policy.threshold
    primary = {
        cell for cell, value in values.items() if 0 < value < threshold or (value == 0 and policy.suppress_zeros)
    }
    fixed = dict(fixed or {})
    unknown = [cell for cell in [*fixed, *hide] if cell not in values]
    primary |= set(hide)
    if unknown:
        raise ValueError(f"{_name(unknown[0])} is fixed or hidden but is not a cell of the table.")
    clash = [cell for cell in primary if fixed.get(cell) is False]
    if clash:
        raise ValueError(
            f"{_name(clash[0])} is small enough to suppress here but was published elsewhere: use one threshold."
        )
    chooser = _Chooser(table, threshold, keep={cell for cell, hidden in fixed.items() if not hidden})
    shared = set(fixed)  # the cells this table shows with the others: see _Equations
    suppressed = primary | {cell for cell, hidden in fixed.items() if hidden}
    # Suppressing another cell only loosens the audit's constraints, so a cell once shown safe stays safe.
    safe: set[Hashable] = set()
    while True:
        chooser.add_classic_complements(suppressed)
        published = _publish(values, suppressed, policy.rounding)
        narrow = _first_narrow(published, relations, policy, safe, shared, progress)
        if narrow is None:
            break
        cell, low, high, binding = narrow
        complement = chooser.complement_near(cell, binding, suppressed)
        if complement is None:
            raise DisclosureRefused(
                "No pattern of suppressed cells protects this table: "
                f"{_describe(cell, low, high)}, even with every related cell suppressed. "
                f"Every suppressed count must be uncertain by at least {threshold}. "
                "Publish this table at a coarser level (merge areas or periods) instead."
            )
        suppressed.add(complement)
    # An independent final audit.
    check(published, relations, threshold=threshold, rounding=policy.rounding, shared=shared, progress=progress)
    return Protected(published, primary, suppressed - primary, relations, policy)


def audit(
    published: dict[Hashable, int | None],
    relations: list[Relation],
    *,
    rounding: int | None = None,
    shared: Collection[Hashable] = (),
) -> dict[Hashable, tuple[float, float]]:
    """The range a reader can narrow each suppressed cell to, using every relation and published figure.

    `shared` names the cells that tables published side by side (and audited here as one) have in
    common; it only makes the audit faster, never changes its result.
    """
    _check_rounding(rounding)
    equations = _Equations(published, relations, rounding, shared)
    return {cell: equations.range(cell) for cell, value in published.items() if value is None}


def check(
    published: dict[Hashable, int | None],
    relations: list[Relation],
    *,
    threshold: int,
    rounding: int | None = None,
    shared: Collection[Hashable] = (),
    progress: Progress | None = None,
) -> None:
    """Raises DisclosureRefused when a suppressed cell can be narrowed below the threshold; `shared` as for audit."""
    _check_rounding(rounding)
    _check_threshold(threshold)
    # A fresh system of equations, independent of how the pattern was found. Deciding "at least
    # threshold wide" needs fewer solves than measuring each range exactly, as audit does.
    equations = _Equations(published, relations, rounding, shared)
    narrow, suppressed = [], [cell for cell, value in published.items() if value is None]
    for done, cell in enumerate(suppressed):
        if (found := equations.narrow_range(cell, threshold)) is not None:
            low, high, _ = found
            narrow.append((cell, low, high))
        if progress:
            progress("checking", done + 1, len(suppressed))
    if narrow:
        named = "; ".join(_describe(*found) for found in narrow[:_CELLS_NAMED])
        more = f" (and {len(narrow) - _CELLS_NAMED} more)" if len(narrow) > _CELLS_NAMED else ""
        raise DisclosureRefused(
            f"This table cannot be published: from the published figures and totals, {named}{more}. "
            f"Every suppressed count must be uncertain by at least {threshold}, so more cells need suppressing."
        )


class _Chooser:
    """Picks complementary suppressions, losing as little published information as possible."""

    def __init__(self, table: Table, threshold: int, keep: set[Hashable] = frozenset()):
        self.values, self.relations, self.threshold = table.values, table.relations, threshold
        # Published elsewhere already: never a complement here. Nor is a cell that a relation ties to
        # such cells alone: that relation would give it away again.
        free = [[cell for cell in relation.cells if cell not in keep] for relation in table.relations]
        self.keep = keep | {cells[0] for cells in free if len(cells) == 1}
        self.order = {cell: i for i, cell in enumerate(table.values)}  # ties broken by table order: deterministic
        self.totals = {relation.total for relation in table.relations}
        self.touching: dict[Hashable, list[Relation]] = {}
        for relation in table.relations:
            for cell in dict.fromkeys(relation.cells):
                self.touching.setdefault(cell, []).append(relation)

    def add_classic_complements(self, suppressed: set[Hashable]) -> None:
        """A relation with one suppressed cell gives it away by subtraction; keep going until none has."""
        changed = True
        while changed:
            changed = False
            for relation in self.relations:
                if len(suppressed.intersection(relation.cells)) == 1:
                    complement = self._best([relation], suppressed)
                    if complement is not None:
                        suppressed.add(complement)
                        changed = True

    def complement_near(self, narrow: Hashable, binding: list[Relation], suppressed: set[Hashable]) -> Hashable | None:
        # The relations the solver reports as pinning the narrow cell down come first: they need not
        # contain it (a neighbour may be pinned instead), and other relations containing it may be slack.
        # Then any relation containing it, then any reaching a suppressed cell, since a bound can come
        # through a chain of them. Cells in no such relation cannot help.
        for relations in (binding, self.touching.get(narrow, [])):
            if (found := self._best(relations, suppressed)) is not None:
                return found
        reachable = dict.fromkeys(relation for cell in suppressed for relation in self.touching.get(cell, []))
        return self._best(sorted(reachable, key=lambda r: self.order[r.total]), suppressed)

    def _best(self, relations: Iterable[Relation], suppressed: set[Hashable]) -> Hashable | None:
        best = None
        for relation in relations:
            # Suppressed parts hide among each other only as far as their sum allows; a complement
            # that brings that sum to the threshold closes the gap in one step.
            need = self.threshold - sum(self.values[part] for part in relation.parts if part in suppressed)
            for cell in relation.cells:
                if cell in suppressed or cell in self.keep:
                    continue
                value = self.values[cell]
                enough = value >= need
                # A cell whose other relations have no suppression yet would need a complement of its own there.
                opens = sum(not suppressed.intersection(other.cells) for other in self.touching[cell])
                # Totals are the most useful figures to readers, so last resort; zeros add no uncertainty to a sum.
                key = (
                    cell in self.totals,
                    value == 0,
                    opens,
                    not enough,
                    value if enough else -value,
                    self.order[cell],
                )
                if best is None or key < best[0]:
                    best = (key, cell)
        return None if best is None else best[1]


class _Equations:
    """The relations as linear equations in the cells a reader cannot see exactly, built once per pattern."""

    def __init__(
        self,
        published: Mapping[Hashable, int | None],
        relations: list[Relation],
        rounding: int | None,
        shared: Collection[Hashable] = (),
    ):
        for cell, value in published.items():
            if value is not None:
                _count(cell, value)
        for relation in relations:
            for cell in relation.cells:
                if cell not in published:
                    raise ValueError(f"A relation refers to {_name(cell)}, which is not in the published table.")
        unknown = [cell for cell, value in published.items() if value is None]
        bounds = [(0.0, math.inf)] * len(unknown)
        if rounding:
            # A rounded figure r only tells the reader the count is one of those that round to r.
            related = {cell for relation in relations for cell in relation.cells}
            for cell, value in published.items():
                if value is not None and cell in related:
                    unknown.append(cell)
                    bounds.append(_rounded_from(value, rounding))
        self.index = {cell: i for i, cell in enumerate(unknown)}
        self.bounds = np.array(bounds, dtype=float).reshape(-1, 2)
        self.equations: list[Relation] = []  # the relation behind each row of the matrix
        rows, cols, signs, rhs = [], [], [], []
        for relation in relations:
            terms = [(relation.total, 1), *((part, -1) for part in relation.parts)]
            if not any(cell in self.index for cell, _ in terms):
                continue  # holds among published figures alone; it constrains nothing unknown
            self.equations.append(relation)
            known = 0
            for cell, sign in terms:
                if cell in self.index:
                    rows.append(len(rhs))
                    cols.append(self.index[cell])
                    signs.append(sign)
                else:
                    known += sign * published[cell]
            rhs.append(-known)
        self.matrix = coo_array((signs, (rows, cols)), shape=(len(rhs), len(unknown))).tocsr()
        self.rhs = np.array(rhs, dtype=float)
        # Unknowns that no chain of equations links cannot bound each other, so each solve needs only
        # the unknowns and equations of its own component: many small LPs are much faster than one large.
        self.component, self.equation_component = _linked(self.matrix)
        # Tables published side by side share some cells (say the totals that every field's table of a
        # source shows). Suppressed, those tie the tables into one large component; but the other
        # unknowns of each table form a block of their own, which _block_optimum solves apart.
        self.shared = np.array([cell in shared for cell in unknown], dtype=bool)
        own = np.flatnonzero(~self.shared)
        blocks, self.equation_block = _linked(self.matrix[:, own])
        self.equation_block[np.diff(self.matrix[:, own].indptr) == 0] = -1  # equations among shared unknowns only
        self.block = np.full(len(unknown), -1)
        self.block[own] = blocks
        self.blocks_in: dict[int, set[int]] = {}
        for i in own:
            self.blocks_in.setdefault(self.component[i], set()).add(self.block[i])
        self.parts: dict[tuple, tuple[np.ndarray, np.ndarray, dict]] = {}  # filled as they are solved
        self.completions: dict[tuple, tuple[np.ndarray, np.ndarray] | None] = {}
        self.relaxed: dict[tuple[int, float], tuple[float, list[Relation], np.ndarray | None]] = {}
        # Every LP solution is a table consistent with what is published: the spread of values seen
        # across solutions is a lower bound on each cell's range, often enough to skip its own solves.
        self.seen_low = np.full(len(unknown), math.inf)
        self.seen_high = np.full(len(unknown), -math.inf)
        self.feasible: set[int] = set()  # components some solve has succeeded on

    def range(self, cell: Hashable) -> tuple[float, float]:
        i = self.index[cell]
        low, _ = self._low(i)  # the minimum first: see _optimum
        high, _ = self._optimum(i, -1.0)
        return low, high

    def narrow_range(self, cell: Hashable, threshold: int) -> tuple[float, float, list[Relation]] | None:
        """The cell's range and the relations pinning it down if narrower than the threshold, else None.

        Solves only as much as needed to decide.
        """
        i = self.index[cell]
        if not self._seen_narrow(i, threshold):
            return None
        if self._apart(i):
            # Leaving out the other blocks' equations can only widen a range: narrow without them is narrow.
            (low, binding_low, _), (high, binding_high, _) = self._relaxed(i, 1.0), self._relaxed(i, -1.0)
            if _is_narrow(low, high, threshold):
                return low, high, binding_low + binding_high
        low, binding_low = self._low(i)
        if not self._seen_narrow(i, threshold):
            return None
        high, binding_high = self._optimum(i, -1.0)
        return (low, high, binding_low + binding_high) if _is_narrow(low, high, threshold) else None

    def _low(self, i: int) -> tuple[float, list[Relation]]:
        floor = self.bounds[i, 0]
        # A consistent table already seen with the cell at its lower bound proves that is the minimum,
        # and no relation holds it there.
        return (float(floor), []) if self.seen_low[i] <= floor + _TOLERANCE else self._optimum(i, 1.0)

    def _seen_narrow(self, i: int, threshold: int) -> bool:
        # Seen values need not be whole; only the whole counts between them are ruled in.
        low, high = self.seen_low[i], self.seen_high[i]
        if math.isfinite(low) and math.isfinite(high):
            low, high = math.ceil(low - _TOLERANCE), math.floor(high + _TOLERANCE)
        return _is_narrow(low, high, threshold)

    def _optimum(self, i: int, sense: float) -> tuple[float, list[Relation]]:
        """Minimum (sense 1) or maximum (sense -1) of unknown i over every table consistent with the publication.

        Also the relations that bind at the optimum (non-zero dual value): relaxing them, by suppressing
        one of their published cells, is what can widen the range.
        """
        component = self.component[i]
        if self._apart(i) and (found := self._block_optimum(i, sense)) is not None:
            self.feasible.add(component)
            return found
        unknowns, equations, constraints = self._part("component", component)
        result = _solve(_objective(unknowns, i, sense), constraints)
        if result.status == 0:
            self.feasible.add(component)
            self._see(unknowns, result.x)
            return _optimum_found(result, sense, [self.equations[row] for row in equations])
        # HiGHS may only say "unbounded or infeasible"; once some solve of the component has succeeded it is not
        # infeasible, which is why callers find a cell's minimum (bounded below by 0) before its maximum.
        maybe_unbounded = result.status == 4 and result.message.startswith("The problem is unbounded")
        if sense < 0 and (result.status == 3 or (maybe_unbounded and component in self.feasible)):
            return math.inf, []
        # An audit that could not be completed proves nothing, so the table is not safe.
        raise DisclosureRefused(
            "The disclosure audit could not be completed, so this table cannot be published "
            f"(the solver reported: {result.message})."
        )

    def _apart(self, i: int) -> bool:
        """Whether unknown i is in a block of its own within a component of several (see __init__)."""
        return self.block[i] >= 0 and len(self.blocks_in[self.component[i]]) > 1

    def _relaxed(self, i: int, sense: float) -> tuple[float, list[Relation], np.ndarray | None]:
        """Unknown i's optimum over its block and the shared unknowns, leaving out the other blocks'
        equations, the relations binding there, and the LP solution (None if unbounded)."""
        if (i, sense) not in self.relaxed:
            unknowns, equations, constraints = self._part("relaxed", self.block[i])
            result = _solve(_objective(unknowns, i, sense), constraints)
            if result.status == 0:
                self.relaxed[i, sense] = (
                    *_optimum_found(result, sense, [self.equations[row] for row in equations]),
                    result.x,
                )
            elif sense < 0 and result.status in (3, 4):
                self.relaxed[i, sense] = math.inf, [], None  # unbounded, or so HiGHS may say
            else:
                self.relaxed[i, sense] = -sense * math.inf, [], None  # not expected: nothing to conclude from
        return self.relaxed[i, sense]

    def _block_optimum(self, i: int, sense: float) -> tuple[float, list[Relation]] | None:
        """The relaxed optimum (see _relaxed) if it is the optimum, else None. The other blocks' equations
        can only hold it back; but if each other block has values that agree with the shared unknowns'
        values there, a table consistent with the whole publication reaches it."""
        value, binding, solution = self._relaxed(i, sense)
        if solution is None:
            return None
        unknowns, _, _ = self._part("relaxed", self.block[i])
        shared = self.shared[unknowns]
        others = self.blocks_in[self.component[i]] - {self.block[i]}
        agreeing = [self._completion(other, unknowns[shared], solution[shared]) for other in others]
        if any(completion is None for completion in agreeing):
            return None
        for others, values in [(unknowns, solution), *agreeing]:
            self._see(others, values)
        return value, binding

    def _completion(self, block: int, shared: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """The block's unknowns and values for them that agree with the shared unknowns' values, if any."""
        key = (block, values.round(9).tobytes())  # the same few values recur: each is checked once
        if key not in self.completions:
            unknowns, equations, constraints = self._part("block", block)
            if len(equations):
                constraints = constraints | {"b_eq": constraints["b_eq"] - self.matrix[equations][:, shared] @ values}
            result = _solve(np.zeros(len(unknowns)), constraints)
            self.completions[key] = (unknowns, result.x) if result.status == 0 else None
        return self.completions[key]

    def _part(self, kind: str, label: int) -> tuple[np.ndarray, np.ndarray, dict]:
        """Unknowns, equations and LP constraints of a component, of a block, or of a block relaxed
        as _block_optimum does (with its component's shared unknowns and their own equations)."""
        if (kind, label) not in self.parts:
            if kind == "component":
                unknowns, equations = self.component == label, self.equation_component == label
            else:
                unknowns, equations = self.block == label, self.equation_block == label
            if kind == "relaxed":
                component = self.component[np.flatnonzero(unknowns)[0]]
                unknowns = unknowns | (self.shared & (self.component == component))
                equations = equations | ((self.equation_block < 0) & (self.equation_component == component))
            unknowns, equations = np.flatnonzero(unknowns), np.flatnonzero(equations)
            constraints = {"bounds": self.bounds[unknowns]}
            if len(equations):
                constraints |= {"A_eq": self.matrix[equations][:, unknowns], "b_eq": self.rhs[equations]}
            self.parts[kind, label] = unknowns, equations, constraints
        return self.parts[kind, label]

    def _see(self, unknowns: np.ndarray, values: np.ndarray) -> None:
        # Only values from a table consistent with the whole publication may widen what has been seen.
        self.seen_low[unknowns] = np.minimum(self.seen_low[unknowns], values)
        self.seen_high[unknowns] = np.maximum(self.seen_high[unknowns], values)


def _linked(matrix) -> tuple[np.ndarray, np.ndarray]:
    """Components of the unknowns (columns) and equations (rows), linked where an equation has an unknown."""
    equations, unknowns = matrix.shape
    if equations and unknowns:
        graph = bmat([[None, matrix.T], [matrix, None]], format="csr")
    else:
        graph = coo_array((unknowns + equations,) * 2)
    _, labels = connected_components(graph, directed=False)
    return labels[:unknowns], labels[unknowns:]


def _objective(unknowns: np.ndarray, i: int, sense: float) -> np.ndarray:
    objective = np.zeros(len(unknowns))
    objective[np.searchsorted(unknowns, i)] = sense
    return objective


def _solve(objective: np.ndarray, constraints: dict):
    return linprog(objective, **constraints, method="highs", options={"presolve": len(objective) > _PRESOLVE_ABOVE})


def _optimum_found(result, sense: float, equations: list[Relation]) -> tuple[float, list[Relation]]:
    """The optimum, and the relations that bind at it (non-zero dual value)."""
    marginals = result.eqlin.marginals if equations else np.zeros(0)
    binding = [equations[row] for row in np.flatnonzero(np.abs(marginals) > _TOLERANCE)]
    # Counts are whole numbers: a minimum of 2.4 means at least 3, a maximum of 8.6 at most 8
    # (the tolerance keeps 6.999999999 a 7).
    optimum = float(sense * result.fun)
    return float(math.ceil(optimum - _TOLERANCE) if sense > 0 else math.floor(optimum + _TOLERANCE)), binding


def _first_narrow(
    published: dict[Hashable, int | None],
    relations: list[Relation],
    policy: Policy,
    safe: set[Hashable],
    shared: Collection[Hashable],
    progress: Progress | None = None,
) -> tuple[Hashable, float, float, list[Relation]] | None:
    """The first suppressed cell, in table order, whose range is narrower than the threshold."""
    equations = _Equations(published, relations, policy.rounding, shared)
    suppressed = sum(value is None for value in published.values())
    for cell, value in published.items():
        if value is not None or cell in safe:
            continue
        narrow = equations.narrow_range(cell, policy.threshold)
        if narrow is not None:
            return (cell, *narrow)
        safe.add(cell)
        if progress:
            progress("choosing", len(safe), suppressed)
    return None


def _publish(
    values: dict[Hashable, int], suppressed: set[Hashable], rounding: int | None
) -> dict[Hashable, int | None]:
    # Each figure is rounded from its true value, so rounded parts need not add to the rounded total.
    return {cell: None if cell in suppressed else _round(value, rounding) for cell, value in values.items()}


def _round(value: int, base: int | None) -> int:
    return value if not base else (value + base // 2) // base * base


def _rounded_from(value: int, base: int) -> tuple[float, float]:
    """The least and greatest whole counts that _round takes to `value`: 8 to 12 for 10, base 5."""
    low = value - base // 2
    return float(max(0, low)), float(low + base - 1)


def _is_narrow(low: float, high: float, threshold: int) -> bool:
    return high - low < threshold - _TOLERANCE


def _count(cell: Hashable, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"The count for {_name(cell)} is {value!r}; counts must be whole numbers.")
    if value < 0:
        raise ValueError(f"The count for {_name(cell)} is {value}; counts cannot be negative.")
    return int(value)


def _check_threshold(threshold) -> None:
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise ValueError(f"The threshold must be a positive whole number, not {threshold!r}.")


def _check_rounding(rounding) -> None:
    if rounding is not None and (isinstance(rounding, bool) or not isinstance(rounding, int) or rounding < 1):
        raise ValueError(f"The rounding base must be a positive whole number or None, not {rounding!r}.")


def _check_labels(axis: str, leaves: list, groups: dict[str, list], total_label: str) -> None:
    if len(set(leaves)) != len(leaves):
        raise ValueError(f"Each {axis} label must appear once.")
    for label in [total_label, *groups]:
        if label in leaves:
            raise ValueError(f"{label!r} is both a {axis} of counts and a {axis} of totals.")
    if total_label in groups:
        raise ValueError(f"{total_label!r} is used both as a group and as the total {axis}.")
    for label, members in groups.items():
        if not members:
            raise ValueError(f"The {axis} group {label!r} has no members.")
        strangers = [member for member in members if member not in leaves]
        if strangers:
            raise ValueError(f"The {axis} group {label!r} includes {strangers[0]!r}, which is not a {axis} of counts.")
        if len(set(members)) != len(members):
            raise ValueError(f"The {axis} group {label!r} lists a {axis} twice.")


def _name(cell: Hashable) -> str:
    return " / ".join(map(str, cell)) if isinstance(cell, tuple) else str(cell)


def _describe(cell: Hashable, low: float, high: float) -> str:
    if high - low <= _TOLERANCE:
        return f"the suppressed count for {_name(cell)} can be worked out exactly ({_number(low)})"
    upper = "any higher number" if math.isinf(high) else _number(high)
    return f"the suppressed count for {_name(cell)} can be narrowed to between {_number(low)} and {upper}"


def _number(x: float) -> str:
    return str(round(x)) if abs(x - round(x)) <= _TOLERANCE else f"{x:.1f}"
