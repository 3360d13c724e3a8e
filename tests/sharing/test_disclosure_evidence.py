"""The final check counts the tables a proof saw only once it has verified them itself."""

import importlib

import numpy as np
import pandas as pd
import pytest

from sharing.disclosure import DisclosureRefused, Policy, Relation, Table, Witnesses, check, protect

T = "Total"
POLAND, ROMANIA, TOTAL = ("Ward A", "Poland"), ("Ward A", "Romania"), ("Ward A", T)
RELATIONS = [Relation(TOTAL, (POLAND, ROMANIA))]
TRUTH = {POLAND: 3, ROMANIA: 40, TOTAL: 43}
# Romania's 40 and the total give Poland's 3 away by subtraction.
LEAKING = {POLAND: None, ROMANIA: 40, TOTAL: 43}


def refused(evidence: list[Witnesses]) -> bool:
    try:
        check(LEAKING, RELATIONS, threshold=10, consistent=TRUTH, evidence=evidence)
    except DisclosureRefused:
        return True
    return False


def test_a_leaking_table_is_refused_whatever_evidence_comes_with_it():
    assert refused([])


def test_tables_that_break_a_relation_are_not_counted():
    # Poland at 0 and at 20 with Romania and the total as published: the total no longer adds up.
    assert refused([Witnesses((POLAND,), np.array([[0.0], [20.0]]))])


def test_tables_that_change_a_published_figure_are_not_counted():
    # These add up, but show Romania as 43 and 23 where 40 is published.
    assert refused([Witnesses((POLAND, ROMANIA), np.array([[0.0, 43.0], [20.0, 23.0]]))])


def test_tables_with_a_negative_count_are_not_counted():
    relations = [Relation(T, ("A", "B"))]
    published = {"A": None, "B": None, T: 5}
    # A and B add up to 5 in both tables, so each lies between 0 and 5, never 10 apart, except below 0.
    evidence = [Witnesses(("A", "B"), np.array([[-10.0, 15.0], [5.0, 0.0]]))]

    with pytest.raises(DisclosureRefused, match="A can be narrowed to between 0 and 5"):
        check(published, relations, threshold=10, consistent={"A": 2, "B": 3, T: 5}, evidence=evidence)


def test_evidence_of_cells_not_in_the_table_is_not_counted():
    assert refused([Witnesses((("Ward B", "Poland"),), np.array([[0.0], [20.0]]))])


def test_evidence_counts_only_beside_the_consistent_table_it_was_given_against():
    wide = {POLAND: None, ROMANIA: None, TOTAL: 43}
    evidence = [Witnesses((POLAND, ROMANIA), np.array([[0.0, 43.0], [43.0, 0.0]]))]
    system = importlib.import_module("sharing.disclosure.system")

    # Without a consistent table the check solves for one itself and proves every cell on its own.
    check(wide, RELATIONS, threshold=10, evidence=evidence)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(system.Model, "spread", _no_solver)
        patch.setattr(system.Model, "solve", _no_solver)
        check(wide, RELATIONS, threshold=10, consistent=TRUTH, evidence=evidence)


def test_a_protected_table_passes_its_check_on_the_proofs_tables_and_without_them():
    counts = pd.DataFrame(
        [[3, 40, 12, 7], [25, 4, 30, 2], [6, 18, 1, 44]],
        index=["Ward A", "Ward B", "Ward C"],
        columns=["Poland", "Romania", "Spain", "Italy"],
    )
    table = Table.two_way(counts)

    result = protect(table, Policy(threshold=10))

    assert result.primary and result.secondary
    check(result.published, table.relations, threshold=10)


def _no_solver(*args, **kwargs):
    raise AssertionError("the evidence should have shown every cell wide without a solve")
