"""Disclosure control of published count tables: no database needed, the module is pure."""

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from sharing.disclosure import (
    DisclosureRefused,
    Policy,
    Relation,
    Table,
    audit,
    check,
    protect,
)

T = "Total"


def one_row(**counts) -> Table:
    """A single published row: nationality counts and their total, as a hand-built table."""
    values = {**counts, T: sum(counts.values())}
    return Table(values, [Relation(T, tuple(counts))])


def suppressing(table: Table, cells) -> dict:
    return {cell: None if cell in cells else value for cell, value in table.values.items()}


def nearest_multiple(value: int, base: int | None) -> int:
    return value if base is None else base * math.floor(value / base + 0.5)


def whole_number_range(published: dict, relations: list[Relation], rounding: int | None, cell) -> tuple[int, float]:
    """An oracle apart from the module: the least and greatest whole count a reader could give the
    cell, by integer programming over every cell, knowing each rounded figure only as the counts
    that round to it."""
    cells = list(published)
    index = {c: i for i, c in enumerate(cells)}
    low, high = [], []
    for c in cells:
        value = published[c]
        if value is None:
            low.append(0), high.append(10**6)  # no reader can bound it beyond what the sums say
        elif rounding:
            candidates = [
                n for n in range(max(0, value - rounding), value + rounding) if nearest_multiple(n, rounding) == value
            ]
            low.append(min(candidates)), high.append(max(candidates))
        else:
            low.append(value), high.append(value)
    rows = []
    for relation in relations:
        row = [0] * len(cells)
        row[index[relation.total]] += 1
        for part in relation.parts:
            row[index[part]] -= 1
        rows.append(row)
    constraints = [LinearConstraint(rows, 0, 0)] if rows else []
    found = []
    for sense in (1, -1):
        objective = [0] * len(cells)
        objective[index[cell]] = sense
        result = milp(objective, constraints=constraints, integrality=[1] * len(cells), bounds=Bounds(low, high))
        assert result.status == 0, result.message
        found.append(round(sense * result.fun))
    return found[0], math.inf if found[1] >= 10**5 else found[1]


def test_counts_below_the_threshold_are_suppressed():
    table = Table.two_way(pd.DataFrame([[3, 40], [25, 60]], index=["Ward A", "Ward B"], columns=["Poland", "Romania"]))

    result = protect(table, Policy(threshold=10))

    assert result.primary == {("Ward A", "Poland")}
    assert result.published["Ward A", "Poland"] is None
    # In a 2 x 2 table the only cover is the other three counts; the totals stay published.
    assert result.secondary == {("Ward A", "Romania"), ("Ward B", "Poland"), ("Ward B", "Romania")}
    assert result.published[T, T] == 128


def test_a_lone_suppressed_cell_in_a_row_gets_a_complement():
    table = one_row(Poland=3, Romania=25, Other=40)
    # Suppressing only the 3 leaves it as total minus the rest.
    assert audit(suppressing(table, {"Poland"}), table.relations) == {"Poland": (3, 3)}

    result = protect(table, Policy(threshold=10))

    # The smallest part that gives enough cover, not the total.
    assert result.secondary == {"Romania"}
    assert result.published[T] == 68
    assert result.ranges == {"Poland": (0, 28), "Romania": (0, 28)}


def test_two_small_cells_whose_sum_is_below_the_threshold_are_protected_further():
    table = one_row(Poland=3, Romania=4, Other=50)
    naive = suppressing(table, {"Poland", "Romania"})
    assert audit(naive, table.relations) == {"Poland": (0, 7), "Romania": (0, 7)}
    with pytest.raises(DisclosureRefused):
        check(naive, table.relations, threshold=10)

    result = protect(table, Policy(threshold=10))

    assert result.primary == {"Poland", "Romania"}
    assert result.secondary == {"Other"}
    assert result.ranges == {"Poland": (0, 57), "Romania": (0, 57), "Other": (0, 57)}


