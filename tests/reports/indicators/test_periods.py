"""A stock in period columns: counted at a point in time, never added up over the months."""

import datetime

import pytest

from catalogue.models import AreaCode, GeographyLevel, Source
from reports.indicators import (
    TOTAL,
    Query,
    build_table,
    indicators_build,
)
from tests.factories import EAL, rows
from tests.reports.indicators.published import published_ok


@pytest.fixture
def snapshots(agency_a, received, add_return):
    """People supported on the last day of each month: a stock, three counts of mostly the same people."""

    def day(month, last):
        return datetime.date(2026, month, last), datetime.date(2026, month, last)

    counts = [
        ("EU8", "E05000001", day(1, 31), 40),
        ("EU8", "E05000001", day(2, 28), 44),
        ("EU8", "E05000001", day(3, 31), 47),
        ("NON-EU", "E05000001", day(1, 31), 30),
        ("NON-EU", "E05000001", day(2, 28), 31),
        ("NON-EU", "E05000001", day(3, 31), 33),
        ("EU8", "E05000002", day(3, 31), 25),
        ("NON-EU", "E05000002", day(3, 31), 21),
    ]
    add_return(received(agency_a), [{**row, "point_in_time": True} for row in rows(*counts)])
    return Source.objects.get(slug=EAL)


def test_a_stock_is_never_added_up_over_time(agency_a, snapshots):
    table = build_table(agency_a.area, snapshots, Query(sources=(EAL,), columns="month"))
    assert table.columns == ["31 Jan 2026", "28 Feb 2026", "31 Mar 2026"]
    assert TOTAL not in table.columns and not table.group_columns
    assert table.value("EU8", "31 Mar 2026") == 72
    assert published_ok(table)


def test_a_quarter_or_year_of_a_stock_shows_its_latest_count(agency_a, snapshots):
    for choice in ("quarter", "year"):
        table = build_table(agency_a.area, snapshots, Query(sources=(EAL,), columns=choice))
        assert table.columns == ["31 Mar 2026"], choice
        assert table.value("EU8", "31 Mar 2026") == 72 and table.value(TOTAL, "31 Mar 2026") == 126
        assert published_ok(table)
    # A quarter's latest count is its last month's, already shown: months with quarters are months.
    with_quarters = build_table(agency_a.area, snapshots, Query(sources=(EAL,), columns="month-quarter"))
    assert with_quarters.columns == ["31 Jan 2026", "28 Feb 2026", "31 Mar 2026"]


def test_areas_of_a_stock_side_by_side_show_the_latest_count_not_a_sum(agency_a, snapshots):
    AreaCode.objects.create(
        area=agency_a.area, code="E05000001", name="Northgate", level=GeographyLevel.objects.get(code="ward")
    )
    table = build_table(agency_a.area, snapshots, Query(sources=(EAL,), columns="area"))
    assert table.value("EU8", "Northgate (E05000001)") == 47
    assert table.value("EU8", TOTAL) == 72
    assert published_ok(table)


def test_two_counts_of_a_stock_in_one_month_stay_apart(agency_a, received, add_return):
    mid, end = (datetime.date(2026, 1, 15),) * 2, (datetime.date(2026, 1, 31),) * 2
    counts = rows(("EU8", "", mid, 40), ("EU8", "", end, 42), ("NON-EU", "", mid, 30), ("NON-EU", "", end, 33))
    add_return(received(agency_a), [{**row, "point_in_time": True} for row in counts])
    table = build_table(agency_a.area, Source.objects.get(slug=EAL), Query(sources=(EAL,), columns="month"))
    assert table.columns == ["31 Jan 2026"] and table.value("EU8", "31 Jan 2026") == 42


def test_the_page_says_a_stock_is_counted_at_a_point_in_time(agency_a, snapshots):
    found = indicators_build(area=agency_a.area, query=Query(sources=(EAL,)))
    assert any("point in time" in warning for warning in found.warnings)
