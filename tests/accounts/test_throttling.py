"""Repeated failed sign-ins lock a username, or an address, until the cool-off or the coordinator."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.throttling import forwarded_client_address
from sharing.models import AuditEntry
from tests.factories import PASSWORD, client_for

pytestmark = pytest.mark.usefixtures("throttled")


def sign_in(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(times: int, username: str, address: str = "10.0.0.1") -> None:
    for _ in range(times):
        assert sign_in(Client(), username, "wrong", address).status_code in (200, 429)


def test_the_right_password_signs_in_before_the_limit(coordinator):
    fail(2, "coordinator")
    assert sign_in(Client(), "coordinator", PASSWORD).status_code == 302


def test_after_the_limit_even_the_right_password_is_refused(coordinator):
    fail(3, "coordinator")
    response = sign_in(Client(), "coordinator", PASSWORD)
    assert response.status_code == 429
    assert b"Sign-in locked" in response.content and b"30 minutes" in response.content


def test_a_username_is_locked_whatever_address_the_failures_come_from(coordinator):
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        fail(1, "coordinator", address)
    assert sign_in(Client(), "coordinator", PASSWORD, "10.0.0.9").status_code == 429


def test_an_address_is_locked_whatever_usernames_it_tries(coordinator, dpo):
    for username in ("alice", "bob", "carol"):
        fail(1, username, "10.9.9.9")
    assert sign_in(Client(), "dpo", PASSWORD, "10.9.9.9").status_code == 429
    assert sign_in(Client(), "dpo", PASSWORD, "10.0.0.1").status_code == 302


def test_the_lock_ends_after_the_cool_off_time(coordinator, settings):
    fail(3, "coordinator")
    long_ago = timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=long_ago)
    assert sign_in(Client(), "coordinator", PASSWORD).status_code == 302


def test_a_lockout_is_written_to_the_audit_log(coordinator):
    fail(3, "coordinator")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.LOGIN_LOCKED_OUT)
    assert entry.object_id == "coordinator" and "10.0.0.1" in entry.detail


def test_a_successful_sign_in_starts_the_count_again(coordinator):
    fail(2, "coordinator")
    assert sign_in(Client(), "coordinator", PASSWORD).status_code == 302
    fail(2, "coordinator")
    assert sign_in(Client(), "coordinator", PASSWORD).status_code == 302


def test_the_coordinator_lifts_a_lock_and_the_person_signs_in_at_once(coordinator, dpo):
    fail(3, "dpo")
    coordinator_client = client_for(coordinator)
    page = coordinator_client.get(reverse("accounts:lockouts"))
    assert b"Lift the lock on dpo" in page.content
    coordinator_client.post(reverse("accounts:lockout-clear"), {"kind": "username", "value": "dpo"})
    assert sign_in(Client(), "dpo", PASSWORD, "10.0.0.7").status_code == 302
    lifted = AuditEntry.objects.get(action=AuditEntry.Action.LOCKOUT_CLEARED)
    assert lifted.actor == coordinator and lifted.object_id == "dpo"


def test_the_coordinator_lifts_the_lock_on_an_address(coordinator, dpo):
    for username in ("alice", "bob", "carol"):
        fail(1, username, "10.9.9.9")
    client_for(coordinator).post(reverse("accounts:lockout-clear"), {"kind": "ip_address", "value": "10.9.9.9"})
    assert sign_in(Client(), "dpo", PASSWORD, "10.9.9.9").status_code == 302


@pytest.mark.parametrize("persona, status", [("dpo", 403), ("contact_a", 404), ("contact_b", 404)])
def test_only_the_coordinator_sees_and_lifts_locks(persona, status, request, coordinator):
    fail(3, "coordinator")
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("accounts:lockouts")).status_code == status
    response = client.post(reverse("accounts:lockout-clear"), {"kind": "username", "value": "coordinator"})
    assert response.status_code == status
    assert sign_in(Client(), "coordinator", PASSWORD).status_code == 429


def test_behind_a_proxy_the_address_is_the_one_the_proxy_appended(rf):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9", REMOTE_ADDR="10.0.0.254")
    assert forwarded_client_address(request) == "203.0.113.9"
