import datetime

from tests.catalogue.dcat_shape import assert_valid_dcat3


def test_the_catalogue_is_served_as_valid_dcat3_json_ld(token_client, contact_a):
    response = token_client(contact_a).get("/api/v1/catalogue.jsonld")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    assert_valid_dcat3(response.json())


def temporal_of(client, slug) -> list:
    body = client.get("/api/v1/catalogue.jsonld").json()
    return [n.get("dct:temporal") for n in body["dcat:dataset"] if n["dct:identifier"] == slug]


def test_a_sources_requested_periods_are_its_temporal_coverage_for_those_who_may_see_them(
    token_client, coordinator, contact_a, contact_b, agency_a, make_request
):
    asked = make_request(agency_a, period_start=datetime.date(2025, 4, 1), period_end=datetime.date(2026, 3, 31))
    [period, *_] = temporal_of(token_client(coordinator), asked.source.slug)
    assert (period["dcat:startDate"], period["dcat:endDate"]) == ("2025-04-01", "2026-03-31")
    assert temporal_of(token_client(contact_a), asked.source.slug)[0] == period
    # Another agency's contact learns nothing of agency A's request from the catalogue.
    assert set(map(str, temporal_of(token_client(contact_b), asked.source.slug))) == {"None"}
