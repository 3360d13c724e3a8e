"""Indicator tables: only current processed returns, one protected table per source, the
definitions beside them, a warning when sources are not comparable, and the filters a reader picks."""

import datetime

import pytest

from catalogue.models import AreaCode, GeographyLevel, Source
from reports.indicators import (
    TOTAL,
    Query,
    build_table,
    comparability_warnings,
    indicators_build,
)
from requests_app.models import Return
from sharing.disclosure import protect
from tests.factories import EAL, Q1, Q2, rows
from tests.reports.indicators.published import published_ok

VCS = "vcs-migrant-support-organisations"


@pytest.fixture
def pupils(agency_a, received, add_return):
    add_return(
        received(agency_a),
        rows(
            ("EU8", "E05000001", Q1, 40),
            ("EU8", "E05000001", Q2, 52),
            ("EU2", "E05000001", Q1, 3),
            ("EU2", "E05000001", Q2, 25),
            ("NON-EU", "E05000002", Q1, 61),
            ("NON-EU", "E05000002", Q2, 70),
            ("EU8", "E05000002", Q1, 18),
            ("EU8", "E05000002", Q2, 21),
        ),
    )
    return Source.objects.get(slug=EAL)


def test_a_table_counts_current_processed_returns_only(agency_a, received, add_return):
    request = received(agency_a)
    add_return(request, rows(("EU8", "E05000001", Q1, 1000)), superseded=True)
    add_return(request, rows(("EU8", "E05000001", Q1, 500)), status="failed")
    add_return(request, rows(("EU8", "E05000001", Q1, 40), ("NON-EU", "E05000001", Q1, 60)))
    table = build_table(agency_a.area, Source.objects.get(slug=EAL), Query(sources=(EAL,)))
    assert table.value(TOTAL, TOTAL) == 100
    assert table.columns == ["Jan–Mar 2026", TOTAL]


def test_a_small_count_and_the_cell_that_would_reveal_it_are_suppressed(agency_a, pupils):
    table = build_table(agency_a.area, pupils, Query(sources=(EAL,)))
    assert table.value("EU2", "Jan–Mar 2026") is None
    assert table.primary >= 1 and table.secondary >= 1
    assert published_ok(table)


def test_wards_nested_in_the_authority_get_subtotals_and_stay_protected(agency_a, received, add_return):
    AreaCode.objects.create(
        area=agency_a.area, code="E05000001", name="Northgate", level=GeographyLevel.objects.get(code="ward")
    )
    add_return(
        received(agency_a),
        rows(
            ("EU8", "E05000001", Q1, 40),
            ("EU8", "E05000001", Q2, 52),
            ("EU2", "E05000001", Q1, 3),
            ("EU2", "E05000001", Q2, 25),
            ("NON-EU", "E05000001", Q1, 30),
            ("NON-EU", "E05000001", Q2, 30),
            ("NON-EU", "E05000002", Q1, 61),
            ("NON-EU", "E05000002", Q2, 70),
            ("EU8", "E05000002", Q1, 18),
            ("EU8", "E05000002", Q2, 21),
            ("EU2", "E05000002", Q1, 15),
            ("EU2", "E05000002", Q2, 15),
        ),
    )
    table = build_table(agency_a.area, Source.objects.get(slug=EAL), Query(sources=(EAL,), by_area=True))
    assert "Northgate (E05000001)" in table.group_rows
    assert table.rows[:4] == ["E05000002", "E05000002 · EU2", "E05000002 · EU8", "E05000002 · Non-EU"]
    assert table.value("Northgate (E05000001) · EU2", "Jan–Mar 2026") is None
    assert table.value("Northgate (E05000001)", TOTAL) == 180
    assert table.value("All areas · EU8", TOTAL) == 131
    assert published_ok(table)


def test_months_are_published_with_their_quarter_totals_and_protected(agency_a, received, add_return):
    def month(m):
        return datetime.date(2026, m, 1), datetime.date(2026, m, 28)

    add_return(
        received(agency_a),
        rows(
            ("EU8", "", month(1), 20),
            ("EU8", "", month(2), 4),
            ("EU8", "", month(3), 30),
            ("EU2", "", month(1), 15),
            ("EU2", "", month(2), 16),
            ("EU2", "", month(3), 12),
        ),
    )
    table = build_table(agency_a.area, Source.objects.get(slug=EAL), Query(sources=(EAL,), columns="month-quarter"))
    assert table.group_columns == {"Jan–Mar 2026"}
    assert table.columns[:3] == ["Jan 2026", "Feb 2026", "Mar 2026"]
    assert table.value("EU8", "Feb 2026") is None
    assert published_ok(table)


