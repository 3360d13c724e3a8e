"""Password reset by email: Django's own views, a link that works once and runs out."""

import re

from django.core import mail
from django.test import Client
from django.urls import reverse

from sharing.models import AuditEntry
from tests.factories import PASSWORD

NEW_PASSWORD = "heron lantern quarry 71"


def reset_link(client: Client, email: str) -> str:
    client.post(reverse("password_reset"), {"email": email})
    (message,) = mail.outbox
    return re.search(r"https?://\S+/accounts/reset/\S+/", message.body).group(0)


def choose(client: Client, link: str, password: str = NEW_PASSWORD):
    """Opens the link (which moves the token into the session, as Django does) and posts the form."""
    form_page = client.get(link, follow=True)
    return client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {
            "new_password1": password,
            "new_password2": password,
        },
    )


def test_the_emailed_link_points_at_the_configured_address_and_says_how_long_it_works(client, contact_a, settings):
    settings.TRACKER_BASE_URL = "https://tracker.example.gov.uk"
    link = reset_link(client, contact_a.email)
    assert link.startswith("https://tracker.example.gov.uk/accounts/reset/")
    assert "24 hours" in mail.outbox[0].body and mail.outbox[0].to == [contact_a.email]


def test_a_reset_link_sets_a_new_password_once(client, contact_a):
    link = reset_link(client, contact_a.email)
    assert choose(client, link).headers["Location"] == reverse("password_reset_complete")
    assert Client().login(username="contact_a", password=NEW_PASSWORD)
    assert not Client().login(username="contact_a", password=PASSWORD)
    again = Client().get(link, follow=True)
    assert b"used already or has run out" in again.content


def test_a_reset_is_written_to_the_audit_log(client, contact_a):
    choose(client, reset_link(client, contact_a.email))
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PASSWORD_RESET)
    assert entry.actor == contact_a


def test_a_link_runs_out_after_the_reset_timeout(client, contact_a, settings):
    link = reset_link(client, contact_a.email)
    settings.PASSWORD_RESET_TIMEOUT = -1
    assert b"used already or has run out" in Client().get(link, follow=True).content


def test_the_new_password_must_pass_the_validators(client, contact_a):
    response = choose(client, reset_link(client, contact_a.email), "password1234")
    assert response.status_code == 200 and b"too common" in response.content


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.headers["Location"] == reverse("password_reset_done")
    assert not mail.outbox


def test_the_sign_in_page_offers_the_reset(client, db):
    assert reverse("password_reset").encode() in client.get(reverse("login")).content