def test_ward_rows_within_the_local_authority_cannot_be_differenced():
    counts = pd.DataFrame(
        [[4, 30], [25, 18], [12, 40]], index=["Ward A", "Ward B", "Ward C"], columns=["Poland", "Romania"]
    )
    table = Table.two_way(counts, row_groups={"Teesmouth North": ["Ward A", "Ward B"]})
    # Safe in the ward rows alone, but Teesmouth North minus Ward B gives Ward A.
    naive = suppressing(
        table, {("Ward A", "Poland"), ("Ward A", "Romania"), ("Ward C", "Poland"), ("Ward C", "Romania")}
    )
    with pytest.raises(DisclosureRefused, match="Ward A / Poland"):
        check(naive, table.relations, threshold=10)

    result = protect(table, Policy(threshold=10))

    low, high = result.ranges["Ward A", "Poland"]
    assert high - low >= 10
    check(result.published, table.relations, threshold=10)


def test_months_within_a_quarter_cannot_be_differenced():
    months = ["2025-01", "2025-02", "2025-03", "2025-04"]
    counts = pd.DataFrame([[2, 15, 20, 30], [14, 22, 19, 25]], index=["Ward A", "Ward B"], columns=months)
    table = Table.two_way(counts, col_groups={"2025 Q1": months[:3]})
    # Safe in the month columns alone, but Q1 minus February and March gives January.
    naive = suppressing(
        table, {("Ward A", "2025-01"), ("Ward A", "2025-04"), ("Ward B", "2025-01"), ("Ward B", "2025-04")}
    )
    with pytest.raises(DisclosureRefused, match="Ward A / 2025-01"):
        check(naive, table.relations, threshold=10)

    result = protect(table, Policy(threshold=10))

    low, high = result.ranges["Ward A", "2025-01"]
    assert high - low >= 10
    check(result.published, table.relations, threshold=10)


def test_rounding_publishes_multiples_of_the_base_and_the_audit_uses_intervals():
    counts = pd.DataFrame(
        [[13, 13, 13], [3, 27, 41], [11, 31, 52]],
        index=["Ward A", "Ward B", "Ward C"],
        columns=["Poland", "Romania", "Other"],
    )
    table = Table.two_way(counts)

    result = protect(table, Policy(threshold=10, rounding=5))

    for cell, value in result.published.items():
        if value is not None:
            assert value % 5 == 0 and value == nearest_multiple(table.values[cell], 5)
    # 13 + 13 + 13 publishes as 15 + 15 + 15, but the total of 39 as 40: rounded, not re-added.
    assert [result.published["Ward A", col] for col in ["Poland", "Romania", "Other", T]] == [15, 15, 15, 40]
    assert result.published["Ward B", "Poland"] is None

    # Rounded half up to 5, a published 10 stands for a count from 8 to 12, and 25 for 23 to 27,
    # so the gap between them is 11 to 19.
    relations = [Relation(T, ("A", "B"))]
    assert audit({"A": 10, "B": None, T: 25}, relations, rounding=5) == {"B": (11, 19)}
    assert audit({"A": 10, "B": None, T: 25}, relations) == {"B": (15, 15)}
    # Counts are never negative, so a published 0 means 0 to 2, and a published 5 means 3 to 7.
    assert audit({"A": 0, "B": None, T: 5}, relations, rounding=5) == {"B": (1, 7)}
    # Base 10 rounds 5 to 14 to 10.
    assert audit({"A": 10, "B": None, T: 30}, relations, rounding=10) == {"B": (11, 29)}


