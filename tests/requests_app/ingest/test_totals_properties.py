"""Invariants of totals over generated tables: whatever column a total's label sits in and wherever
its row is, the stored total is the sum of the leaf cells and no total row is ever stored."""

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.requests_app.ingest.pure import run

WARDS = {"E05009901": "Northgate", "E05009902": "Southbank", "E05009903": "Riverside", "E05009904": "Hillcrest"}
NATIONALITIES = ["Polish", "Romanian", "Syrian", "Eritrean", "British"]
CODES = {"Polish": "PL", "Romanian": "RO", "Syrian": "SY", "Eritrean": "ER", "British": "GB"}
GRAND = ["Total", "Grand total", "TOTAL", "All", "Totals", "Overall", "Sum", "All persons", "total "]
PER_WARD = ["Total", "Sub-total", "Subtotal", "All nationalities", "Total (all nationalities)", "Persons"]
HEADER = ["Area", "Ward code", "Ward name", "Nationality", "Quarter", "Count"]
FIELDS = ["ward", "nationality", "period"]


@st.composite
def tables(draw):
    """(csv text, the leaf rows as (ward, nationality, count or None when suppressed)).

    Leaves are one row per ward and nationality; totals are a grand total and some ward subtotals,
    each with its label in a column drawn at random (the unrequested "Area" and "Ward name" columns
    included) and its row at a random place; every total states the true sum of its rows."""
    pairs = draw(
        st.lists(
            st.tuples(st.sampled_from(sorted(WARDS)), st.sampled_from(NATIONALITIES)),
            min_size=1,
            max_size=12,
            unique=True,
        )
    )
    counts = draw(st.lists(st.integers(0, 500), min_size=len(pairs), max_size=len(pairs)))
    hidden = draw(st.lists(st.booleans(), min_size=len(pairs), max_size=len(pairs)))
    leaves = [(w, n, None if h else c) for (w, n), c, h in zip(pairs, counts, hidden, strict=True)]
    rows = [
        ["Teesmouth", w, WARDS[w], n, "2025 Q1", "c" if h else str(c)]
        for (w, n), c, h in zip(pairs, counts, hidden, strict=True)
    ]

    for ward in draw(st.lists(st.sampled_from(sorted({w for w, _ in pairs})), unique=True)):
        row = [
            "Teesmouth",
            ward,
            WARDS[ward],
            "",
            "2025 Q1",
            str(sum(c for (w, _), c in zip(pairs, counts, strict=True) if w == ward)),
        ]
        where = draw(st.sampled_from(["nationality", "name"]))
        if where == "nationality":
            row[3] = draw(st.sampled_from(PER_WARD))
        else:
            row[2] = f"{WARDS[ward]} {draw(st.sampled_from(['total', 'Total', 'subtotal']))}"
        rows.insert(draw(st.integers(0, len(rows))), row)

    if draw(st.booleans()):
        grand = ["", "", "", "", "2025 Q1", str(sum(counts))]
        grand[draw(st.sampled_from([0, 1, 2, 3]))] = draw(st.sampled_from(GRAND))
        rows.insert(draw(st.sampled_from([0, len(rows)])), grand)

    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([HEADER, *rows])
    return out.getvalue(), leaves


@settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_the_stored_total_is_the_sum_of_the_leaf_cells(generated):
    text, leaves = generated
    result, report = run(text, FIELDS)
    assert report["valid"], (text, report["errors"])
    assert report["total"] == sum(c for _, _, c in leaves if c is not None), text
    assert len(result.observations) == len(leaves), text


@settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.integers(-40, 40))
def test_no_row_labelled_as_a_total_is_ever_stored(generated, shift):
    text, leaves = generated
    # A total that no longer adds up may refuse the file; it must never be stored as data.
    lines = text.splitlines()
    totals = [
        i
        for i, line in enumerate(lines[1:], start=1)
        if any(w in line.casefold() for w in ("total", "all", "persons", "overall", "sum"))
    ]
    if totals and shift:
        cells = next(csv.reader([lines[totals[0]]]))
        cells[-1] = str(max(int(cells[-1]) + shift, 0))
        lines[totals[0]] = ",".join(cells)
    result, report = run("\n".join(lines) + "\n", FIELDS)
    stored = set(zip(result.observations["geography_code"], result.observations["nationality"], strict=True))
    assert stored <= {(w, CODES[n]) for w, n, _ in leaves}
    if report["valid"]:
        assert report["total"] == sum(c for _, _, c in leaves if c is not None)
        assert len(result.observations) == len(leaves)
    else:
        assert report["errors"]