def test_rounding_publishes_multiples_of_the_base(agency_a, pupils, settings):
    settings.TRACKER_ROUNDING = 5
    table = build_table(agency_a.area, pupils, Query(sources=(EAL,)))
    assert table.rounding == 5
    assert all(v % 5 == 0 for v in table.published.values() if v is not None)
    assert published_ok(table)


def test_a_cell_the_agency_suppressed_makes_its_totals_lower_bounds(agency_a, received, add_return):
    add_return(
        received(agency_a),
        rows(("EU8", "", Q1, 40), ("EU2", "", Q1, 30)) + [{"nationality_group": "EU2", "count": None}],
    )
    table = build_table(agency_a.area, Source.objects.get(slug=EAL), Query(sources=(EAL,)))
    assert ("EU2", "Jan–Mar 2026") in table.incomplete and (TOTAL, TOTAL) in table.incomplete
    assert table.value("EU2", "Jan–Mar 2026") == 30


def test_each_source_gets_its_own_table_and_a_warning_that_they_are_not_comparable(
    agency_a, agency_b, received, add_return
):
    add_return(received(agency_a), rows(("EU8", "", Q1, 40)))
    add_return(
        received(agency_b, source=Source.objects.get(slug=VCS), fields=("nationality", "period")),
        rows(("NON-EU", "", Q1, 30)),
    )
    built = indicators_build(area=agency_a.area, query=Query(sources=(EAL, VCS)))
    assert [t.source.slug for t in built.tables] == [EAL, VCS]
    assert [t.value(TOTAL, TOTAL) for t in built.tables] == [40, 30]
    [warning] = built.warnings
    assert "not directly comparable" in warning


def test_a_stock_beside_a_flow_is_warned_about(db):
    census = Source.objects.filter(stage="public", measure="stock").first()
    flows = Source.objects.filter(stage="public", measure="flow").first()
    [warning] = comparability_warnings([census, flows])
    assert "Do not add them together" in warning


def test_sources_with_the_same_definition_and_measure_raise_no_warning(db):
    eal = Source.objects.get(slug=EAL)
    assert comparability_warnings([eal, Source.objects.get(slug=EAL)]) == []


def test_sources_with_no_processed_return_are_not_offered(agency_a, received, add_return):
    add_return(received(agency_a), rows(("EU8", "", Q1, 40)), status="failed")
    assert indicators_build(area=agency_a.area, query=Query(sources=(EAL,))).tables == []


def test_an_areas_subtotal_is_a_lower_bound_when_one_of_its_cells_is(agency_a, received, add_return):
    AreaCode.objects.create(
        area=agency_a.area, code="E05000001", name="Northgate", level=GeographyLevel.objects.get(code="ward")
    )
    add_return(
        received(agency_a),
        rows(("EU8", "E05000001", Q1, 40), ("EU2", "E05000001", Q1, 30))
        + [{"nationality_group": "EU2", "geography_code": "E05000001", "count": None}],
    )
    table = build_table(agency_a.area, Source.objects.get(slug=EAL), Query(sources=(EAL,), by_area=True))
    assert ("Northgate (E05000001)", "Jan–Mar 2026") in table.incomplete
    assert ("Northgate (E05000001) · EU8", "Jan–Mar 2026") not in table.incomplete


def test_every_view_of_a_source_is_cut_from_one_protected_table(agency_a, pupils):
    """Two views that suppressed different cells could be read against each other; so a count
    shows the same, published or suppressed, in every view that has it."""
    AreaCode.objects.create(
        area=agency_a.area, code="E05000001", name="Northgate", level=GeographyLevel.objects.get(code="ward")
    )
    plain = build_table(agency_a.area, pupils, Query(sources=(EAL,)))
    nested = build_table(agency_a.area, pupils, Query(sources=(EAL,), by_area=True))
    by_area = build_table(agency_a.area, pupils, Query(sources=(EAL,), columns="area"))
    areas = build_table(agency_a.area, pupils, Query(sources=(EAL,), rows="area"))
    assert plain.master_published == nested.master_published == by_area.master_published
    for (row, column), value in plain.published.items():
        shown = nested.value(row if row == TOTAL else f"All areas · {row}", column)
        assert shown == value
    for row in ("EU8", "EU2", "Non-EU"):
        assert by_area.value(row, TOTAL) == plain.value(row, TOTAL)
        assert by_area.value(row, "Northgate (E05000001)") == nested.value("Northgate (E05000001) · " + row, TOTAL)
    assert areas.value("Northgate (E05000001)", "Jan–Mar 2026") == nested.value("Northgate (E05000001)", "Jan–Mar 2026")
    for table in (plain, nested, by_area, areas):
        assert published_ok(table)


