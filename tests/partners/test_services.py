"""Adding agencies, inviting, deactivating and reactivating contacts, each written to the audit log."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from catalogue.models import OrganisationType
from partners.services import agency_add, contact_deactivate, contact_invite, contact_reactivate
from project import roles
from requests_app.selectors import requests_for
from sharing.models import AuditEntry
from tests.factories import PASSWORD


def test_adding_an_agency_keeps_its_contact_details_and_is_audited(area, coordinator):
    agency = agency_add(
        name="Harbour FE College",
        organisation_type=OrganisationType.objects.get(code="fe-college"),
        area=area,
        email="data@harbour.example.ac.uk",
        phone="01234 567890",
        by=coordinator,
    )
    assert (agency.email, agency.phone, agency.group.name) == (
        "data@harbour.example.ac.uk",
        "01234 567890",
        f"agency:{agency.public_id}",
    )
    entry = AuditEntry.objects.get(action=AuditEntry.Action.AGENCY_ADDED)
    assert (entry.actor, entry.agency) == (coordinator, agency)


def test_an_agency_name_is_unique_in_its_area(area, coordinator, agency_a):
    with pytest.raises(ValidationError):
        agency_add(name=agency_a.name, organisation_type=agency_a.organisation_type, area=area, by=coordinator)


def test_an_invited_person_becomes_a_contact_of_the_agency_with_no_password_yet(invite, agency_a, coordinator):
    user, link = invite(email="  New.Person@School.example.org ")
    assert user.username == user.email == "new.person@school.example.org"
    assert roles.is_agency_contact(user) and agency_a.contacts.filter(pk=user.pk).exists()
    assert not user.has_usable_password()
    assert mail.outbox[-1].to == [user.email] and "7 days" in mail.outbox[-1].body
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CONTACT_INVITED)
    assert (entry.actor, entry.agency, entry.object_id) == (coordinator, agency_a, str(user.pk))


def test_an_invited_contact_sees_their_agencys_requests_and_no_others(invite, agency_a, agency_b, make_request):
    ours, theirs = make_request(agency_a), make_request(agency_b)
    user, _ = invite()
    visible = set(requests_for(user))
    assert ours in visible and theirs not in visible


def test_no_mail_is_sent_when_the_invitation_is_rolled_back(agency_a, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        contact_invite(agency=agency_a, email="x@example.org", first_name="X", last_name="Y", by=coordinator)
    assert len(callbacks) == 1 and mail.outbox == []


def test_someone_who_already_has_an_account_is_not_invited_again(agency_a, contact_b, coordinator):
    with pytest.raises(ValidationError, match="already has an account"):
        contact_invite(agency=agency_a, email=contact_b.email, first_name="B", last_name="B", by=coordinator)


def test_a_deactivated_contact_cannot_sign_in_until_reactivated(agency_a, contact_a, coordinator):
    contact_deactivate(agency=agency_a, user=contact_a, by=coordinator)
    assert not Client().login(username="contact_a", password=PASSWORD)
    contact_reactivate(agency=agency_a, user=contact_a, by=coordinator)
    assert Client().login(username="contact_a", password=PASSWORD)
    actions = list(AuditEntry.objects.filter(agency=agency_a).order_by("pk").values_list("action", "actor"))
    assert actions == [
        (AuditEntry.Action.CONTACT_DEACTIVATED, coordinator.pk),
        (AuditEntry.Action.CONTACT_REACTIVATED, coordinator.pk),
    ]


def test_deactivating_twice_is_refused(agency_a, contact_a, coordinator):
    contact_deactivate(agency=agency_a, user=contact_a, by=coordinator)
    with pytest.raises(ValidationError, match="already deactivated"):
        contact_deactivate(agency=agency_a, user=contact_a, by=coordinator)


def test_only_agency_contacts_are_deactivated_here(agency_a, coordinator):
    with pytest.raises(ValidationError, match="not an agency contact"):
        contact_deactivate(agency=agency_a, user=coordinator, by=coordinator)
