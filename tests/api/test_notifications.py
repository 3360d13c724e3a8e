import pytest
from django.test import Client

from notifications.models import Notification
from notifications.services import notify
from tests.factories import client_for


@pytest.fixture
def notes(contact_a, contact_b):
    notify(users=[contact_a], subject="Request due soon")
    notify(users=[contact_a], subject="Reply from the coordinator")
    notify(users=[contact_b], subject="For agency B")


@pytest.mark.parametrize("persona", ["coordinator", "dpo", "contact_a", "contact_b"])
def test_each_person_sees_only_their_own_notifications(request, persona, token_client, notes):
    user = request.getfixturevalue(persona)
    body = token_client(user).get("/api/v1/notifications/").json()
    assert body["count"] == Notification.objects.filter(user=user).count()


def test_only_unread_ones_when_asked(token_client, contact_a, notes):
    client = token_client(contact_a, "submit")
    assert client.get("/api/v1/notifications/?unread=true").json()["count"] == 2
    assert client.post("/api/v1/notifications/read/").json() == {"marked": 2}
    assert client.get("/api/v1/notifications/?unread=true").json()["count"] == 0


def test_marking_read_leaves_other_peoples_notifications_alone(token_client, contact_a, contact_b, notes):
    token_client(contact_a, "submit").post("/api/v1/notifications/read/")
    assert Notification.objects.filter(user=contact_b, read_at__isnull=True).count() == 1


def test_the_browser_marks_read_with_its_csrf_token(contact_a, notes):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(contact_a)
    assert strict.post("/api/v1/notifications/read/").status_code == 403
    assert client_for(contact_a).post("/api/v1/notifications/read/").status_code == 200