def test_audit_finds_the_exact_range_of_a_cell_in_a_known_table():
    #            Poland  Romania | Total
    # Ward A        3       12   |   15
    # Ward B        8       20   |   28
    # Total        11       32   |   43
    table = Table.two_way(pd.DataFrame([[3, 12], [8, 20]], index=["Ward A", "Ward B"], columns=["Poland", "Romania"]))
    leaves = {(row, col) for row in ["Ward A", "Ward B"] for col in ["Poland", "Romania"]}

    ranges = audit(suppressing(table, leaves), table.relations)

    # With a = Ward A / Poland: Romania = 15 - a, Ward B Poland = 11 - a, Ward B Romania = 17 + a,
    # and every count is at least 0, so 0 <= a <= 11.
    assert ranges == {
        ("Ward A", "Poland"): (0, 11),
        ("Ward A", "Romania"): (4, 15),
        ("Ward B", "Poland"): (0, 11),
        ("Ward B", "Romania"): (17, 28),
    }


def test_a_cell_bounded_by_no_published_figure_has_no_upper_limit():
    relations = [Relation(T, ("A", "B"))]

    assert audit({"A": None, "B": None, T: None}, relations) == {
        "A": (0, math.inf),
        "B": (0, math.inf),
        T: (0, math.inf),
    }


def test_check_refuses_a_table_that_leaks_a_small_cell():
    relations = [Relation(("Ward A", T), (("Ward A", "Poland"), ("Ward A", "Romania")))]
    published = {("Ward A", "Poland"): None, ("Ward A", "Romania"): 40, ("Ward A", T): 43}

    with pytest.raises(DisclosureRefused, match=r"Ward A / Poland can be worked out exactly \(3\)"):
        check(published, relations, threshold=10)

    check({**published, ("Ward A", "Romania"): None}, relations, threshold=10)


def test_an_audit_that_cannot_be_solved_is_a_refusal_not_a_pass():
    # No count for B fits: the published figures contradict the relation.
    inconsistent = {"A": 30, "B": None, T: 10}

    with pytest.raises(DisclosureRefused, match="could not be completed"):
        audit(inconsistent, [Relation(T, ("A", "B"))], rounding=5)


def test_zeros_are_published_by_default_and_suppressed_when_the_policy_says_so():
    table = Table.two_way(pd.DataFrame([[0, 30], [25, 40]], index=["Ward A", "Ward B"], columns=["Poland", "Romania"]))

    by_default = protect(table, Policy(threshold=10))
    zeros_hidden = protect(table, Policy(threshold=10, suppress_zeros=True))

    assert by_default.published["Ward A", "Poland"] == 0
    assert not by_default.primary and not by_default.secondary
    assert zeros_hidden.primary == {("Ward A", "Poland")}
    low, high = zeros_hidden.ranges["Ward A", "Poland"]
    assert high - low >= 10


def test_it_refuses_when_no_suppression_pattern_can_protect_the_table():
    # EU pupils published twice: split into France and Poland, and into France, Poland and Other EU.
    # Whatever is suppressed, the two splits agree only if Other EU is 0, so hiding that zero is impossible.
    table = Table(
        {"France": 30, "Poland": 45, "Other EU": 0, "EU": 75},
        [Relation("EU", ("France", "Poland")), Relation("EU", ("France", "Poland", "Other EU"))],
    )

    assert protect(table, Policy(threshold=10)).published["Other EU"] == 0
    with pytest.raises(DisclosureRefused, match=r"Other EU can be worked out exactly \(0\)"):
        protect(table, Policy(threshold=10, suppress_zeros=True))


def test_a_table_with_everything_suppressed_passes_the_check():
    # In a two-way table suppressing everything always works (any cell could be any size), so it is
    # the last resort rather than a refusal; a 1 x 1 table of 4 pupils gets there straight away.
    table = Table.two_way(pd.DataFrame([[4]], index=["Ward A"], columns=["Poland"]))

    result = protect(table, Policy(threshold=10))

    assert set(result.published.values()) == {None}
    assert set(result.ranges.values()) == {(0, math.inf)}
    check(result.published, table.relations, threshold=10)


