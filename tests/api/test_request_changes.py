import pytest

from requests_app.models import ChecklistAnswer, Status
from sharing.models import AuditEntry
from tests.factories import force_status


@pytest.fixture
def request_a(agency_a, contact_a, make_request):
    return force_status(make_request(agency_a), Status.SENT)


def transitions(data_request) -> str:
    return f"/api/v1/requests/{data_request.public_id}/transitions/"


def checklist(data_request) -> str:
    return f"/api/v1/requests/{data_request.public_id}/checklist/"


NATIONALITY = {"field": "nationality", "collected": "yes", "mandatory": "no", "extractable": "yes", "completeness": 90}


def test_the_agency_acknowledges_its_request_with_a_submit_token(token_client, contact_a, request_a):
    response = token_client(contact_a, "submit").post(
        f"/api/v1/requests/{request_a.public_id}/transitions/",
        {"action": "acknowledge", "version": request_a.version},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == Status.ACKNOWLEDGED
    entry = AuditEntry.objects.get(action=AuditEntry.Action.REQUEST_TRANSITION)
    assert (entry.actor, entry.request_reference) == (contact_a, request_a.reference)


def test_a_read_token_cannot_take_an_action(token_client, contact_a, request_a):
    response = token_client(contact_a, "read").post(transitions(request_a), {"action": "acknowledge"})
    assert response.status_code == 403
    request_a.refresh_from_db()
    assert request_a.status == Status.SENT


def test_another_agencys_contact_gets_404_and_changes_nothing(token_client, contact_b, request_a):
    client = token_client(contact_b, "submit")
    assert client.post(transitions(request_a), {"action": "acknowledge"}).status_code == 404
    assert (
        client.post(checklist(request_a), {"answers": [NATIONALITY]}, content_type="application/json").status_code
        == 404
    )
    request_a.refresh_from_db()
    assert request_a.status == Status.SENT and not request_a.checklist.exists()


def test_a_role_that_may_not_take_the_action_is_refused(token_client, dpo, request_a):
    response = token_client(dpo, "submit").post(transitions(request_a), {"action": "acknowledge"})
    assert response.status_code == 403
    assert "role" in response.json()["detail"]


def test_the_coordinator_records_a_move_made_outside_the_tracker(token_client, coordinator, request_a):
    response = token_client(coordinator, "submit").post(transitions(request_a), {"action": "acknowledge"})
    assert response.json()["status"] == Status.ACKNOWLEDGED


def test_a_stale_version_or_unknown_action_is_a_400_problem(token_client, contact_a, request_a):
    client = token_client(contact_a, "submit")
    stale = client.post(transitions(request_a), {"action": "acknowledge", "version": request_a.version + 1})
    assert stale.status_code == 400 and "Reload" in str(stale.json()["errors"])
    assert client.post(transitions(request_a), {"action": "fly"}).json()["errors"]["action"]


def test_the_agency_answers_its_checklist(token_client, contact_a, request_a):
    client = token_client(contact_a, "submit")
    response = client.post(
        f"/api/v1/requests/{request_a.public_id}/checklist/",
        {"answers": [NATIONALITY]},
        content_type="application/json",
    )
    assert response.json() == {"changed": 1}
    answer = ChecklistAnswer.objects.get(request=request_a, field__code="nationality")
    assert (answer.collected, answer.completeness, answer.recorded_as) == ("yes", 90, "agency")
    rows = {row["field"]: row for row in client.get(f"/api/v1/requests/{request_a.public_id}/").json()["checklist"]}
    assert rows["nationality"]["collected"] == "yes" and rows["ward"]["collected"] is None


def test_a_checklist_answer_the_page_would_refuse_is_refused(token_client, contact_a, request_a):
    client = token_client(contact_a, "submit")
    half = {"field": "nationality", "collected": "yes"}
    assert client.post(checklist(request_a), {"answers": [half]}, content_type="application/json").status_code == 400
    other = {**NATIONALITY, "field": "ethnicity"}
    assert client.post(checklist(request_a), {"answers": [other]}, content_type="application/json").status_code == 400
    assert not request_a.checklist.exists()


@pytest.mark.parametrize("persona, scope", [("dpo", "submit"), ("contact_a", "read")])
def test_the_dpo_and_read_tokens_cannot_answer_a_checklist(request, persona, scope, token_client, request_a):
    client = token_client(request.getfixturevalue(persona), scope)
    assert (
        client.post(checklist(request_a), {"answers": [NATIONALITY]}, content_type="application/json").status_code
        == 403
    )


def test_a_finished_requests_checklist_is_closed(token_client, contact_a, request_a):
    force_status(request_a, Status.COMPLETED)
    response = token_client(contact_a, "submit").post(
        checklist(request_a), {"answers": [NATIONALITY]}, content_type="application/json"
    )
    assert response.status_code == 403
