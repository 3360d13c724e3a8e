import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue.models import Source, SourceAvailability

pytestmark = pytest.mark.django_db

CATALOGUE_URLS = [
    reverse("catalogue:list"),
    reverse("catalogue:list") + "?geography=ward&field=nationality",
    reverse("catalogue:detail", args=["census-2011"]),
    reverse("catalogue:compare") + "?s=census-2011&s=ltim-estimates",
    reverse("catalogue:definitions"),
    reverse("catalogue:availability"),
    reverse("catalogue:export-csv"),
    reverse("catalogue:export-json"),
    reverse("home"),
]


@pytest.mark.parametrize("url", CATALOGUE_URLS)
def test_anonymous_users_are_sent_to_login(url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_users_cannot_post_availability_either(area):
    response = Client().post(reverse("catalogue:availability"), {})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not SourceAvailability.objects.exists()


@pytest.mark.parametrize("persona", ["coordinator_client", "dpo_client", "contact_a_client"])
def test_every_role_can_read_the_catalogue(persona, request):
    client = request.getfixturevalue(persona)
    for url in [
        reverse("catalogue:list"),
        reverse("catalogue:detail", args=["nino-registrations"]),
        reverse("catalogue:definitions"),
    ]:
        assert client.get(url).status_code == 200


def test_the_list_shows_sources_matching_the_filters(coordinator_client):
    page = coordinator_client.get(reverse("catalogue:list") + "?geography=ward&field=nationality").content.decode()
    assert "NINo" in page or "National Insurance" in page
    assert "2011 Census" in page
    assert "Index of Multiple Deprivation" not in page


def test_an_empty_result_tells_the_user_what_to_do(coordinator_client):
    page = coordinator_client.get(reverse("catalogue:list") + "?q=zzzz-nothing").content.decode()
    assert "No source matches" in page and "clear all filters" in page


def test_the_detail_page_puts_caveats_first_and_explains_comparability(coordinator_client):
    source = Source.objects.get(slug="nino-registrations")
    page = coordinator_client.get(reverse("catalogue:detail", args=[source.slug])).content.decode()
    assert "Caveats and limitations" in page
    assert page.index("Caveats and limitations") < page.index("At a glance")
    assert source.caveat_list[0][:40] in page.replace("&#x27;", "'")
    assert "Not directly comparable" in page


def test_an_unknown_source_is_404(coordinator_client):
    assert coordinator_client.get(reverse("catalogue:detail", args=["no-such-source"])).status_code == 404


def test_compare_asks_for_at_least_two_sources(coordinator_client):
    page = coordinator_client.get(reverse("catalogue:compare") + "?s=census-2011").content.decode()
    assert "between two and four" in page


def test_compare_explains_why_two_sources_differ(coordinator_client):
    page = coordinator_client.get(reverse("catalogue:compare") + "?s=census-2011&s=ltim-estimates").content.decode()
    assert "not directly comparable" in page


@pytest.mark.parametrize(
    "url",
    [
        reverse("catalogue:list"),
        reverse("catalogue:list") + "?stage=local&geography=ward&field=nationality",
        reverse("catalogue:availability"),
        reverse("catalogue:definitions"),
        reverse("catalogue:export-csv"),
        reverse("catalogue:export-json"),
    ],
)
def test_list_pages_run_the_same_number_of_queries_however_many_rows(url, coordinator_client, area, add_sources):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert coordinator_client.get(url).status_code == 200
        return len(ctx)

    before = queries()
    add_sources(40)
    assert queries() == before


def test_exports_download_with_a_filename(coordinator_client):
    response = coordinator_client.get(reverse("catalogue:export-csv") + "?stage=local")
    assert response["Content-Disposition"].startswith('attachment; filename="catalogue-')
    assert response.content.decode().count("\n") == 1 + Source.objects.filter(stage="local").count()


class TestAvailabilityChecklist:
    url = reverse("catalogue:availability")

    def form_data(self, changes):
        data = {}
        for source in Source.objects.filter(stage="qualitative"):
            available, notes = changes.get(source.slug, ("unknown", ""))
            data[f"{source.slug}-available"] = available
            data[f"{source.slug}-notes"] = notes
        return data

    def test_the_coordinator_marks_sources_and_who_and_when_is_kept(self, coordinator_client, coordinator, area):
        response = coordinator_client.post(
            self.url,
            self.form_data(
                {
                    "joint-strategic-needs-assessment": ("yes", "Demography chapter, 2025"),
                    "neighbourhood-policing-survey": ("no", ""),
                }
            ),
        )
        assert response.status_code == 302
        jsna = SourceAvailability.objects.get(area=area, source__slug="joint-strategic-needs-assessment")
        assert (jsna.available, jsna.notes, jsna.updated_by) == ("yes", "Demography chapter, 2025", coordinator)
        page = coordinator_client.get(self.url).content.decode()
        assert "Demography chapter, 2025" in page and "2 of 15" in page

    def test_an_invalid_answer_saves_nothing_and_says_so(self, coordinator_client, area):
        data = self.form_data({"joint-strategic-needs-assessment": ("yes", "")})
        data["neighbourhood-policing-survey-available"] = "perhaps"
        response = coordinator_client.post(self.url, data)
        assert response.status_code == 200
        assert "could not be saved" in response.content.decode()
        assert not SourceAvailability.objects.exists()

    def test_the_dpo_reads_but_cannot_change(self, dpo_client, area):
        assert dpo_client.get(self.url).status_code == 200
        assert (
            dpo_client.post(self.url, self.form_data({"joint-strategic-needs-assessment": ("yes", "")})).status_code
            == 403
        )
        assert not SourceAvailability.objects.exists()

    def test_agency_contacts_cannot_see_the_area_checklist(self, contact_a_client, area):
        assert contact_a_client.get(self.url).status_code == 403
        assert contact_a_client.post(self.url, self.form_data({})).status_code == 403
