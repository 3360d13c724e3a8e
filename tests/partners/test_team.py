"""The team page: a coordinator (or a superuser) brings in coordinators and DPOs and lets them go."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from project import roles
from requests_app.models import Status
from sharing.models import AuditEntry
from tests.factories import client_for, force_status, make_user

TEAM = reverse("partners:team")


def team_urls(person):
    return [
        ("get", TEAM),
        ("post", TEAM),
        ("get", reverse("partners:colleague-leaving", args=[person.pk])),
        ("get", reverse("partners:colleague-deactivate", args=[person.pk])),
        ("post", reverse("partners:colleague-deactivate", args=[person.pk])),
        ("get", reverse("partners:colleague-reactivate", args=[person.pk])),
        ("post", reverse("partners:colleague-reactivate", args=[person.pk])),
    ]


def contact_urls(agency, contact):
    return [
        ("get", reverse("partners:contact-leaving", args=[agency.public_id, contact.pk])),
        ("post", reverse("partners:contact-deactivate", args=[agency.public_id, contact.pk])),
    ]


def invite(client, email="kim@council.example.gov.uk", role=roles.COORDINATOR):
    return client.post(TEAM, {"first_name": "Kim", "last_name": "Lee", "email": email, "role": role})


@pytest.fixture
def second_coordinator(db):
    return make_user("second_coordinator", roles.COORDINATOR)


@pytest.mark.parametrize("persona", ["contact_a", "contact_b", "dpo"])
def test_every_team_page_and_action_is_not_found_to_contacts_and_the_dpo(
    persona, request, coordinator, dpo, agency_a, contact_a
):
    client = client_for(request.getfixturevalue(persona))
    for person in (coordinator, dpo):
        for method, url in team_urls(person) + contact_urls(agency_a, contact_a):
            assert getattr(client, method)(url).status_code == 404, (persona, method, url)
    assert coordinator.is_active and not AuditEntry.objects.exists()


def test_an_agency_contact_is_not_a_colleague_even_to_the_coordinator(coordinator_client, contact_a):
    assert b"contact_a" not in coordinator_client.get(TEAM).content
    for method, url in team_urls(contact_a)[2:]:
        assert getattr(coordinator_client, method)(url).status_code == 404, (method, url)


def test_the_coordinator_sees_the_team_and_invites_a_coordinator_who_enrols_an_app_at_first_sign_in(
    coordinator_client, coordinator, dpo, settings, django_capture_on_commit_callbacks
):
    page = coordinator_client.get(TEAM)
    assert page.status_code == 200 and b"Dpo" in page.content and b"(you)" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        assert invite(coordinator_client).headers["Location"] == TEAM
    kim = get_user_model().objects.get(username="kim@council.example.gov.uk")
    assert roles.is_coordinator(kim) and not kim.has_usable_password()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.COLLEAGUE_INVITED)
    assert entry.actor == coordinator and entry.object_id == str(kim.pk)
    link = re.search(r"https?://\S+/partners/invitation/\S+/", mail.outbox[-1].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    newcomer = Client()
    chosen = {"new_password1": "heron lantern quarry 71", "new_password2": "heron lantern quarry 71"}
    assert newcomer.post(f"/{path}", chosen).headers["Location"] == reverse("login")
    assert newcomer.get(f"/{path}").status_code == 404
    settings.TRACKER_REQUIRE_2FA = True
    newcomer.post(reverse("login"), {"username": kim.username, "password": chosen["new_password1"]})
    assert (
        newcomer.get(reverse("requests:list")).headers["Location"].startswith(reverse("accounts:second-factor-enrol"))
    )


def test_a_dpo_is_invited_into_the_dpo_role_only(coordinator_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(coordinator_client, email="dee@council.example.gov.uk", role=roles.DPO)
    dee = get_user_model().objects.get(username="dee@council.example.gov.uk")
    assert roles.is_dpo(dee) and not roles.is_coordinator(dee)
    assert "as the DPO" in mail.outbox[-1].body


def test_someone_who_has_an_account_is_not_invited_again(coordinator_client, contact_a):
    response = invite(coordinator_client, email=contact_a.email)
    assert response.status_code == 200 and b"already has an account" in response.content
    assert not roles.is_coordinator(contact_a)


def test_a_superuser_without_a_role_manages_the_team(coordinator, db):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    client = client_for(admin)
    assert client.get(TEAM).status_code == 200
    client.post(reverse("partners:colleague-deactivate", args=[make_user("other", roles.COORDINATOR).pk]))
    assert AuditEntry.objects.filter(action=AuditEntry.Action.COLLEAGUE_DEACTIVATED).count() == 1


def test_nobody_deactivates_themselves(coordinator_client, coordinator, second_coordinator):
    response = coordinator_client.post(reverse("partners:colleague-deactivate", args=[coordinator.pk]))
    assert response.status_code == 400 and b"cannot deactivate yourself" in response.content
    coordinator.refresh_from_db()
    assert coordinator.is_active


def test_the_last_active_coordinator_stays(coordinator, db):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    response = client_for(admin).post(reverse("partners:colleague-deactivate", args=[coordinator.pk]))
    assert response.status_code == 400 and b"last active coordinator" in response.content
    coordinator.refresh_from_db()
    assert coordinator.is_active and not AuditEntry.objects.exists()


def test_deactivating_a_colleague_who_holds_work_asks_whom_it_goes_to(
    coordinator_client, coordinator, second_coordinator, agency_a, make_request, contact_a
):
    request = force_status(make_request(agency_a, coordinator=second_coordinator), Status.SENT)
    leaving = coordinator_client.get(reverse("partners:colleague-leaving", args=[second_coordinator.pk]))
    assert request.reference.encode() in leaving.content
    offered = list(leaving.context["form"].fields["to"].queryset)
    assert offered == [coordinator]
    url = reverse("partners:colleague-deactivate", args=[second_coordinator.pk])
    assert coordinator_client.post(url).status_code == 400
    assert coordinator_client.post(url, {"to": contact_a.pk}).status_code == 400
    assert coordinator_client.post(url, {"to": coordinator.pk}).headers["Location"] == TEAM
    request.refresh_from_db()
    second_coordinator.refresh_from_db()
    assert request.coordinator == coordinator and not second_coordinator.is_active
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {AuditEntry.Action.COLLEAGUE_DEACTIVATED, AuditEntry.Action.HANDED_OVER} <= actions
    reactivated = coordinator_client.post(reverse("partners:colleague-reactivate", args=[second_coordinator.pk]))
    assert reactivated.headers["Location"] == TEAM
    second_coordinator.refresh_from_db()
    assert second_coordinator.is_active
    assert AuditEntry.objects.filter(action=AuditEntry.Action.COLLEAGUE_REACTIVATED).count() == 1


def test_the_contacts_leaving_page_offers_only_people_of_the_same_agency_and_coordinators(
    coordinator_client, coordinator, agency_a, contact_a, contact_b, make_request
):
    force_status(make_request(agency_a, agency_contact=contact_a), Status.SENT)
    page = coordinator_client.get(reverse("partners:contact-leaving", args=[agency_a.public_id, contact_a.pk]))
    assert list(page.context["form"].fields["to"].queryset) == [coordinator]
    assert b"contact_b" not in page.content and b"Contact_B" not in page.content
    url = reverse("partners:contact-deactivate", args=[agency_a.public_id, contact_a.pk])
    assert coordinator_client.post(url, {"to": contact_b.pk}).status_code == 400
    contact_a.refresh_from_db()
    assert contact_a.is_active


def test_invite_coordinator_prints_a_link_that_works_once(capsys, db, client):
    call_command("invite_coordinator", "first@council.example.gov.uk", "--first-name", "Fay")
    link = capsys.readouterr().out.strip().splitlines()[-1]
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    first = get_user_model().objects.get(username="first@council.example.gov.uk")
    assert roles.is_coordinator(first)
    assert AuditEntry.objects.get(action=AuditEntry.Action.COLLEAGUE_INVITED).actor_name == "system"
    chosen = {"new_password1": "heron lantern quarry 71", "new_password2": "heron lantern quarry 71"}
    assert client.post(path, chosen).status_code == 302
    assert client.get(path).status_code == 404
    with pytest.raises(CommandError, match="already has an account"):
        call_command("invite_coordinator", "first@council.example.gov.uk")
