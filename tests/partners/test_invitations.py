"""An invitation link chooses a first password once, and only until it runs out."""

import time
from urllib.parse import urlsplit

from django.core import signing
from django.test import Client

from partners.invitations import invitation_token, invited_user
from partners.services import contact_deactivate

PASSWORD = "kestrel harbour violet 58"


def accept(link: str, password: str = PASSWORD):
    return Client().post(urlsplit(link).path, {"new_password1": password, "new_password2": password})


def test_the_link_names_the_invited_account(invite):
    user, link = invite()
    assert invited_user(urlsplit(link).path.split("/")[-2]) == user


def test_the_link_sets_a_password_the_contact_then_signs_in_with(invite):
    user, link = invite()
    assert accept(link).headers["Location"] == "/accounts/login/"
    assert Client().login(username="new.person@school.example.org", password=PASSWORD)


def test_the_link_works_only_once(invite):
    _, link = invite()
    accept(link)
    again = Client().get(urlsplit(link).path)
    assert again.status_code == 404 and b"no longer works" in again.content
    assert accept(link, "another pelican route 12").status_code == 404
    assert not Client().login(username="new.person@school.example.org", password="another pelican route 12")


def token_signed_days_ago(monkeypatch, user, days: int) -> str:
    signed_at = int(time.time() - days * 86400)
    with monkeypatch.context() as m:
        m.setattr(signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(signed_at))
        return invitation_token(user)


def test_the_link_runs_out_after_the_invitation_days(invite, monkeypatch, settings):
    user, _ = invite()
    settings.TRACKER_INVITATION_DAYS = 7
    assert invited_user(token_signed_days_ago(monkeypatch, user, 8)) is None
    assert invited_user(token_signed_days_ago(monkeypatch, user, 6)) == user


def test_a_second_invitation_ends_the_first_link(invite):
    _, first = invite()
    _, second = invite()
    assert accept(first).status_code == 404
    assert accept(second).status_code == 302


def test_a_deactivated_contacts_link_stops_working(invite, agency_a, coordinator):
    user, link = invite()
    contact_deactivate(agency=agency_a, user=user, by=coordinator)
    assert accept(link).status_code == 404


def test_a_forged_or_garbled_link_is_not_found(client):
    assert client.get("/partners/invitation/not-a-token/").status_code == 404
    forged = signing.dumps({"user": 1, "password": "x"}, salt="another-salt")
    assert client.get(f"/partners/invitation/{forged}/").status_code == 404
    odd = signing.dumps({"user": "someone", "password": "x"}, salt="partners.invitation")
    assert client.get(f"/partners/invitation/{odd}/").status_code == 404


def test_the_password_goes_through_the_validators(invite):
    _, link = invite()
    response = accept(link, "password")
    assert response.status_code == 200 and b"too common" in response.content