def test_data_returned_for_the_whole_authority_has_no_area_view(agency_a, received, add_return):
    add_return(received(agency_a), rows(("EU8", "", Q1, 40)))
    table = build_table(agency_a.area, Source.objects.get(slug=EAL), Query(sources=(EAL,), columns="area"))
    assert "no areas" in table.refused


def test_a_protected_table_is_reused_until_its_returns_change(agency_a, received, add_return, monkeypatch):
    from reports.indicators import protection

    protected = []
    monkeypatch.setattr(protection, "protect", lambda *args, **kwargs: protected.append(1) or protect(*args, **kwargs))
    request = received(agency_a)
    add_return(request, rows(("EU8", "", Q1, 40), ("EU2", "", Q1, 4)))
    source = Source.objects.get(slug=EAL)
    first = build_table(agency_a.area, source, Query(sources=(EAL,)))
    # The first view protects every dimension's table of the source; the others reuse them.
    built = len(protected)
    again = build_table(agency_a.area, source, Query(sources=(EAL,), columns="year"))
    by_language = build_table(agency_a.area, source, Query(sources=(EAL,), rows="main_language"))
    assert (
        len(protected) == built
        and first.value(TOTAL, TOTAL) == again.value(TOTAL, TOTAL) == by_language.value(TOTAL, TOTAL) == 44
    )
    add_return(request, rows(("EU8", "", Q1, 50), ("EU2", "", Q1, 30)))
    Return.objects.filter(request=request, version=1).update(superseded=True)
    second = build_table(agency_a.area, source, Query(sources=(EAL,)))
    assert len(protected) == 2 * built and second.value(TOTAL, TOTAL) == 80


def test_tables_of_one_source_by_different_fields_show_the_same_totals_alike(agency_a, received, add_return):
    """Nationality by quarter and language by quarter share their quarter totals: a total
    suppressed in one is suppressed in the other, so neither gives the other's hidden cells away."""
    add_return(
        received(agency_a, fields=("nationality", "main-language", "ward", "period")),
        [
            {
                "nationality_group": g,
                "main_language": lang,
                "geography_code": w,
                "period_start": p[0],
                "period_end": p[1],
                "count": n,
            }
            for g, lang, w, p, n in [
                ("EU8", "pol", "E05000001", Q1, 40),
                ("EU2", "ron", "E05000001", Q1, 3),
                ("EU8", "pol", "E05000002", Q2, 6),
                ("NON-EU", "ara", "E05000002", Q1, 25),
                ("NON-EU", "tir", "E05000002", Q2, 2),
                ("EU2", "ron", "E05000001", Q2, 31),
            ]
        ],
    )
    source = Source.objects.get(slug=EAL)
    for columns in ("quarter", "area"):
        by_group = build_table(agency_a.area, source, Query(sources=(EAL,), rows="nationality_group", columns=columns))
        by_language = build_table(agency_a.area, source, Query(sources=(EAL,), rows="main_language", columns=columns))
        shared = [(TOTAL, c) for c in by_group.columns]
        assert [by_group.published[cell] for cell in shared] == [by_language.published[cell] for cell in shared]
        assert published_ok(by_group) and published_ok(by_language)


def test_a_cell_holding_only_counts_the_agency_suppressed_is_suppressed_not_published_as_zero(
    agency_a, received, add_return
):
    add_return(
        received(agency_a),
        rows(("EU8", "", Q1, 40), ("EU2", "", Q1, 30)) + [{"nationality_group": "NON-EU", "count": None}],
    )
    table = build_table(agency_a.area, Source.objects.get(slug=EAL), Query(sources=(EAL,)))
    # Its known part is 0, but the agency's "<5" behind it means one to four people.
    assert ("Non-EU", "Jan–Mar 2026") in table.published
    assert table.value("Non-EU", "Jan–Mar 2026") is None and table.value("Non-EU", TOTAL) is None
    # And its row's total no longer gives it away (40 + 30 + 0 = 70).
    assert [table.value(row, "Jan–Mar 2026") for row in ("EU2", "EU8", TOTAL)].count(None) >= 1
    assert published_ok(table)


