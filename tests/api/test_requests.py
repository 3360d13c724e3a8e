import uuid

import pytest

from requests_app.models import Status
from tests.factories import force_status, make_user


@pytest.fixture
def request_a(agency_a, contact_a, make_request):
    return force_status(make_request(agency_a), Status.SENT)


@pytest.fixture
def request_b(agency_b, contact_b, make_request):
    return force_status(make_request(agency_b, title="Patients by language"), Status.SENT)


def detail(data_request) -> str:
    return f"/api/v1/requests/{data_request.public_id}/"


@pytest.mark.parametrize("persona", ["coordinator", "dpo"])
def test_the_coordinator_and_the_dpo_see_every_agencys_requests(request, persona, token_client, request_a, request_b):
    body = token_client(request.getfixturevalue(persona)).get("/api/v1/requests/").json()
    assert {r["reference"] for r in body["results"]} == {request_a.reference, request_b.reference}


def test_an_agency_contact_sees_only_their_agencys_requests(token_client, contact_a, request_a, request_b):
    body = token_client(contact_a).get("/api/v1/requests/").json()
    assert [r["id"] for r in body["results"]] == [str(request_a.public_id)]
    assert body["results"][0]["agency"]["name"] == "Agency A School"


def test_another_agencys_contact_gets_404_for_the_request(token_client, contact_b, request_a):
    response = token_client(contact_b).get(detail(request_a))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_another_agencys_contact_cannot_find_it_by_search_or_filter(token_client, contact_b, request_a, agency_a):
    client = token_client(contact_b)
    assert client.get(f"/api/v1/requests/?q={request_a.reference}").json()["count"] == 0
    # As on the page, another agency is not even a value the filter accepts.
    assert client.get(f"/api/v1/requests/?agency={agency_a.public_id}").status_code == 400


def test_a_made_up_identifier_is_404(token_client, coordinator):
    assert token_client(coordinator).get(f"/api/v1/requests/{uuid.uuid4()}/").status_code == 404
    assert token_client(coordinator).get("/api/v1/requests/not-a-uuid/").status_code == 404


def test_a_person_without_a_role_sees_no_requests(token_client, request_a, db):
    client = token_client(make_user("nobody", None))
    assert client.get("/api/v1/requests/").json()["count"] == 0
    assert client.get(detail(request_a)).status_code == 404


@pytest.mark.parametrize("persona", ["coordinator", "dpo", "contact_a"])
def test_the_detail_explains_the_deadline_as_the_page_does(request, persona, token_client, request_a):
    body = token_client(request.getfixturevalue(persona)).get(detail(request_a)).json()
    deadline = body["deadline"]
    assert deadline["due"] and deadline["status"]
    assert deadline["explanation"] and all(isinstance(line, str) for line in deadline["explanation"])
    assert {row["field"] for row in body["checklist"]} == {"nationality", "ward", "period"}


def test_the_detail_offers_each_side_its_own_moves(token_client, coordinator, contact_a, request_a):
    agency_moves = {a["action"] for a in token_client(contact_a).get(detail(request_a)).json()["actions"]}
    coordinator_moves = {a["action"] for a in token_client(coordinator).get(detail(request_a)).json()["actions"]}
    assert "acknowledge" in agency_moves and "acknowledge" not in coordinator_moves


def test_a_draft_has_no_deadline_yet(token_client, coordinator, agency_a, make_request):
    draft = make_request(agency_a)
    assert token_client(coordinator).get(detail(draft)).json()["deadline"] is None


def test_requests_filter_by_status_and_order_by_reference(
    token_client, coordinator, request_a, request_b, agency_a, make_request
):
    make_request(agency_a, title="Still a draft")
    client = token_client(coordinator)
    sent = client.get("/api/v1/requests/?status=sent").json()
    assert {r["status"] for r in sent["results"]} == {"sent"} and sent["count"] == 2
    ordered = client.get("/api/v1/requests/?ordering=-reference").json()["results"]
    assert [r["reference"] for r in ordered] == sorted((r["reference"] for r in ordered), reverse=True)


def test_the_list_runs_a_fixed_number_of_queries(
    token_client, coordinator, agency_a, make_request, django_assert_max_num_queries
):
    client = token_client(coordinator)
    for i in range(12):
        force_status(make_request(agency_a, title=f"Request {i}"), Status.SENT)
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/requests/").json()["count"] == 12