def test_two_way_lists_every_relation_between_published_cells():
    counts = pd.DataFrame([[1, 2, 3], [4, 5, 6]], index=["Ward A", "Ward B"], columns=["Jan", "Feb", "Mar"])

    table = Table.two_way(counts, row_groups={"North": ["Ward A", "Ward B"]}, col_groups={"Q1": ["Jan", "Feb"]})

    assert table.rows == ["Ward A", "Ward B", "North", T]
    assert table.columns == ["Jan", "Feb", "Mar", "Q1", T]
    assert table.values["North", "Q1"] == 12 and table.values[T, T] == 21
    assert Relation(("North", "Q1"), (("Ward A", "Q1"), ("Ward B", "Q1"))) in table.relations
    assert Relation(("North", "Q1"), (("North", "Jan"), ("North", "Feb"))) in table.relations
    assert Relation((T, T), ((T, "Jan"), (T, "Feb"), (T, "Mar"))) in table.relations
    assert Relation((T, T), (("Ward A", T), ("Ward B", T))) in table.relations
    # A sum relation for each of the 4 rows over 2 summing columns, and each of the 5 columns over 2 summing rows.
    assert len(table.relations) == 4 * 2 + 5 * 2


def test_the_published_table_lays_out_in_the_original_order():
    table = Table.two_way(pd.DataFrame([[3, 40], [25, 60]], index=["Ward A", "Ward B"], columns=["Poland", "Romania"]))

    frame = protect(table, Policy(threshold=10)).frame(table)

    assert list(frame.index) == ["Ward A", "Ward B", T]
    assert list(frame.columns) == ["Poland", "Romania", T]
    assert frame.loc["Ward A", "Poland"] is None
    assert frame.loc[T, T] == 128


@pytest.mark.parametrize(
    "counts, message",
    [
        (pd.DataFrame([[3, -1]], index=["Ward A"], columns=["Poland", "Romania"]), "cannot be negative"),
        (pd.DataFrame([[3, float("nan")]], index=["Ward A"], columns=["Poland", "Romania"]), "whole numbers"),
        (pd.DataFrame([[3, 2.5]], index=["Ward A"], columns=["Poland", "Romania"]), "whole numbers"),
    ],
)
def test_counts_must_be_non_negative_whole_numbers(counts, message):
    with pytest.raises(ValueError, match=message):
        Table.two_way(counts)


def test_a_group_can_only_contain_rows_of_the_table():
    counts = pd.DataFrame([[3, 4]], index=["Ward A"], columns=["Poland", "Romania"])

    with pytest.raises(ValueError, match="Ward Z"):
        Table.two_way(counts, row_groups={"North": ["Ward A", "Ward Z"]})


def test_a_relation_that_does_not_add_up_is_rejected():
    with pytest.raises(ValueError, match="add up to 7"):
        Table({"A": 3, "B": 4, T: 8}, [Relation(T, ("A", "B"))])


# Many small cells and many zeros, so that suppression patterns get interesting.
COUNTS = st.one_of(st.just(0), st.integers(1, 9), st.integers(10, 200))


def groups(labels: list[str], prefix: str):
    members = st.lists(st.sampled_from(labels), min_size=1, unique=True)
    return st.lists(members, max_size=2).map(lambda found: {f"{prefix} {i}": group for i, group in enumerate(found)})


@st.composite
def tables(draw) -> Table:
    n_rows, n_cols = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    rows = [f"Ward {i}" for i in range(n_rows)]
    cols = [f"2025-{j + 1:02d}" for j in range(n_cols)]
    grid = draw(st.lists(st.lists(COUNTS, min_size=n_cols, max_size=n_cols), min_size=n_rows, max_size=n_rows))
    return Table.two_way(
        pd.DataFrame(grid, index=rows, columns=cols),
        row_groups=draw(groups(rows, "Locality")),
        col_groups=draw(groups(cols, "Quarter")),
    )


policies = st.builds(
    Policy,
    threshold=st.integers(3, 15),
    rounding=st.sampled_from([None, 3, 5, 10]),
    suppress_zeros=st.booleans(),
)


