import pytest
from django.test import Client
from django.urls import reverse

from notifications.models import Notification
from notifications.services import notify

pytestmark = pytest.mark.django_db


def test_each_user_sees_only_their_own_notifications(contact_a, contact_a_client, contact_b_client):
    notify(users=[contact_a], subject="REQ-1: a private reminder", body="For agency A only")
    assert "a private reminder" in contact_a_client.get(reverse("notifications:list")).content.decode()
    assert "a private reminder" not in contact_b_client.get(reverse("notifications:list")).content.decode()


def test_marking_all_read_touches_only_the_users_own(contact_a, contact_b, contact_b_client):
    notify(users=[contact_a, contact_b], subject="Hello")
    contact_b_client.post(reverse("notifications:read-all"))
    assert Notification.objects.get(user=contact_a).read_at is None
    assert Notification.objects.get(user=contact_b).read_at is not None


def test_anonymous_users_are_sent_to_login():
    assert Client().get(reverse("notifications:list"))["Location"].startswith(reverse("login"))
