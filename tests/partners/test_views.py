"""The partner pages: the coordinator manages, the DPO reads the directory, agency contacts find nothing."""

import pytest
from django.core import mail
from django.urls import reverse

from catalogue.models import Agency, OrganisationType
from sharing.models import AuditEntry
from tests.factories import client_for, force_status


def every_url(agency, contact):
    return [
        ("get", reverse("partners:directory")),
        ("get", reverse("partners:agency-new")),
        ("post", reverse("partners:agency-new")),
        ("get", reverse("partners:contacts", args=[agency.public_id])),
        ("post", reverse("partners:contacts", args=[agency.public_id])),
        ("get", reverse("partners:contact-deactivate", args=[agency.public_id, contact.pk])),
        ("post", reverse("partners:contact-deactivate", args=[agency.public_id, contact.pk])),
        ("get", reverse("partners:contact-reactivate", args=[agency.public_id, contact.pk])),
        ("post", reverse("partners:contact-reactivate", args=[agency.public_id, contact.pk])),
    ]


@pytest.mark.parametrize("own", [True, False], ids=["own agency", "another agency"])
def test_every_page_and_action_is_not_found_for_agency_contacts(contact_a_client, agency_a, agency_b, contact_a, own):
    agency = agency_a if own else agency_b
    for method, url in every_url(agency, contact_a):
        assert getattr(contact_a_client, method)(url).status_code == 404, (method, url)
    assert AuditEntry.objects.count() == 0


def test_the_dpo_reads_the_directory_without_its_actions_and_finds_nothing_else(dpo_client, agency_a, contact_a):
    page = dpo_client.get(reverse("partners:directory"))
    assert page.status_code == 200 and b"Agency A School" in page.content
    assert reverse("partners:agency-new").encode() not in page.content
    for method, url in every_url(agency_a, contact_a)[1:]:
        assert getattr(dpo_client, method)(url).status_code == 404, (method, url)


def test_anonymous_visitors_are_sent_to_sign_in(client, agency_a, contact_a):
    for method, url in every_url(agency_a, contact_a):
        assert getattr(client, method)(url).headers["Location"].startswith("/accounts/login/"), url


def test_the_directory_tells_suggested_partners_and_which_the_area_has_engaged(
    coordinator_client, agency_a, make_request
):
    force_status(make_request(agency_a), "sent")
    page = coordinator_client.get(reverse("partners:directory"))
    directory = page.context["directory"]
    types = {t.code: t for group in directory.groups for t in group.types}
    assert len(types) == OrganisationType.objects.count()
    assert (types["secondary-school"].agency_count, types["secondary-school"].sent_count) == (1, 1)
    assert types["police-force"].in_partner_table is False
    assert directory.suggested == OrganisationType.objects.filter(in_partner_table=True).count()
    assert directory.suggested_engaged == 1
    assert b"not engaged yet" in page.content and b"suggested partner" in page.content


def test_an_empty_area_is_told_how_to_start(coordinator_client, area):
    page = coordinator_client.get(reverse("partners:directory"))
    assert b"No agencies yet" in page.content and b"invite its contacts" in page.content


def test_the_coordinator_adds_an_agency_from_a_kind_in_the_directory(coordinator_client, area):
    form = coordinator_client.get(reverse("partners:agency-new") + "?type=esol-provider")
    assert form.context["form"].initial["organisation_type"].code == "esol-provider"
    response = coordinator_client.post(
        reverse("partners:agency-new"),
        {
            "name": "Riverside ESOL",
            "organisation_type": OrganisationType.objects.get(code="esol-provider").pk,
            "area": area.pk,
            "email": "esol@example.org",
            "phone": "",
        },
    )
    agency = Agency.objects.get(name="Riverside ESOL")
    assert response.headers["Location"] == reverse("partners:contacts", args=[agency.public_id])
    assert agency.email == "esol@example.org"


def test_a_duplicate_agency_name_is_explained_on_the_form(coordinator_client, area, agency_a):
    response = coordinator_client.post(
        reverse("partners:agency-new"),
        {"name": agency_a.name, "organisation_type": agency_a.organisation_type.pk, "area": area.pk},
    )
    assert response.status_code == 200 and b"already exists" in response.content


def test_the_coordinator_invites_a_contact_from_the_agencys_page(
    coordinator_client, agency_a, django_capture_on_commit_callbacks
):
    url = reverse("partners:contacts", args=[agency_a.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            url, {"first_name": "Ola", "last_name": "Okafor", "email": "ola@school.example.org"}
        )
    assert response.headers["Location"] == url
    assert mail.outbox[0].to == ["ola@school.example.org"]
    page = coordinator_client.get(url)
    assert b"Ola Okafor" in page.content and b"invited" in page.content


def test_inviting_someone_with_an_account_is_explained_on_the_form(coordinator_client, agency_a, contact_b):
    response = coordinator_client.post(
        reverse("partners:contacts", args=[agency_a.public_id]),
        {"first_name": "B", "last_name": "B", "email": contact_b.email},
    )
    assert response.status_code == 200 and b"already has an account" in response.content


def test_a_deactivated_contact_is_signed_out_at_their_next_page(coordinator_client, contact_a, agency_a):
    signed_in = client_for(contact_a)
    assert signed_in.get(reverse("requests:list")).status_code == 200
    coordinator_client.post(reverse("partners:contact-deactivate", args=[agency_a.public_id, contact_a.pk]))
    assert signed_in.get(reverse("requests:list")).headers["Location"].startswith("/accounts/login/")
    page = coordinator_client.get(reverse("partners:contacts", args=[agency_a.public_id]))
    assert b"deactivated" in page.content and b"Reactivate" in page.content


def test_a_contact_of_another_agency_cannot_be_deactivated_through_this_one(coordinator_client, agency_a, contact_b):
    url = reverse("partners:contact-deactivate", args=[agency_a.public_id, contact_b.pk])
    assert coordinator_client.post(url).status_code == 404
    contact_b.refresh_from_db()
    assert contact_b.is_active


def test_actions_refuse_get_from_the_coordinator(coordinator_client, agency_a, contact_a):
    url = reverse("partners:contact-deactivate", args=[agency_a.public_id, contact_a.pk])
    assert coordinator_client.get(url).status_code == 405