@settings(max_examples=60, deadline=None, database=None)
@given(table=tables(), policy=policies)
def test_every_protected_table_hides_its_small_cells_and_survives_an_independent_audit(table, policy):
    try:
        result = protect(table, policy)
    except DisclosureRefused:
        return
    threshold = policy.threshold
    suppressed = {cell for cell, value in result.published.items() if value is None}
    assert suppressed == result.primary | result.secondary and not result.primary & result.secondary

    for cell, value in table.values.items():
        if 0 < value < threshold or (value == 0 and policy.suppress_zeros):
            assert cell in result.primary
        if result.published[cell] is not None:
            assert result.published[cell] == nearest_multiple(value, policy.rounding)

    ranges = audit(result.published, table.relations, rounding=policy.rounding)
    assert ranges == result.ranges
    for cell, (low, high) in ranges.items():
        assert high - low >= threshold - 1e-6, cell
        # The LP is sound: the truth is one of the tables it considers.
        assert low - 1e-6 <= table.values[cell] <= high + 1e-6, cell


@settings(max_examples=100, deadline=None, database=None)  # fewer let the old rounded audit's leak through
@given(table=tables(), policy=policies)
def test_no_suppressed_count_of_a_protected_table_can_be_narrowed_in_whole_numbers(table, policy):
    try:
        result = protect(table, policy)
    except DisclosureRefused:
        return

    for cell, value in result.published.items():
        if value is None:
            low, high = whole_number_range(result.published, table.relations, policy.rounding, cell)
            assert high - low >= policy.threshold, (cell, low, high)


def test_the_whole_number_oracle_sees_what_continuous_intervals_miss():
    # The leak the rounded audit once let through: 10 and 25, rounded to 5, leave only 11 to 19.
    relations = [Relation(T, ("A", "B"))]
    assert whole_number_range({"A": 10, "B": None, T: 25}, relations, 5, "B") == (11, 19)
    with pytest.raises(DisclosureRefused):
        check({"A": 10, "B": None, T: 25}, relations, threshold=10, rounding=5)


@settings(max_examples=25, deadline=None, database=None)
@given(table=tables(), policy=policies)
def test_protect_is_deterministic(table, policy):
    def outcome():
        try:
            result = protect(table, policy)
        except DisclosureRefused as refusal:
            return str(refusal)
        return result.published, result.primary, result.secondary, result.ranges

    assert outcome() == outcome()


@settings(max_examples=20, deadline=None, database=None)
@given(table=tables(), policy=policies)
def test_a_two_way_table_is_never_refused(table, policy):
    # Every cell of a two-way table is linked to every other through the totals, and with everything
    # suppressed any cell could be any size; so the search for complements always ends in a safe pattern.
    protect(table, policy)


def test_cells_fixed_by_another_table_keep_their_fate():
    table = one_row(Polish=40, Romanian=3, Syrian=25, Eritrean=30)
    # Elsewhere Syrian was published and Eritrean suppressed: the complement here must be another cell.
    result = protect(table, Policy(threshold=10), fixed={"Syrian": False, "Eritrean": True})
    assert result.published["Syrian"] == 25
    assert result.published["Eritrean"] is None and "Eritrean" in result.secondary
    assert result.published["Romanian"] is None
    check(result.published, table.relations, threshold=10)


def test_a_small_cell_published_elsewhere_is_an_error_not_a_leak():
    with pytest.raises(ValueError, match="use one threshold"):
        protect(one_row(Polish=40, Romanian=3), Policy(threshold=10), fixed={"Romanian": False})


@settings(max_examples=40, deadline=None, database=None)
@given(table=tables(), policy=policies)
def test_a_table_protected_after_its_margin_shows_the_margin_as_the_margin_table_does(table, policy):
    """The period totals shared by two tables of one source are decided once, by the margin table,
    and every other table follows: a total is never published in one and suppressed in the other."""
    leaves = [c for c in table.columns if c != T and not c.startswith("Quarter")]
    margin = Table.two_way(pd.DataFrame([[table.values[T, c] for c in leaves]], index=["All"], columns=leaves))
    first = protect(margin, policy)
    fixed = {(T, c): first.published[T, c] is None for c in leaves + [T]}
    try:
        result = protect(table, policy, fixed=fixed)
    except DisclosureRefused:
        return
    for cell, hidden in fixed.items():
        assert (result.published[cell] is None) == hidden
    check(result.published, table.relations, threshold=policy.threshold, rounding=policy.rounding)


