"""A component's first optimum is the same whether the simplex finds it from scratch or the
interior-point method with crossover does (as it does for large components)."""

import importlib

import pandas as pd
import pytest

from sharing.disclosure import Policy, Table, audit, check, protect

COUNTS = pd.DataFrame(
    [[3, 40, 12, 7, 5], [25, 4, 30, 2, 16], [6, 18, 1, 44, 9], [2, 11, 8, 30, 3]],
    index=["Ward A", "Ward B", "Ward C", "Ward D"],
    columns=["Poland", "Romania", "Spain", "Italy", "India"],
)
TABLE = Table.two_way(COUNTS, col_groups={"EU": ["Poland", "Romania", "Spain", "Italy"]})


@pytest.fixture
def from_interior_point():
    system = importlib.import_module("sharing.disclosure.system")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(system, "_FIRST_BY_IPM", 0)  # every component's first optimum by the interior-point method
        yield


def test_the_ranges_of_a_publication_are_the_same_from_either_start(from_interior_point):
    published = protect(TABLE, Policy(threshold=10)).published
    ranges = audit(published, TABLE.relations)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(importlib.import_module("sharing.disclosure.system"), "_FIRST_BY_IPM", 10**9)
        from_scratch = audit(published, TABLE.relations)

    assert ranges and ranges.keys() == from_scratch.keys()
    for cell, (low, high) in from_scratch.items():
        assert ranges[cell] == pytest.approx((low, high), abs=1e-6)


def test_a_pattern_chosen_from_interior_point_starts_passes_a_check_from_scratch(from_interior_point):
    result = protect(TABLE, Policy(threshold=10))

    assert result.primary and result.secondary
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(importlib.import_module("sharing.disclosure.system"), "_FIRST_BY_IPM", 10**9)
        check(result.published, TABLE.relations, threshold=10)
