"""The relations as linear equations in the cells a reader cannot see exactly, and HiGHS models of them.

Every relation is a row of one sparse matrix over every cell, built once per table (`Links`); a
pattern of suppression only chooses its columns (`System`). Unknowns that no chain of equations
links cannot bound each other, so each component gets an LP of its own (`Model`), built once and
re-solved with a new objective each time: HiGHS starts from the last optimal basis, which after a
change of objective is a few pivots away from the next.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping

import highspy
import numpy as np
from scipy.sparse import bmat, coo_array
from scipy.sparse.csgraph import connected_components

from .tables import DisclosureRefused, Relation, count, name

# Suppressed cells have no upper bound but this one, which keeps every LP bounded (so that every
# solve gives a table to learn from). It restricts the tables considered, so a width shown under
# it holds without it; a maximum reaching half of it is a cell with no upper bound at all.
_CAP_ABOVE = 1e6

# How far an interior point may miss a relation or bound and still count as a consistent table:
# HiGHS's own feasibility tolerance for the simplex's vertices.
FEASIBLE = 1e-7

# Unknowns from which a component's first optimum is found by the interior-point method.
_FIRST_BY_IPM = 1000


class Links:
    """Every relation as a row of +1 (its total) and -1 (each part) over every cell."""

    def __init__(self, cells: Iterable[Hashable], relations: list[Relation]):
        self.cells = list(cells)
        self.index = {cell: i for i, cell in enumerate(self.cells)}
        self.relations = relations
        rows, columns, signs = [], [], []
        for row, relation in enumerate(relations):
            for cell in relation.cells:
                if cell not in self.index:
                    raise ValueError(f"A relation refers to {name(cell)}, which is not in the published table.")
            rows += [row] * len(relation.cells)
            columns += [self.index[cell] for cell in relation.cells]
            signs += [1.0] + [-1.0] * len(relation.parts)
        matrix = coo_array((signs, (rows, columns)), shape=(len(relations), len(self.cells))).tocsc()
        matrix.sum_duplicates()
        matrix.eliminate_zeros()
        self.matrix = matrix
        self.related = np.diff(matrix.indptr) > 0  # cells in some relation

    def vector(self, published: Mapping[Hashable, int | None]) -> np.ndarray:
        """The published figures in cell order, NaN where suppressed."""
        return np.array([math.nan if published[cell] is None else published[cell] for cell in self.cells], float)


def checked_links(published: Mapping[Hashable, int | None], relations: list[Relation]) -> Links:
    for cell, value in published.items():
        if value is not None:
            count(cell, value)
    return Links(published, relations)


class System:
    """The unknowns of one publication: its suppressed cells and, when figures are rounded, every
    related published figure, which a reader knows only as the counts that round to it."""

    def __init__(self, links: Links, published: np.ndarray, rounding: int | None):
        self.links = links
        suppressed = np.isnan(published)
        unknown = suppressed | (links.related & ~suppressed) if rounding else suppressed
        self.cells = np.flatnonzero(unknown)  # each unknown's cell
        self.suppressed = suppressed[self.cells]
        figures = np.nan_to_num(published[self.cells])
        known = np.where(unknown, 0.0, published)
        self.cap = _CAP_ABOVE + 100 * float(np.max(known, initial=0.0))
        self.lower = np.zeros(len(self.cells))
        self.upper = np.full(len(self.cells), self.cap)
        if rounding:
            low = figures - rounding // 2
            rounded = ~self.suppressed
            self.lower[rounded] = np.maximum(0, low[rounded])
            self.upper[rounded] = low[rounded] + rounding - 1
        columns = links.matrix[:, self.cells].tocsr()
        self.rows = np.flatnonzero(np.diff(columns.indptr) > 0)  # the relations that constrain an unknown
        self.matrix = columns[self.rows]
        self.rhs = -(links.matrix @ known)[self.rows]
        self.component, self.row_component = _linked(self.matrix)

    def unbounded(self, value: float) -> bool:
        return value >= self.cap / 2


def _linked(matrix) -> tuple[np.ndarray, np.ndarray]:
    """Components of the unknowns (columns) and equations (rows), linked where an equation has an unknown."""
    equations, unknowns = matrix.shape
    if equations and unknowns:
        graph = bmat([[None, matrix.T], [matrix, None]], format="csr")
    else:
        graph = coo_array((unknowns + equations,) * 2)
    _, labels = connected_components(graph, directed=False)
    return labels[:unknowns], labels[unknowns:]


class Model:
    """An LP minimising `cost` over some unknowns of a system: `columns`, constrained by the equations
    `rows`, with `rhs` for their right-hand sides (the system's, unless other unknowns are fixed)."""

    def __init__(self, system: System, columns: np.ndarray, rows: np.ndarray, rhs: np.ndarray | None = None):
        self.columns, self.rows = columns, rows
        matrix = system.matrix[rows][:, columns].tocsc()
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = len(columns), len(rows)
        lp.col_cost_ = np.zeros(len(columns))
        lp.col_lower_, lp.col_upper_ = system.lower[columns], system.upper[columns]
        lp.row_lower_ = lp.row_upper_ = system.rhs[rows] if rhs is None else rhs
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = matrix.indptr
        lp.a_matrix_.index_ = matrix.indices
        lp.a_matrix_.value_ = matrix.data
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        # Re-solving from the last basis is what makes many solves cheap: presolve would discard it, and
        # after a change of objective the basis is still primal feasible, so the primal simplex goes on
        # from it where the dual simplex must first repair it (measured: 100 times slower).
        self.highs.setOptionValue("presolve", "off")
        self.highs.setOptionValue("simplex_strategy", 4)
        self.highs.passModel(lp)
        self.cost = np.zeros(len(columns))
        self.lp, self.matrix = lp, matrix
        self.started = False
        self.interior: highspy.Highs | None = None

    def spread(self, cost: np.ndarray) -> np.ndarray | None:
        """A table minimising `cost`, or close to it, solved by the interior-point method, or None if
        the point it stops at does not satisfy every relation and bound within the tolerance.

        Without crossover it stops inside the optimal face rather than at a vertex: still a table
        consistent with the publication, found many times faster on a large component, and as good
        as any other to bound ranges from inside. Never used for an optimum, which takes a vertex."""
        if self.interior is None:
            self.interior = highspy.Highs()
            self.interior.setOptionValue("output_flag", False)
            self.interior.setOptionValue("solver", "ipm")
            self.interior.setOptionValue("run_crossover", "off")
            self.interior.passModel(self.lp)
        self.interior.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), cost)
        self.interior.run()
        point = np.array(self.interior.getSolution().col_value)
        if len(point) != len(cost):
            return None
        rhs = np.asarray(self.lp.row_lower_)
        lower, upper = np.asarray(self.lp.col_lower_), np.asarray(self.lp.col_upper_)
        if (
            np.abs(self.matrix @ point - rhs).max(initial=0.0) > FEASIBLE
            or (point < lower - FEASIBLE).any()
            or (point > upper + FEASIBLE).any()
        ):
            return None
        return point

    def solve(self, cost: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        """The optimum, the solution and the equations' dual values."""
        changed = np.flatnonzero(cost != self.cost)
        if len(changed):
            self.highs.changeColsCost(len(changed), changed.astype(np.int32), cost[changed])
            self.cost = cost.copy()
        if not self.started and len(self.columns) > _FIRST_BY_IPM:
            # From a slack basis the simplex's first solve of a large component is most of its time
            # (measured on 5,154 unknowns: 5.0 s); the interior-point method with crossover finds that
            # optimal basis in 1.8 s, and every later solve starts from it.
            self.highs.setOptionValue("solver", "ipm")
            self.highs.run()
            self.highs.setOptionValue("solver", "simplex")
            if self.highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                self.highs.clearSolver()  # the simplex decides, from scratch
                self.highs.run()
        else:
            self.highs.run()
        self.started = True
        status = self.highs.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            # Bounded by the cap, an LP has an optimum unless the published figures contradict the
            # relations. An audit that could not be completed proves nothing, so the table is not safe.
            raise DisclosureRefused(
                "The disclosure audit could not be completed, so this table cannot be published "
                f"(the solver reported: {self.highs.modelStatusToString(status)})."
            )
        solution = self.highs.getSolution()
        return self.highs.getInfo().objective_function_value, np.array(solution.col_value), np.array(solution.row_dual)
