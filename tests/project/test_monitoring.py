"""What operators see: /health/ says only whether each part is up; /monitoring/ and the
coordinator's home give the queue, the oldest waiting return and the returns in each state."""

import datetime
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from catalogue.tasks import HEARTBEAT_KEY
from requests_app.models import Return, Status
from requests_app.services.returns import return_upload
from requests_app.tasks import process_return
from tests.factories import force_status

pytestmark = pytest.mark.django_db
CSV = b"Nationality,Ward or small area,Period,Count\nPolish,E05000001,2025 Q1,12\n"


@pytest.fixture
def waiting(agency_a, make_request, make_agreement, contact_a):
    make_agreement([agency_a])
    request = force_status(make_request(agency_a), Status.SENT)
    with mock.patch.object(process_return, "delay"):
        stored = return_upload(request=request, user=contact_a, upload=SimpleUploadedFile("r.csv", CSV))
    Return.objects.filter(pk=stored.pk).update(uploaded_at=timezone.now() - datetime.timedelta(minutes=10))
    return stored


def test_health_says_only_whether_each_part_is_up(waiting):
    cache.delete(HEARTBEAT_KEY)
    response = Client().get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"app": True, "database": True, "broker": True, "worker": False}


def test_health_answers_503_when_the_database_is_down():
    with mock.patch("project.views.database_up", return_value=False):
        response = Client().get(reverse("health"))
    assert response.status_code == 503 and response.json()["database"] is False


def test_health_says_the_broker_is_down_without_waiting_on_it():
    with mock.patch("project.views.broker_queues", return_value=None):
        assert Client().get(reverse("health")).json()["broker"] is False


def test_monitoring_gives_a_coordinator_the_queue_and_the_returns_in_each_state(waiting, coordinator_client):
    body = coordinator_client.get(reverse("monitoring")).json()
    assert body["returns"]["states"]["queued"] == 1 and body["returns"]["states"]["done"] == 0
    assert body["returns"]["waiting"] == 1 and body["returns"]["oldest_waiting_seconds"] >= 600
    assert body["returns"]["unsent"] == 1, "the upload's send ran in no committed transaction here"
    assert set(body["broker_queues"]) == {"celery", "protect"} and "ok" in body["worker"]


def test_monitoring_answers_a_token_and_nobody_else(waiting, settings, contact_a_client, dpo_client):
    settings.TRACKER_MONITORING_TOKEN = "s3cret-token"
    assert Client().get(reverse("monitoring"), HTTP_AUTHORIZATION="Bearer s3cret-token").status_code == 200
    assert Client().get(reverse("monitoring"), HTTP_AUTHORIZATION="Bearer guessed").status_code == 404
    assert Client().get(reverse("monitoring")).status_code == 404
    assert contact_a_client.get(reverse("monitoring")).status_code == 404
    assert dpo_client.get(reverse("monitoring")).status_code == 404


def test_no_token_configured_lets_no_empty_token_in(settings):
    settings.TRACKER_MONITORING_TOKEN = ""
    assert Client().get(reverse("monitoring"), HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_the_coordinators_home_shows_the_returns_waiting_and_the_oldest(waiting, coordinator_client, contact_a_client):
    page = coordinator_client.get(reverse("home")).content.decode()
    assert "Returned files" in page and "Queued: 1" in page
    assert "1 waiting to be checked; the oldest since" in page and "1 not yet handed to the queue" in page
    assert "Returned files" not in contact_a_client.get(reverse("home")).content.decode()
