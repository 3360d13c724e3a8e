"""The new resources refuse a lapsed token and are throttled like the rest: a token's state is
checked before any view runs, so one row per resource is enough to show it is in force."""

import datetime

import pytest
from django.utils import timezone

from api.models import ApiToken
from api.services import token_create, token_revoke
from api.throttling import PerTokenThrottle
from tests.api.conftest import bearer_client

READS = [
    ("dpo", "/api/v1/agreements/"),
    ("dpo", "/api/v1/coverage/"),
    ("dpo", "/api/v1/recommendations/"),
    ("dpo", "/api/v1/indicators/?source=none"),
]


def lapsed(user, how: str) -> str:
    token, secret = token_create(user=user, name="Lapsed", scope="submit", days=30)
    if how == "revoked":
        token_revoke(token=token)
    else:
        now = timezone.now()
        ApiToken.objects.filter(pk=token.pk).update(
            created_at=now - datetime.timedelta(days=31), expires_at=now - datetime.timedelta(seconds=1)
        )
    return secret


@pytest.mark.parametrize("how", ["revoked", "expired"])
@pytest.mark.parametrize(("persona", "url"), READS)
def test_a_lapsed_token_reads_nothing(request, how, persona, url):
    response = bearer_client(lapsed(request.getfixturevalue(persona), how)).get(url)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("how", ["revoked", "expired"])
def test_a_lapsed_token_takes_no_decision_and_posts_no_message(request, how, dpo, contact_a, make_agreement, agency_a):
    agreement = make_agreement([agency_a], steps=("submit",))
    response = bearer_client(lapsed(dpo, how)).post(
        f"/api/v1/agreements/{agreement.public_id}/decisions/", {"action": "approve"}
    )
    assert response.status_code == 401
    agreement.refresh_from_db()
    assert agreement.status == "submitted"


@pytest.mark.parametrize(("persona", "url"), READS)
def test_the_new_resources_are_throttled_per_token(request, persona, url, monkeypatch, token_client):
    monkeypatch.setattr(PerTokenThrottle, "THROTTLE_RATES", {"token": "1/minute"})
    client = token_client(request.getfixturevalue(persona))
    client.get(url)
    refused = client.get(url)
    assert refused.status_code == 429 and refused.json()["code"] == "throttled"
