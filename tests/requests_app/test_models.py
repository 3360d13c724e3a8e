"""A request's history is append-only, and a request that was ever sent is never deleted."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction

from requests_app.models import DataRequest, RequestEvent, Status
from requests_app.services.requests import request_message_post, request_transition
from tests.factories import force_status


@pytest.fixture
def sent(make_request, agency_a):
    return force_status(make_request(agency_a), Status.SENT)


@pytest.fixture
def message(sent, contact_a):
    upload = SimpleUploadedFile("notes.csv", b"a,b\n1,2\n")
    return request_message_post(request=sent, user=contact_a, body="Here it is.", attachment=upload)


def refused_by_the_database(sql: str, params: list) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as error:
        return "append-only" in str(error) or "cannot be deleted" in str(error)
    return False


def test_an_event_cannot_be_saved_again_or_deleted(message):
    message.note = "Changed my mind."
    with pytest.raises(PermissionError):
        message.save()
    with pytest.raises(PermissionError):
        message.delete()


def test_bulk_updates_and_deletes_of_events_are_refused(message):
    with pytest.raises(PermissionError):
        RequestEvent.objects.filter(pk=message.pk).update(note="x")
    with pytest.raises(PermissionError):
        RequestEvent.objects.filter(pk=message.pk).delete()


def test_the_database_refuses_to_rewrite_a_message_or_its_attachment(message):
    table = RequestEvent._meta.db_table
    assert refused_by_the_database(f"UPDATE {table} SET note = 'forged' WHERE id = %s", [message.pk])
    assert refused_by_the_database(f"UPDATE {table} SET attachment = 'other.csv' WHERE id = %s", [message.pk])
    stored = RequestEvent.objects.get(pk=message.pk)
    assert stored.note == "Here it is." and stored.attachment_name == "notes.csv"


def test_the_database_refuses_to_delete_a_transition(make_request, agency_a, coordinator):
    request = request_transition(request=make_request(agency_a), action="send", user=coordinator)
    transition = request.events.get(kind=RequestEvent.Kind.TRANSITION, to_status=Status.SENT)
    assert refused_by_the_database(f"DELETE FROM {RequestEvent._meta.db_table} WHERE id = %s", [transition.pk])
    assert refused_by_the_database(f"UPDATE {RequestEvent._meta.db_table} SET actor_id = NULL", [])
    assert RequestEvent.objects.filter(pk=transition.pk).exists()


def test_a_request_that_was_sent_cannot_be_deleted(sent):
    with pytest.raises(PermissionError, match="withdraw it"):
        sent.delete()
    assert refused_by_the_database(f"DELETE FROM {DataRequest._meta.db_table} WHERE id = %s", [sent.pk])
    assert DataRequest.objects.filter(pk=sent.pk).exists()


def test_a_withdrawn_request_that_was_sent_still_cannot_be_deleted(sent):
    withdrawn = force_status(sent, Status.WITHDRAWN)
    assert refused_by_the_database(f"DELETE FROM {DataRequest._meta.db_table} WHERE id = %s", [withdrawn.pk])


def test_a_draft_that_was_never_sent_may_be_deleted_with_its_events(make_request, agency_a):
    draft = make_request(agency_a)
    assert draft.events.exists()
    draft.delete()
    assert not RequestEvent.objects.filter(request_id=draft.pk).exists()
