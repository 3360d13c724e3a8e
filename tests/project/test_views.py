import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from catalogue.tasks import HEARTBEAT_KEY

pytestmark = pytest.mark.django_db


def test_health_needs_no_login_and_reports_the_worker():
    cache.delete(HEARTBEAT_KEY)
    body = Client().get(reverse("health")).json()
    assert body["database"] is True and body["worker"] is False


def test_home_shows_the_catalogue_by_stage_and_the_worker_state(coordinator_client):
    page = coordinator_client.get(reverse("home")).content.decode()
    assert "Stage 1: public statistical data" in page
    assert "Background worker" in page


def test_a_user_without_a_role_is_told_to_ask_for_one(django_user_model):
    user = django_user_model.objects.create_user("norole", password="x-pass-12345")
    client = Client()
    client.force_login(user)
    assert "has no role yet" in client.get(reverse("home")).content.decode()


def test_the_login_page_explains_a_wrong_password():
    page = Client().post(reverse("login"), {"username": "nobody", "password": "wrong"}).content.decode()
    assert "did not match" in page


def test_home_gives_each_role_its_next_step(
    coordinator_client, dpo_client, contact_a_client, contact_b_client, agency_a, make_request
):
    from requests_app.models import Status
    from tests.factories import force_status

    force_status(make_request(agency_a), Status.SENT)
    assert "1 open request" in coordinator_client.get(reverse("home")).content.decode()
    assert "waiting for review" in dpo_client.get(reverse("home")).content.decode()
    assert "1 open request to your organisation" in contact_a_client.get(reverse("home")).content.decode()
    assert "0 open requests to your organisation" in contact_b_client.get(reverse("home")).content.decode()
