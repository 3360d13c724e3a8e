"""The coordinator takes in a public table from the source's page; nobody else sees the page."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from releases.models import PublicRelease

FIXTURES = Path(__file__).parent / "fixtures"
URL = reverse("releases:take-in", args=["census-2021"])


def upload(name="nomis_census_2021_ts004_bulk.csv", data=None):
    return SimpleUploadedFile(name, data if data is not None else (FIXTURES / name).read_bytes(), "text/csv")


def test_the_coordinator_takes_in_a_census_table_and_sees_it_listed(area, coordinator_client):
    response = coordinator_client.post(URL, {"file": upload(), "edition": "Census 2021", "table": "TS004"})
    assert response.status_code == 302
    release = PublicRelease.objects.get()
    assert release.source.slug == "census-2021" and release.observation_count == 15
    page = coordinator_client.get(URL).content.decode()
    assert "Census 2021" in page and "TS004" in page


def test_a_table_that_cannot_be_stored_is_reported_on_the_page(area, coordinator_client):
    response = coordinator_client.post(URL, {"file": upload(data=b"ward,Total\nNorthgate,Total\n"), "edition": "x"})
    assert response.status_code == 200 and "Why nothing was stored" in response.content.decode()
    assert not PublicRelease.objects.exists()


def test_the_source_page_offers_the_coordinator_to_take_in_a_table(area, coordinator_client):
    page = coordinator_client.get(reverse("catalogue:detail", args=["census-2021"])).content.decode()
    assert URL in page


def test_an_agency_contact_is_told_the_page_does_not_exist(area, contact_a_client):
    assert contact_a_client.get(URL).status_code == 404
    assert contact_a_client.post(URL, {"file": upload(), "edition": "Census 2021"}).status_code == 404
    assert not PublicRelease.objects.exists()


def test_the_dpo_cannot_take_in_a_table_either(area, dpo_client):
    assert dpo_client.get(URL).status_code == 404


def test_a_local_source_has_no_take_in_page(area, coordinator_client):
    assert coordinator_client.get(reverse("releases:take-in", args=["gp-registrations-local"])).status_code == 404


def test_signing_in_comes_first(client):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_table_of_several_measures_is_taken_in_by_the_one_named(area, coordinator_client):
    lami = Path(__file__).parents[1] / "requests_app/ingest/corpus/shapes_ons_lami_migration_flows.xlsx"
    url = reverse("releases:take-in", args=["local-area-migration-indicators"])
    whole = {"file": upload(lami.name, lami.read_bytes()), "edition": "August 2024"}
    assert "Measure box" in coordinator_client.post(url, whole).content.decode()
    one = {**whole, "file": upload(lami.name, lami.read_bytes()), "measure": "International Migration Inflow"}
    assert coordinator_client.post(url, one).status_code == 302
    assert PublicRelease.objects.get().measure == "International Migration Inflow"
