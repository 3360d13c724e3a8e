"""A person who is deactivated hands over what they hold, in one go, to someone who stays."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from api.services import token_create
from catalogue.services import agency_contact_add
from notifications.models import Notification
from partners.handover import holdings_of, successors
from partners.services import contact_deactivate
from partners.team import colleague_deactivate
from planning.services import calendar_feed_reset
from project import roles
from requests_app.models import RequestEvent, Status
from sharing.models import AuditEntry, SharingAgreement
from tests.api.conftest import bearer_client
from tests.factories import PASSWORD, force_agreement_status, force_status, make_user


@pytest.fixture
def second_contact(agency_a):
    user = make_user("second_a", roles.AGENCY_CONTACT)
    agency_contact_add(agency=agency_a, user=user)
    return user


@pytest.fixture
def second_coordinator(db):
    return make_user("second_coordinator", roles.COORDINATOR)


def test_a_contacts_named_open_requests_go_to_the_chosen_contact_and_finished_ones_stay(
    agency_a, contact_a, second_contact, coordinator, make_request
):
    open_one = force_status(make_request(agency_a, agency_contact=contact_a), Status.SENT)
    done = force_status(make_request(agency_a, agency_contact=contact_a), Status.COMPLETED)
    contact_deactivate(agency=agency_a, user=contact_a, by=coordinator, to=second_contact)
    open_one.refresh_from_db()
    done.refresh_from_db()
    assert open_one.agency_contact == second_contact and done.agency_contact == contact_a
    assert RequestEvent.objects.filter(request=open_one, kind=RequestEvent.Kind.REASSIGNED).count() == 1
    entry = AuditEntry.objects.get(action=AuditEntry.Action.HANDED_OVER)
    assert entry.agency == agency_a and open_one.reference in entry.detail and done.reference not in entry.detail
    assert Notification.objects.filter(user=second_contact, subject__contains="is now yours").count() == 1


def test_a_coordinator_takes_a_contacts_requests_as_their_coordinator_with_no_contact_named(
    agency_a, contact_a, coordinator, second_coordinator, make_request
):
    request = force_status(make_request(agency_a, agency_contact=contact_a), Status.SENT)
    contact_deactivate(agency=agency_a, user=contact_a, by=coordinator, to=second_coordinator)
    request.refresh_from_db()
    assert (request.coordinator, request.agency_contact) == (second_coordinator, None)


def test_a_contact_who_holds_work_cannot_leave_without_someone_to_take_it(
    agency_a, contact_a, coordinator, make_request
):
    force_status(make_request(agency_a, agency_contact=contact_a), Status.SENT)
    with pytest.raises(ValidationError, match="choose who takes them over"):
        contact_deactivate(agency=agency_a, user=contact_a, by=coordinator)
    contact_a.refresh_from_db()
    assert contact_a.is_active and not AuditEntry.objects.exists()


def test_another_agencys_contact_is_never_offered_nor_accepted(
    agency_a, contact_a, contact_b, coordinator, make_request
):
    request = force_status(make_request(agency_a, agency_contact=contact_a), Status.SENT)
    assert contact_b not in successors(contact_a, agency_a)
    with pytest.raises(ValidationError, match="not a contact of the agency"):
        contact_deactivate(agency=agency_a, user=contact_a, by=coordinator, to=contact_b)
    request.refresh_from_db()
    contact_a.refresh_from_db()
    # One transaction: the refused hand-over leaves the contact active as well.
    assert request.agency_contact == contact_a and contact_a.is_active


def test_a_coordinators_open_requests_and_agreements_go_to_another_coordinator(
    agency_a, coordinator, second_coordinator, make_request, make_agreement
):
    owned = force_status(make_request(agency_a), Status.ACKNOWLEDGED)
    draft = make_request(agency_a)
    agreement = make_agreement([agency_a])
    closed = force_agreement_status(make_agreement([agency_a]), "terminated")
    by = make_user("third", roles.COORDINATOR)
    colleague_deactivate(user=coordinator, by=by, to=second_coordinator)
    for row in (owned, draft):
        row.refresh_from_db()
        assert row.coordinator == second_coordinator
    assert SharingAgreement.objects.get(pk=agreement.pk).created_by == second_coordinator
    assert SharingAgreement.objects.get(pk=closed.pk).created_by == coordinator
    assert not holdings_of(coordinator)


def test_a_coordinators_work_cannot_go_to_an_agency_contact(agency_a, coordinator, contact_a, make_request):
    force_status(make_request(agency_a), Status.SENT)
    by = make_user("third", roles.COORDINATOR)
    with pytest.raises(ValidationError, match="only go to another coordinator"):
        colleague_deactivate(user=coordinator, by=by, to=contact_a)


def test_a_deactivated_person_cannot_sign_in_reset_a_password_or_use_a_token(
    client, agency_a, contact_a, coordinator, mailoutbox
):
    _, secret = token_create(user=contact_a, name="MIS", scope="read", days=30)
    contact_deactivate(agency=agency_a, user=contact_a, by=coordinator)
    signing_in = client.post(reverse("login"), {"username": contact_a.username, "password": PASSWORD})
    assert signing_in.status_code == 200 and "_auth_user_id" not in client.session
    client.post(reverse("password_reset"), {"email": contact_a.email})
    assert mailoutbox == []
    assert bearer_client(secret).get("/api/v1/sources/").status_code == 401
    assert Client().post(reverse("login"), {"username": coordinator.username, "password": PASSWORD}).status_code == 302


def test_a_deactivated_colleagues_private_calendar_address_stops(client, coordinator, second_coordinator, area):
    feed = calendar_feed_reset(user=second_coordinator)
    url = reverse("planning:feed", args=[feed.token])
    assert client.get(url).status_code == 200
    colleague_deactivate(user=second_coordinator, by=coordinator)
    assert client.get(url).status_code == 404
