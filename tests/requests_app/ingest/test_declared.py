"""What a file says about its own figures is read from its notes."""

import math

import pytest

from requests_app.ingest import declared


@pytest.mark.parametrize(
    ("note", "said"),
    [
        ("Figures are rounded to the nearest 5.", declared.Declared(rounding=5)),
        ("Note: all counts rounded to the nearest ten", declared.Declared(rounding=10)),
        ("Figures have been randomly rounded to base 5", declared.Declared(rounding=5, random_rounding=True)),
        (
            "Statistical Disclosure Control has been applied to this table to avoid the release of confidential "
            "data. Totals may not equal the sum of components.",
            declared.Declared(noise=True),
        ),
        ("Counts below 5 are suppressed and shown as c", declared.Declared(threshold=5)),
        ("Values of 1 to 4 are shown as *", declared.Declared(threshold=5)),
        ("Counts of 3 or fewer are suppressed", declared.Declared(threshold=4)),
        (
            "Counts under 10 are suppressed; secondary suppression is applied so they cannot be worked out",
            declared.Declared(threshold=10, secondary=True),
        ),
        ("Source: school census, January 2025", declared.Declared()),
    ],
)
def test_what_a_file_says_about_its_figures_is_read_from_its_notes(note, said):
    assert declared.from_notes([note]) == said


@pytest.mark.parametrize(
    ("marker", "bounds"),
    [("<5", (0, 4)), ("< 10", (0, 9)), ("<=3", (0, 3)), ("1-4", (1, 4)), ("1 to 6", (1, 6)), ("c", (0, math.inf))],
)
def test_a_suppressed_cell_holds_what_its_marker_allows(marker, bounds):
    assert declared.marker_bounds(marker, declared.Declared()) == bounds


def test_a_bare_marker_holds_less_than_the_declared_threshold_unless_other_cells_are_suppressed_too():
    assert declared.marker_bounds("c", declared.Declared(threshold=5)) == (0, 4)
    assert declared.marker_bounds("c", declared.Declared(threshold=5, secondary=True)) == (0, math.inf)
