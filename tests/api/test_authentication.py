import datetime

import pytest
from django.utils import timezone

from api.models import ApiToken
from api.services import key_hash, token_create, token_revoke
from api.throttling import PerTokenThrottle
from sharing.models import AuditEntry
from tests.api.conftest import bearer_client

SOURCES = "/api/v1/sources/"


@pytest.fixture
def made(contact_a):
    return token_create(user=contact_a, name="MIS export", scope="read", days=30)


def test_a_token_is_kept_only_as_a_hash_of_its_secret(made):
    token, secret = made
    assert token.key_hash == key_hash(secret) != secret
    assert not ApiToken.objects.filter(key_hash=secret).exists()


def test_a_valid_token_reads_and_its_use_is_audited(made):
    token, secret = made
    response = bearer_client(secret).get(SOURCES + "?q=school")
    assert response.status_code == 200
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.API_TOKEN_USED).get()
    assert (entry.actor, entry.object_id, entry.detail) == (
        token.user,
        str(token.public_id),
        "GET /api/v1/sources/?q=school",
    )
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_making_and_revoking_a_token_are_audited(made):
    token, _ = made
    token_revoke(token=token)
    token_revoke(token=token)
    actions = list(AuditEntry.objects.filter(object_type="api.token").values_list("action", flat=True))
    assert sorted(actions) == [AuditEntry.Action.API_TOKEN_CREATED, AuditEntry.Action.API_TOKEN_REVOKED]


@pytest.mark.parametrize("secret", ["not-a-token", ""])
def test_an_unknown_token_is_refused_with_a_problem(secret, db):
    response = bearer_client(secret).get(SOURCES)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json()["type"] == "about:blank"


def test_a_revoked_token_is_refused(made):
    token, secret = made
    token_revoke(token=token)
    response = bearer_client(secret).get(SOURCES)
    assert response.status_code == 401
    assert response.json()["detail"] == "The token has been revoked."


def test_an_expired_token_is_refused(made):
    token, secret = made
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=now - datetime.timedelta(days=31), expires_at=now - datetime.timedelta(seconds=1)
    )
    response = bearer_client(secret).get(SOURCES)
    assert response.status_code == 401
    assert response.json()["detail"] == "The token has expired."


def test_the_token_of_a_deactivated_person_is_refused(made):
    token, secret = made
    token.user.is_active = False
    token.user.save()
    assert bearer_client(secret).get(SOURCES).status_code == 401


def test_no_credentials_get_a_401_problem_not_the_sign_in_page(client, db):
    response = client.get(SOURCES)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_the_browser_session_is_accepted(contact_a_client):
    assert contact_a_client.get(SOURCES).status_code == 200


def test_a_session_that_owes_its_second_factor_is_refused(settings, coordinator_client):
    settings.TRACKER_REQUIRE_2FA = True
    assert coordinator_client.get(SOURCES).status_code == 401


def test_a_read_token_may_not_make_changes(token_client, contact_a):
    response = token_client(contact_a, "read").post("/api/v1/notifications/read/")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_a_submit_token_may_make_changes(token_client, contact_a):
    assert token_client(contact_a, "submit").post("/api/v1/notifications/read/").status_code == 200


def test_a_token_lasts_at_most_a_year(contact_a):
    with pytest.raises(ValueError):
        token_create(user=contact_a, name="Forever", scope="read", days=366)


def test_requests_are_throttled_per_token(monkeypatch, token_client, contact_a):
    monkeypatch.setattr(PerTokenThrottle, "THROTTLE_RATES", {"token": "2/minute"})
    busy, other = token_client(contact_a), token_client(contact_a)
    assert [busy.get(SOURCES).status_code for _ in range(3)] == [200, 200, 429]
    refused = busy.get(SOURCES)
    assert refused.json()["code"] == "throttled"
    assert int(refused["Retry-After"]) > 0
    assert other.get(SOURCES).status_code == 200
