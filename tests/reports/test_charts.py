"""Trend charts are drawn from the protected table alone: each point is a published count, and a
suppressed count is a gap, never a point."""

import re

import pytest

from catalogue.models import Source
from reports.charts import line_chart, nice_ticks, series_for
from reports.indicators import Query, build_table
from tests.factories import EAL, Q1, Q2, rows

POINT = re.compile(r"<title>([^<]*), ([^<,]*): (at least )?([\d,]+)</title></circle>")


def points(svg: str) -> dict[tuple[str, str], int]:
    return {(label, column): int(value.replace(",", "")) for label, column, _, value in POINT.findall(svg)}


def test_every_point_is_a_published_count_and_suppressed_counts_are_gaps(agency_a, received, add_return):
    add_return(
        received(agency_a),
        rows(
            ("EU8", "", Q1, 40),
            ("EU8", "", Q2, 52),
            ("EU2", "", Q1, 3),
            ("EU2", "", Q2, 25),
            ("NON-EU", "", Q1, 61),
            ("NON-EU", "", Q2, 70),
        ),
    )
    table = build_table(agency_a.area, Source.objects.get(slug=EAL), Query(sources=(EAL,)))
    suppressed = [(r, c) for r in table.rows for c in table.period_columns if table.value(r, c) is None]
    assert ("EU2", "Jan–Mar 2026") in suppressed

    drawn = points(line_chart(table))

    expected = {
        (r, c): table.value(r, c)
        for r, _ in series_for(table)
        for c in table.period_columns
        if table.value(r, c) is not None
    }
    assert expected and drawn == expected
    assert not set(suppressed) & set(drawn)


def test_a_lower_bound_is_labelled_as_at_least(agency_a, received, add_return):
    add_return(
        received(agency_a),
        rows(("EU8", "", Q1, 40), ("EU8", "", Q2, 52), ("NON-EU", "", Q1, 61), ("NON-EU", "", Q2, 70))
        + [{"nationality_group": "EU8", "count": None}],
    )
    table = build_table(agency_a.area, Source.objects.get(slug=EAL), Query(sources=(EAL,)))

    svg = line_chart(table)

    assert "EU8, Jan–Mar 2026: at least 40" in svg
    assert "EU8, Apr–Jun 2026: 52" in svg


def test_a_single_period_draws_no_chart(agency_a, received, add_return):
    add_return(received(agency_a), rows(("EU8", "", Q1, 40), ("NON-EU", "", Q1, 61)))
    table = build_table(agency_a.area, Source.objects.get(slug=EAL), Query(sources=(EAL,)))
    assert line_chart(table) == ""


def test_a_view_of_chosen_areas_charts_each_areas_subtotal_in_place_of_the_total(agency_a, two_wards_two_quarters):
    table = build_table(agency_a.area, two_wards_two_quarters, Query(sources=(EAL,), areas=("E05000001", "E05000002")))

    labels = [label for label, _ in series_for(table)]

    assert labels[:2] == ["Northgate (E05000001)", "Riverside (E05000002)"]
    assert points(line_chart(table))["Riverside (E05000002)", "Apr–Jun 2026"] == table.value(
        "Riverside (E05000002)", "Apr–Jun 2026"
    )


def test_the_legend_drops_an_areas_code_to_leave_room_for_its_name(agency_a, two_wards_two_quarters):
    table = build_table(agency_a.area, two_wards_two_quarters, Query(sources=(EAL,), areas=("E05000001", "E05000002")))
    svg = line_chart(table)
    assert ">Riverside</text>" in svg and "(E05000002)</text>" not in svg
    assert "<title>Riverside (E05000002), Apr–Jun 2026: 91</title>" in svg


def test_a_row_suppressed_in_every_period_gets_no_line_and_no_legend(agency_a, two_wards_two_quarters):
    table = build_table(agency_a.area, two_wards_two_quarters, Query(sources=(EAL,), areas=("E05000001", "E05000002")))
    hidden = [r for r in table.rows if all(table.value(r, c) is None for c in table.period_columns)]
    assert hidden
    assert not set(hidden) & {label for label, _ in series_for(table)}


@pytest.mark.parametrize(
    "peak, ticks",
    [
        (822, [0, 250, 500, 750, 1000]),
        (40, [0, 10, 20, 30, 40]),
        (3, [0, 1, 2, 3]),
        (0, [0, 1]),
    ],
)
def test_the_grid_is_drawn_at_round_numbers_reaching_the_highest_count(peak, ticks):
    assert nice_ticks(peak) == ticks
