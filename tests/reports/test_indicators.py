"""Indicator tables: only current processed returns, one protected table per source, the
definitions beside them and a warning when sources are not comparable."""

import datetime
from types import SimpleNamespace

import pytest

from catalogue.models import AreaCode, GeographyLevel, Source
from reports.indicators import (
    TOTAL,
    Query,
    _margin,
    _master,
    build_table,
    comparability_warnings,
    indicators_build,
)
from requests_app.models import Return
from sharing.disclosure import DisclosureRefused, Policy, Relation, check, protect
from tests.factories import EAL, Q1, Q2, rows

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


def published_ok(table):
    """The view as published, and the whole table it is cut from, pass an independent audit."""
    check(table.published, table.relations, threshold=table.threshold, rounding=table.rounding)
    check(table.master_published, table.master_relations, threshold=table.threshold, rounding=table.rounding)
    return True


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


def month(m):
    return datetime.date(2026, m, 1), datetime.date(2026, m, 28)


def together(*views, shared=lambda cell: cell[0] == TOTAL):
    """Everything the views publish, as one table a reader could put together: the cells they
    share keep their keys, every other cell is keyed by its dimension too."""
    published, relations = {}, []
    for view in views:

        def key(cell, dimension=view.query.rows):
            return cell if shared(cell) else (dimension, *cell)

        published |= {key(cell): value for cell, value in view.master_published.items()}
        relations += [Relation(key(r.total), tuple(key(p) for p in r.parts)) for r in view.master_relations]
    return published, relations


def alone(area, source, *dimensions):
    """Each dimension's table protected on its own after the area and period totals, as views."""
    policy = Policy(threshold=10)
    margin = _margin(area, source, policy)
    views = []
    for dimension in dimensions:
        master, table = _master(area, source, dimension)
        views.append(
            SimpleNamespace(
                query=Query(sources=(EAL,), rows=dimension),
                master_relations=master.relations,
                master_published=protect(table, policy, fixed=margin).published,
            )
        )
    return views


@pytest.fixture
def small_january(agency_a, received, add_return):
    """January's total is small, so every table of the source suppresses it. Protected one at a time,
    the groups' table and the languages' table each leave it a wide enough range, but not the same one."""
    add_return(
        received(agency_a, fields=("nationality", "main-language", "period")),
        [
            {
                "nationality_group": group,
                "main_language": language,
                "period_start": month(m)[0],
                "period_end": month(m)[1],
                "count": n,
            }
            for group, language, m, n in [
                ("EU2", "ara", 3, 2),
                ("EU2", "ron", 1, 3),
                ("EU2", "ron", 2, 30),
                ("EU8", "ara", 1, 3),
                ("NON-EU", "ara", 2, 1),
                ("NON-EU", "ara", 3, 12),
                ("NON-EU", "pol", 1, 3),
                ("NON-EU", "pol", 2, 8),
            ]
        ],
    )
    return Source.objects.get(slug=EAL)


def test_tables_of_one_source_protected_one_at_a_time_can_narrow_a_shared_total_together(agency_a, small_january):
    views = alone(agency_a.area, small_january, "nationality_group", "main_language")
    assert all(view.master_published[TOTAL, "Jan 2026"] is None for view in views)
    with pytest.raises(DisclosureRefused, match="Total / Jan 2026 can be narrowed to between 5 and 11"):
        check(*together(*views), threshold=10)


def test_tables_of_one_source_by_different_fields_pass_the_audit_together(agency_a, small_january):
    views = [
        build_table(agency_a.area, small_january, Query(sources=(EAL,), rows=dimension, columns="month-quarter"))
        for dimension in ("nationality_group", "main_language", "nationality")
    ]
    check(*together(*views), threshold=10)
    assert all(published_ok(view) for view in views)


def test_tables_of_one_source_by_different_fields_show_a_suppressed_shared_total_alike(agency_a, small_january):
    views = [
        build_table(agency_a.area, small_january, Query(sources=(EAL,), rows=dimension, columns="month-quarter"))
        for dimension in ("nationality_group", "main_language", "nationality")
    ]
    assert views[0].value(TOTAL, "Jan 2026") is None
    shown = {view.query.rows: [view.value(TOTAL, column) for column in view.columns] for view in views}
    assert shown["main_language"] == shown["nationality"] == shown["nationality_group"]


# Which nationalities make up each group is public: here Romania is the EU2's only member.
MEMBERS = {"EU2": ["Romania"], "EU8": ["Lithuania", "Poland"]}


def group_sums(columns):
    """What a reader knows from the groups' members: each group's count is the sum of theirs."""
    return [
        Relation(("nationality_group", group, column), tuple(("nationality", n, column) for n in names))
        for group, names in MEMBERS.items()
        for column in columns
    ]


@pytest.fixture
def eastern_europeans(agency_a, received, add_return):
    add_return(
        received(agency_a),
        [
            {"nationality": code, "nationality_group": group, "period_start": q[0], "period_end": q[1], "count": n}
            for code, group, q, n in [
                ("LT", "EU8", Q1, 20),
                ("LT", "EU8", Q2, 20),
                ("PL", "EU8", Q1, 8),
                ("PL", "EU8", Q2, 30),
                ("RO", "EU2", Q1, 15),
                ("RO", "EU2", Q2, 15),
            ]
        ],
    )
    return Source.objects.get(slug=EAL)


def test_a_groups_table_protected_on_its_own_gives_away_its_members_hidden_counts(agency_a, eastern_europeans):
    published, relations = together(*alone(agency_a.area, eastern_europeans, "nationality_group", "nationality"))
    with pytest.raises(DisclosureRefused, match="Romania / Jan–Mar 2026 can be worked out exactly"):
        check(published, relations + group_sums(["Jan–Mar 2026", "Apr–Jun 2026"]), threshold=10)


def test_tables_by_nationality_and_by_group_pass_the_audit_with_the_groups_members(agency_a, eastern_europeans):
    groups = build_table(agency_a.area, eastern_europeans, Query(sources=(EAL,), rows="nationality_group"))
    nationalities = build_table(agency_a.area, eastern_europeans, Query(sources=(EAL,), rows="nationality"))
    published, relations = together(groups, nationalities)
    check(published, relations + group_sums(groups.period_columns), threshold=10)
    # Romania's row and the EU2's are the same counts, so they show alike.
    assert [groups.value("EU2", c) for c in groups.columns] == [
        nationalities.value("Romania", c) for c in groups.columns
    ]


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
