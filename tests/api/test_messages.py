import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from requests_app.models import RequestEvent, Status
from requests_app.services.requests import request_transition
from tests.factories import force_status


@pytest.fixture
def request_a(agency_a, contact_a, make_request):
    return force_status(make_request(agency_a), Status.SENT)


def test_each_side_reads_the_question_and_its_answer(token_client, contact_a, coordinator, request_a):
    asked = request_transition(request=request_a, action="ask_clarification", user=contact_a, note="Term or year?")
    request_transition(request=asked, action="answer_clarification", user=coordinator, note="By term.")
    body = token_client(contact_a).get(f"/api/v1/requests/{request_a.public_id}/messages/").json()
    assert [e["text"] for e in body[:2]] == ["By term.", "Term or year?"]
    assert [e["action"] for e in body[:2]] == ["answer_clarification", "ask_clarification"]
    assert body[0]["created_at"] >= body[-1]["created_at"]


@pytest.mark.parametrize("persona", ["coordinator", "contact_a"])
def test_each_side_posts_a_message_that_the_other_reads(request, persona, token_client, contact_a, request_a):
    author = request.getfixturevalue(persona)
    response = token_client(author, "submit").post(
        f"/api/v1/requests/{request_a.public_id}/messages/",
        {"text": "The file follows on Friday."},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["kind"] == "message"
    event = RequestEvent.objects.get(request=request_a, kind=RequestEvent.Kind.MESSAGE)
    assert (event.actor, event.note) == (author, "The file follows on Friday.")
    listed = token_client(contact_a).get(f"/api/v1/requests/{request_a.public_id}/messages/?kind=message").json()
    assert [e["text"] for e in listed] == ["The file follows on Friday."]


def test_a_message_may_carry_a_file(token_client, contact_a, request_a):
    upload = SimpleUploadedFile("notes.txt", b"Column notes")
    response = token_client(contact_a, "submit").post(
        f"/api/v1/requests/{request_a.public_id}/messages/", {"text": "", "attachment": upload}
    )
    assert response.status_code == 201
    assert response.json()["attachment"] == "notes.txt"


def test_an_empty_message_is_refused(token_client, contact_a, request_a):
    response = token_client(contact_a, "submit").post(
        f"/api/v1/requests/{request_a.public_id}/messages/", {"text": " "}, content_type="application/json"
    )
    assert response.status_code == 400
    assert not RequestEvent.objects.filter(kind=RequestEvent.Kind.MESSAGE).exists()


def test_the_dpo_reads_but_does_not_take_part(token_client, dpo, request_a):
    assert token_client(dpo).get(f"/api/v1/requests/{request_a.public_id}/messages/").status_code == 200
    response = token_client(dpo, "submit").post(
        f"/api/v1/requests/{request_a.public_id}/messages/", {"text": "Hello"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_a_read_token_cannot_post(token_client, contact_a, request_a):
    response = token_client(contact_a).post(f"/api/v1/requests/{request_a.public_id}/messages/", {"text": "Hi"})
    assert response.status_code == 403


def test_another_agencys_contact_gets_404_and_writes_nothing(token_client, contact_b, request_a):
    client = token_client(contact_b, "submit")
    assert client.get(f"/api/v1/requests/{request_a.public_id}/messages/").status_code == 404
    assert client.post(f"/api/v1/requests/{request_a.public_id}/messages/", {"text": "Hi"}).status_code == 404
    assert not RequestEvent.objects.filter(kind=RequestEvent.Kind.MESSAGE).exists()
