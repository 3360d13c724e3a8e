"""What a file says about its own figures is read from its notes."""

import math

import numpy as np
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


def test_the_slack_a_file_declares_is_read_from_its_notes():
    assert declared.from_notes(["Figures are rounded to the nearest ten."]).rounding == 10
    assert declared.from_notes(["All figures randomly rounded to base 5"]).random_rounding
    noise = declared.from_notes(["Statistical Disclosure Control has been applied; totals may not sum"])
    assert (noise.rounding, noise.noise) == (0, True)
    assert declared.from_notes(["Counts fewer than 3 are suppressed."]).threshold == 3
    assert declared.from_notes(["Source: school census"]) == declared.Declared()


def test_rounding_and_noise_allow_a_gap_that_grows_with_the_figures_added():
    stated = np.array([100.0, 1000.0])
    assert declared.slack(stated, np.full(2, 5), declared.Declared()).tolist() == [0, 0]
    assert declared.slack(stated, np.full(2, 5), declared.Declared(rounding=10)).tolist() == [30, 30]
    assert declared.slack(stated, np.full(2, 5), declared.Declared(rounding=5, random_rounding=True)).tolist() == [
        24,
        24,
    ]
    assert declared.slack(stated, np.full(2, 5), declared.Declared(noise=True)).tolist() == [12, 50]


def test_a_suppressed_cell_holds_what_its_marker_or_the_notes_allow():
    said = declared.Declared(threshold=5)
    assert declared.marker_bounds("<3", said) == (0, 2)
    assert declared.marker_bounds("1-4", said) == (1, 4)
    assert declared.marker_bounds("c", said) == (0, 4)
    assert declared.marker_bounds("c", declared.Declared()) == (0, math.inf)