def test_a_cell_tied_to_cells_published_elsewhere_alone_is_no_complement():
    # Romania is the EU2's only member, and the EU2's count is published in another table: suppressed
    # here, Romania's count could still be read there, so however many cells around it were
    # suppressed too, it would not hide Poland's. (Picking it anyway ended in a refusal.)
    table = Table(
        {"Poland": 3, "Romania": 25, "Other": 40, T: 68, "EU2": 25, "Syria": 30, "Iran": 10},
        [
            Relation(T, ("Poland", "Romania", "Other")),
            Relation("EU2", ("Romania",)),
            Relation("Other", ("Syria", "Iran")),
        ],
    )

    result = protect(table, Policy(threshold=10), fixed={"EU2": False})

    assert result.published["Romania"] == 25 and result.published["Poland"] is None
    check(result.published, table.relations, threshold=10)


@st.composite
def side_by_side(draw):
    """Two tables of the same counts by different fields, as one: they share their Total row, and
    some cells of both (shared ones included) are suppressed."""
    n_a, n_b, n_cols = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    counts = draw(st.lists(COUNTS, min_size=n_a * n_b * n_cols, max_size=n_a * n_b * n_cols))
    cols = [f"2025-{j + 1:02d}" for j in range(n_cols)]
    values, relations = {}, []
    for field, n in (("A", n_a), ("B", n_b)):
        grid = [
            [
                sum(
                    counts[(a * n_b + b) * n_cols + j]
                    for a in range(n_a)
                    for b in range(n_b)
                    if (a if field == "A" else b) == i
                )
                for j in range(n_cols)
            ]
            for i in range(n)
        ]
        table = Table.two_way(pd.DataFrame(grid, index=[f"{field}{i}" for i in range(n)], columns=cols))

        def key(cell, field=field):
            return cell if cell[0] == T else (field, *cell)

        values |= {key(cell): value for cell, value in table.values.items()}
        relations += [Relation(key(r.total), tuple(key(p) for p in r.parts)) for r in table.relations]
    hidden = draw(st.lists(st.booleans(), min_size=len(values), max_size=len(values)))
    published = {cell: None if hide else value for (cell, value), hide in zip(values.items(), hidden, strict=True)}
    return published, list(dict.fromkeys(relations)), [cell for cell in values if cell[0] == T]


@settings(max_examples=60, deadline=None, database=None)
@given(tables=side_by_side(), rounding=st.sampled_from([None, 5]))
def test_naming_the_cells_tables_share_changes_no_range_the_audit_finds(tables, rounding):
    published, relations, shared = tables
    if rounding:
        published = {
            cell: None if value is None else nearest_multiple(value, rounding) for cell, value in published.items()
        }
    assert audit(published, relations, rounding=rounding, shared=shared) == audit(
        published, relations, rounding=rounding
    )


def test_protect_tells_how_far_it_has_got_through_both_stages():
    table = Table.two_way(
        pd.DataFrame([[3, 40, 12], [25, 4, 30]], index=["Ward A", "Ward B"], columns=["Poland", "Romania", "Spain"])
    )
    told = []

    result = protect(table, Policy(threshold=10), progress=lambda *step: told.append(step))

    suppressed = len(result.primary | result.secondary)
    assert {stage for stage, _, _ in told} == {"choosing", "checking"}
    assert all(0 < done <= of for _, done, of in told)
    # The final check goes through every suppressed cell, and says so last.
    assert told[-1] == ("checking", suppressed, suppressed)
