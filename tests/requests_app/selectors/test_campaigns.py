"""Reads of campaigns: how far a campaign has got."""

import datetime
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalogue.models import Field, GeographyLevel, OrganisationType, Source
from catalogue.services import agency_create
from requests_app.selectors.campaigns import campaign_rollup, campaigns_for
from requests_app.services.campaigns import campaign_create
from requests_app.services.processing import return_process
from requests_app.services.returns import return_upload
from requests_app.tasks import process_return

pytestmark = pytest.mark.django_db
GOOD = b"Nationality,Ward or small area,Period,Count\nPolish,E05000001,2025 Q1,12\n"
BAD = b"Nationality,Ward or small area,Period,Count\nPolska,E05000001,2025 Q1,12\n"


@pytest.fixture
def campaign(area, agency_a, agency_b, coordinator, make_agreement):
    third = agency_create(
        name="Third School", area=area, organisation_type=OrganisationType.objects.get(code="primary-school")
    )
    make_agreement([agency_a, agency_b, third])
    return campaign_create(
        name="EAL everywhere",
        agencies=[agency_a, agency_b, third],
        coordinator=coordinator,
        send=True,
        source=Source.objects.get(slug="school-census-eal-pupils"),
        title="EAL pupils",
        purpose="Planning",
        fields=list(Field.objects.filter(code__in=["nationality", "ward", "period"])),
        geography_level=GeographyLevel.objects.get(code="ward"),
        period_start=datetime.date(2025, 4, 1),
        period_end=datetime.date(2026, 3, 31),
    )


def processed(request, user, content):
    with mock.patch.object(process_return, "delay"):
        stored = return_upload(request=request, user=user, upload=SimpleUploadedFile("r.csv", content))
    return_process(return_id=stored.pk)


def test_agencies_whose_returns_were_accepted_count_as_having_sent_usable_data(campaign, coordinator):
    first, second, third = campaign.requests.order_by("pk")
    processed(first, coordinator, GOOD)
    processed(second, coordinator, GOOD)
    processed(third, coordinator, BAD)
    rollup = campaign_rollup(campaign, datetime.date(2026, 1, 5))
    assert (rollup["complete"], rollup["total"], rollup["percent_complete"]) == (2, 3, 67)
    assert rollup["answered"] == 2
    assert campaigns_for(coordinator).get(pk=campaign.pk).done == 2


def test_a_request_with_two_accepted_versions_counts_once(campaign, coordinator):
    first = campaign.requests.order_by("pk").first()
    processed(first, coordinator, GOOD)
    processed(first, coordinator, GOOD.replace(b"12", b"13"))
    assert campaign_rollup(campaign, datetime.date(2026, 1, 5))["complete"] == 1
    assert campaigns_for(coordinator).get(pk=campaign.pk).done == 1
