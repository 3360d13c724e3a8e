"""Coverage, recommendations and indicators through the API: the coordinator's and the DPO's, as
the report pages are, and never an unprotected cell."""

import csv
import io
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import override_settings

from catalogue.models import Source
from reports.indicators import Query, indicators_build
from reports.indicators.caching import Preparation, _keys
from reports.indicators.masters import _threshold
from sharing.disclosure import check
from sharing.models import AuditEntry
from tests.factories import EAL, Q1, Q2, rows

TABLE = f"?source={EAL}&rows=nationality_group&columns=quarter"


@pytest.fixture
def data(agency_a, received, add_return):
    add_return(
        received(agency_a),
        rows(
            ("EU8", "E05000001", Q1, 40),
            ("EU8", "E05000001", Q2, 52),
            ("EU2", "E05000001", Q1, 3),
            ("EU2", "E05000001", Q2, 25),
            ("NON-EU", "E05000002", Q1, 61),
            ("NON-EU", "E05000002", Q2, 2),
        ),
    )


@pytest.mark.parametrize("persona", ["coordinator", "dpo"])
def test_the_coordinator_and_the_dpo_read_the_coverage(request, persona, token_client, agency_a, make_request):
    make_request(agency_a)
    client = token_client(request.getfixturevalue(persona))
    summary = client.get("/api/v1/coverage/").json()
    assert summary["area"] == agency_a.area.name and "themes" in summary and "agencies" not in summary
    agencies = client.get("/api/v1/coverage/agencies/").json()
    assert [r["name"] for r in agencies["results"]] == ["Agency A School"] and agencies["count"] == 1
    assert "nationality" in agencies["results"][0]["cells"]
    sources = client.get("/api/v1/coverage/sources/?page_size=2").json()
    assert len(sources["results"]) == 2 and sources["count"] > 2 and sources["next"]


def test_the_coverage_comes_from_the_pages_cache(token_client, coordinator, agency_a, django_assert_max_num_queries):
    client = token_client(coordinator)
    client.get("/api/v1/coverage/")
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/coverage/agencies/").status_code == 200


def test_recommendations_are_ranked_with_their_evidence(token_client, dpo, agency_a, make_request):
    make_request(agency_a)
    body = token_client(dpo).get("/api/v1/recommendations/").json()
    assert body["count"] == len(body["results"]) > 0
    assert [r["rank"] for r in body["results"]] == list(range(1, body["count"] + 1))
    assert all({"title", "why", "evidence", "checklist_item"} <= set(r) for r in body["results"])


REPORTS = [
    "/api/v1/coverage/",
    "/api/v1/coverage/agencies/",
    "/api/v1/coverage/sources/",
    "/api/v1/recommendations/",
    f"/api/v1/indicators/{TABLE}",
    f"/api/v1/indicators/csv/{TABLE}",
]


@pytest.mark.parametrize("url", REPORTS)
@pytest.mark.parametrize("persona", ["contact_a", "contact_b"])
def test_agency_contacts_are_refused_every_report_as_on_the_pages(request, persona, url, token_client, data):
    response = token_client(request.getfixturevalue(persona)).get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.DATA_VIEWED).exists()


def published_of(table: dict) -> dict:
    return {
        (row["label"], column): value
        for row in table["rows"]
        for column, value in zip(table["columns"], row["values"], strict=True)
    }


def test_the_json_tables_read_back_cannot_narrow_a_suppressed_cell(token_client, dpo, agency_a, data):
    response = token_client(dpo).get(f"/api/v1/indicators/{TABLE}")
    assert response.status_code == 200
    [table] = response.json()["tables"]
    published = published_of(table)
    assert any(v is None for v in published.values()), "the small counts are suppressed"
    assert all(v is None or v >= table["threshold"] or (r, c) == ("Total", "Total") for (r, c), v in published.items())
    # Audited with the relations the page's own table has: what a reader can add up.
    [page_table] = indicators_build(area=agency_a.area, query=Query(sources=(EAL,))).tables
    assert published == page_table.published
    check(published, page_table.relations, threshold=table["threshold"], rounding=table["rounding"])


def test_the_csv_tables_read_back_cannot_narrow_a_suppressed_cell(token_client, coordinator, agency_a, data):
    response = token_client(coordinator).get(
        f"/api/v1/indicators/csv/?source={EAL}&rows=nationality_group&columns=quarter"
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    [table] = indicators_build(area=agency_a.area, query=Query(sources=(EAL,))).tables
    header, body = lines[1], lines[2 : 2 + len(table.rows)]
    published = {
        (line[0], column): None if value == "[c]" else int(value)
        for line in body
        for column, value in zip(header[1:], line[1:], strict=True)
    }
    assert published == table.published and None in published.values()
    check(published, table.relations, threshold=table.threshold, rounding=table.rounding)


def test_reading_the_tables_is_audited_like_the_page(token_client, dpo, data):
    client = token_client(dpo)
    client.get(f"/api/v1/indicators/{TABLE}")
    client.get(f"/api/v1/indicators/csv/{TABLE}")
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.DATA_VIEWED).order_by("pk")
    assert [(e.actor, e.object_type, e.object_id) for e in entries] == [(dpo, "reports.indicators", EAL)] * 2
    assert entries[1].detail == f"/api/v1/indicators/csv/{TABLE}"


def test_a_table_too_large_to_protect_at_once_answers_its_state_and_is_not_built(
    token_client, coordinator, agency_a, data
):
    eal = Source.objects.get(slug=EAL)
    keys = _keys(agency_a.area, eal, _threshold(agency_a.area, eal), None)
    with (
        override_settings(TRACKER_INDICATORS_INLINE_COUNTS=0, TRACKER_ROUNDING=None),
        mock.patch("reports.indicators.caching.current_app.send_task") as sent,
    ):
        response = token_client(coordinator).get(f"/api/v1/indicators/{TABLE}")
    assert response.status_code == 202 and response["Retry-After"]
    body = response.json()
    [table] = body["tables"]
    assert body["preparing"] and table["preparing"] and table["rows"] == [] and table["refused"]
    assert cache.get(keys.masters) is None and isinstance(cache.get(keys.preparing), Preparation)
    sent.assert_called_once()


def test_a_bad_layout_is_a_problem_naming_the_field(token_client, coordinator, data):
    response = token_client(coordinator).get(f"/api/v1/indicators/?source={EAL}&rows=area&columns=area")
    assert response.status_code == 400
    assert "columns" in response.json()["errors"]
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.DATA_VIEWED).exists()


def test_an_unknown_source_is_a_problem(token_client, coordinator, data):
    response = token_client(coordinator).get("/api/v1/indicators/?source=nothing-here")
    assert response.status_code == 400 and "source" in response.json()["errors"]
