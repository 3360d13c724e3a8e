"""The admin site shows agreements, but an agreement under review or in force changes only through
the workflow: a new version that the DPO reviews."""

from django.urls import reverse


def test_an_agreement_in_force_cannot_be_edited_in_the_admin(admin_client, make_agreement, agency_a):
    agreement = make_agreement([agency_a])
    url = reverse("admin:sharing_sharingagreement_change", args=[agreement.pk])

    page = admin_client.get(url).content.decode()
    assert 'name="reporting_threshold"' not in page and 'name="purpose"' not in page
    assert 'name="parties-0-role"' not in page

    admin_client.post(url, {"reporting_threshold": 1, "purpose": "Anything", "title": "Changed"})
    agreement.refresh_from_db()
    assert (agreement.reporting_threshold, agreement.title) == (10, "Pupils by nationality")


def test_a_draft_agreement_can_still_be_corrected_in_the_admin(admin_client, make_agreement, agency_a):
    agreement = make_agreement([agency_a], steps=())
    page = admin_client.get(reverse("admin:sharing_sharingagreement_change", args=[agreement.pk])).content.decode()
    assert 'name="reporting_threshold"' in page and 'name="parties-0-role"' in page
