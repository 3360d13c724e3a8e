"""The tables of one source protected together: the totals they share and the groups whose members are public."""

from types import SimpleNamespace

import pytest

from catalogue.models import Source
from reports.indicators import (
    TOTAL,
    Query,
    _margin,
    _master,
    build_table,
)
from sharing.disclosure import DisclosureRefused, Policy, Relation, check, protect
from tests.factories import EAL, Q1, Q2
from tests.reports.indicators.published import month, published_ok


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