def test_a_cell_whose_known_part_is_small_is_suppressed_even_when_counts_were_added_to_it(
    agency_a, received, add_return
):
    add_return(
        received(agency_a),
        rows(("EU8", "", Q1, 40), ("EU2", "", Q1, 30), ("NON-EU", "", Q1, 12), ("NON-EU", "", Q1, 6))
        + [{"nationality_group": "NON-EU", "count": None}, {"nationality_group": "EU2", "count": None}],
    )
    table = build_table(agency_a.area, Source.objects.get(slug=EAL), Query(sources=(EAL,)))
    # 18 known is safe to show as "at least 18"; and 30 as "at least 30".
    assert table.value("Non-EU", "Jan–Mar 2026") == 18 and ("Non-EU", "Jan–Mar 2026") in table.incomplete
    assert table.value("EU2", "Jan–Mar 2026") == 30


def test_the_agreements_threshold_applies_when_it_is_stricter_than_the_requests(agency_a, received, add_return):
    stored = add_return(received(agency_a), rows(("EU8", "", Q1, 40), ("EU2", "", Q1, 12), ("NON-EU", "", Q1, 61)))
    source = Source.objects.get(slug=EAL)
    assert build_table(agency_a.area, source, Query(sources=(EAL,))).value("EU2", "Jan–Mar 2026") == 12

    type(stored.agreement).objects.filter(pk=stored.agreement_id).update(reporting_threshold=15)
    table = build_table(agency_a.area, source, Query(sources=(EAL,)))

    assert table.threshold == 15
    assert table.value("EU2", "Jan–Mar 2026") is None
    assert published_ok(table)


def test_a_period_filter_keeps_only_the_periods_inside_it_cut_from_the_same_protected_table(
    agency_a, two_wards_two_quarters
):
    whole = build_table(agency_a.area, two_wards_two_quarters, Query(sources=(EAL,)))
    table = build_table(agency_a.area, two_wards_two_quarters, Query(sources=(EAL,), since=Q2[0], until=Q2[1]))

    assert table.columns == ["Apr–Jun 2026"] and table.period_columns == ["Apr–Jun 2026"]
    assert {cell: value for cell, value in table.published.items()} == {
        (row, "Apr–Jun 2026"): whole.value(row, "Apr–Jun 2026") for row in whole.rows
    }
    assert table.query.label == "Nationality group by quarter, Apr 2026 to Jun 2026"
    assert published_ok(table)


def test_an_area_filter_shows_the_chosen_wards_within_themselves_without_the_authoritys_totals(
    agency_a, two_wards_two_quarters
):
    whole = build_table(agency_a.area, two_wards_two_quarters, Query(sources=(EAL,), by_area=True))
    table = build_table(agency_a.area, two_wards_two_quarters, Query(sources=(EAL,), areas=("E05000002",)))

    # Within areas every value gets a row, zeros included.
    assert table.rows == [
        "Riverside (E05000002)",
        "Riverside (E05000002) · EU2",
        "Riverside (E05000002) · EU8",
        "Riverside (E05000002) · Non-EU",
    ]
    assert all(table.published[cell] == whole.published[cell] for cell in table.published)
    assert "within the chosen area" in table.query.label
    assert published_ok(table)


def test_an_area_filter_on_areas_as_rows_or_columns_keeps_only_those_areas(agency_a, two_wards_two_quarters):
    by_rows = build_table(
        agency_a.area, two_wards_two_quarters, Query(sources=(EAL,), rows="area", areas=("E05000001",))
    )
    by_columns = build_table(
        agency_a.area, two_wards_two_quarters, Query(sources=(EAL,), columns="area", areas=("E05000001",))
    )
    assert by_rows.rows == ["Northgate (E05000001)"]
    assert by_columns.columns == ["Northgate (E05000001)"]
    assert published_ok(by_rows) and published_ok(by_columns)


def test_an_area_filter_on_data_without_areas_says_why_nothing_is_shown(agency_a, received, add_return):
    add_return(received(agency_a), rows(("EU8", "", Q1, 40)))
    table = build_table(agency_a.area, Source.objects.get(slug=EAL), Query(sources=(EAL,), areas=("E05000001",)))
    assert "no areas" in table.refused


def test_a_period_filter_with_areas_as_columns_says_why_nothing_is_shown(agency_a, two_wards_two_quarters):
    table = build_table(agency_a.area, two_wards_two_quarters, Query(sources=(EAL,), columns="area", since=Q1[0]))
    assert "periods as the columns" in table.refused
