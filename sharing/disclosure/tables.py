"""The tables a reader sees: cells, the sums relating them, and the policy they are published under."""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

# LP optima are floating point: a range of 9.9999999 is a range of 10.
TOLERANCE = 1e-6

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
        self.values = {key: count(key, value) for key, value in self.values.items()}
        for relation in self.relations:
            for cell in relation.cells:
                if cell not in self.values:
                    raise ValueError(f"A relation refers to {name(cell)}, which is not a cell of the table.")
            parts_sum = sum(self.values[part] for part in relation.parts)
            if self.values[relation.total] != parts_sum:
                # A relation that does not hold would make the audit reason about a different table.
                raise ValueError(
                    f"{name(relation.total)} is {self.values[relation.total]} but its parts add up to {parts_sum}."
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
            (row, col): count((row, col), grid[i, j])
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
        check_threshold(self.threshold)
        check_rounding(self.rounding)


@dataclass(frozen=True)
class Witnesses:
    """Tables said to be consistent with a publication, each differing from a known consistent one
    only in `cells`: row k of `values` holds table k's counts of those cells. Evidence that a check
    verifies before it counts it, never takes on trust."""

    cells: tuple[Hashable, ...]
    values: np.ndarray


class DisclosureRefused(Exception):
    """The table cannot be published: the message says which counts could be worked out, and how closely."""


def round_to(value: int, base: int | None) -> int:
    return value if not base else (value + base // 2) // base * base


def rounded_from(value: int, base: int) -> tuple[float, float]:
    """The least and greatest whole counts that round_to takes to `value`: 8 to 12 for 10, base 5."""
    low = value - base // 2
    return float(max(0, low)), float(low + base - 1)


def count(cell: Hashable, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"The count for {name(cell)} is {value!r}; counts must be whole numbers.")
    if value < 0:
        raise ValueError(f"The count for {name(cell)} is {value}; counts cannot be negative.")
    return int(value)


def check_threshold(threshold) -> None:
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise ValueError(f"The threshold must be a positive whole number, not {threshold!r}.")


def check_rounding(rounding) -> None:
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


def name(cell: Hashable) -> str:
    return " / ".join(map(str, cell)) if isinstance(cell, tuple) else str(cell)


def describe(cell: Hashable, low: float, high: float) -> str:
    if high - low <= TOLERANCE:
        return f"the suppressed count for {name(cell)} can be worked out exactly ({_number(low)})"
    upper = "any higher number" if math.isinf(high) else _number(high)
    return f"the suppressed count for {name(cell)} can be narrowed to between {_number(low)} and {upper}"


def _number(x: float) -> str:
    return str(round(x)) if abs(x - round(x)) <= TOLERANCE else f"{x:.1f}"
