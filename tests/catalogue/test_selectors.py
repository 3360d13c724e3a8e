import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from catalogue import selectors

pytestmark = pytest.mark.django_db


def facet(facets, param):
    return {f.param: f for f in facets}[param]


def test_facet_counts_match_the_results_they_lead_to():
    data = QueryDict("geography=ward")
    facets = selectors.source_facets(data)
    field_counts = {o.value: o.count for o in facet(facets, "field").options}
    for code, count in field_counts.items():
        narrowed = selectors.source_filter(QueryDict(f"geography=ward&field={code}")).qs.count()
        assert count == narrowed, code


def test_or_facets_count_as_if_their_own_ticks_were_removed():
    facets = selectors.source_facets(QueryDict("stage=public"))
    stage = {o.value: o for o in facet(facets, "stage").options}
    assert stage["public"].selected and stage["public"].count == 36
    assert stage["local"].count == 27  # what ticking it as well would add
    theme_total = sum(o.count for o in facet(facets, "theme").options)
    assert theme_total == 36


@pytest.mark.parametrize("query", ["", "geography=ward&field=nationality&stage=local&q=data"])
def test_facets_run_the_same_number_of_queries_however_many_sources_there_are(query, add_sources):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            selectors.source_facets(QueryDict(query))
        return len(ctx)

    before = queries()
    add_sources(40)
    assert queries() == before


def test_sources_sharing_key_fields_excludes_the_source_itself():
    nino = selectors.source_get("nino-registrations")
    related = list(selectors.sources_sharing_key_fields(nino))
    assert nino not in related
    assert any(s.slug == "census-2011" for s in related)


def test_availability_rows_list_every_appendix_3_source(area):
    rows = selectors.availability_rows(area)
    assert len(rows) == 15
    assert all(answer is None for _, answer in rows)
