import uuid

import pytest

from sharing.models import AgreementEvent, AuditEntry, Status


@pytest.fixture
def agreement_a(make_agreement, agency_a):
    return make_agreement([agency_a], steps=("submit",))


@pytest.fixture
def agreement_b(make_agreement, agency_b):
    return make_agreement([agency_b], title="Patients by language", steps=("submit",))


def ids(body) -> set[str]:
    return {a["id"] for a in body["results"]}


@pytest.mark.parametrize("persona", ["coordinator", "dpo"])
def test_the_coordinator_and_the_dpo_read_the_whole_register(request, persona, token_client, agreement_a, agreement_b):
    body = token_client(request.getfixturevalue(persona)).get("/api/v1/agreements/").json()
    assert ids(body) == {str(agreement_a.public_id), str(agreement_b.public_id)}


def test_an_agency_contact_reads_only_agreements_naming_their_agency(token_client, contact_a, agreement_a, agreement_b):
    client = token_client(contact_a)
    assert ids(client.get("/api/v1/agreements/").json()) == {str(agreement_a.public_id)}
    body = client.get(f"/api/v1/agreements/{agreement_a.public_id}/").json()
    assert body["reference"] == agreement_a.reference
    assert {p["agency"] for p in body["parties"]} >= {"Agency A School"}
    assert body["decisions"] == []


def test_another_agencys_contact_gets_404_for_the_agreement(token_client, contact_b, agreement_a):
    response = token_client(contact_b).get(f"/api/v1/agreements/{agreement_a.public_id}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    client = token_client(contact_b, "submit")
    assert (
        client.post(f"/api/v1/agreements/{agreement_a.public_id}/decisions/", {"action": "approve"}).status_code == 404
    )


def test_a_made_up_agreement_is_404(token_client, dpo):
    assert token_client(dpo).get(f"/api/v1/agreements/{uuid.uuid4()}/").status_code == 404
    assert token_client(dpo).get("/api/v1/agreements/nonsense/").status_code == 404


def test_the_register_filters_by_status_as_its_page(token_client, dpo, agreement_a, make_agreement, agency_b):
    active = make_agreement([agency_b])
    body = token_client(dpo).get("/api/v1/agreements/?status=active").json()
    assert ids(body) == {str(active.public_id)}


def test_the_dpo_offers_and_takes_a_decision_with_a_submit_token(token_client, dpo, agreement_a):
    client = token_client(dpo, "submit")
    detail = client.get(f"/api/v1/agreements/{agreement_a.public_id}/").json()
    assert {"approve", "reject", "request_changes"} <= set(detail["decisions"])
    response = client.post(
        f"/api/v1/agreements/{agreement_a.public_id}/decisions/",
        {"action": "approve", "version": detail["lock_version"]},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == Status.APPROVED
    assert AgreementEvent.objects.filter(agreement=agreement_a, action="approve", actor=dpo).exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.AGREEMENT_APPROVED, actor=dpo).exists()


def test_a_decision_that_needs_a_note_is_refused_without_one(token_client, dpo, agreement_a):
    client = token_client(dpo, "submit")
    url = f"/api/v1/agreements/{agreement_a.public_id}/decisions/"
    refused = client.post(url, {"action": "request_changes"}, content_type="application/json")
    assert refused.status_code == 400 and refused["Content-Type"] == "application/problem+json"
    taken = client.post(url, {"action": "request_changes", "note": "Name the retention period."})
    assert taken.json()["status"] == Status.CHANGES_REQUESTED


def test_a_stale_version_is_refused(token_client, dpo, agreement_a):
    response = token_client(dpo, "submit").post(
        f"/api/v1/agreements/{agreement_a.public_id}/decisions/",
        {"action": "approve", "version": agreement_a.lock_version + 5},
        content_type="application/json",
    )
    assert response.status_code == 400
    agreement_a.refresh_from_db()
    assert agreement_a.status == Status.SUBMITTED


def test_a_read_token_cannot_decide(token_client, dpo, agreement_a):
    response = token_client(dpo, "read").post(
        f"/api/v1/agreements/{agreement_a.public_id}/decisions/", {"action": "approve"}
    )
    assert response.status_code == 403
    agreement_a.refresh_from_db()
    assert agreement_a.status == Status.SUBMITTED


@pytest.mark.parametrize("persona", ["coordinator", "contact_a"])
def test_decisions_are_the_dpos_alone(request, persona, token_client, agreement_a):
    response = token_client(request.getfixturevalue(persona), "submit").post(
        f"/api/v1/agreements/{agreement_a.public_id}/decisions/", {"action": "approve"}
    )
    assert response.status_code == 403
    agreement_a.refresh_from_db()
    assert agreement_a.status == Status.SUBMITTED


def test_the_sign_off_is_not_a_decision_taken_through_the_api(token_client, dpo, agreement_a):
    response = token_client(dpo, "submit").post(
        f"/api/v1/agreements/{agreement_a.public_id}/decisions/", {"action": "activate"}
    )
    assert response.status_code == 400
