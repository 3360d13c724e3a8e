import pytest

from catalogue.models import Definition, Field, Source, Theme
from tests.factories import make_user

PERSONAS = ["coordinator", "dpo", "contact_a", "contact_b"]


@pytest.fixture(params=PERSONAS)
def reader(request, token_client):
    return token_client(request.getfixturevalue(request.param))


def test_every_role_lists_the_sources_as_the_page_does(reader):
    body = reader.get("/api/v1/sources/").json()
    assert body["count"] == Source.objects.count()
    assert {"slug", "title", "theme", "fields", "geography_levels"} <= set(body["results"][0])


def test_every_role_reads_one_source(reader):
    body = reader.get("/api/v1/sources/school-census-eal-pupils/").json()
    assert body["slug"] == "school-census-eal-pupils"


def test_an_unknown_source_is_a_404_problem(reader):
    response = reader.get("/api/v1/sources/no-such-source/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_sources_are_searched_and_filtered_like_the_page(token_client, coordinator):
    client = token_client(coordinator)
    found = client.get("/api/v1/sources/?q=school&stage=local").json()
    expected = Source.objects.filter(stage="local").filter(title__icontains="school")
    assert {s["slug"] for s in found["results"]} >= set(expected.values_list("slug", flat=True))
    assert all(s["stage"] == "local" for s in found["results"])
    ward = client.get("/api/v1/sources/?geography=ward&field=nationality").json()
    assert ward["count"] and all("ward" in s["geography_levels"] for s in ward["results"])


def test_sources_are_ordered_and_paged(token_client, coordinator):
    body = token_client(coordinator).get("/api/v1/sources/?ordering=-title&page_size=3").json()
    titles = [s["title"] for s in body["results"]]
    assert len(titles) == 3 and titles == sorted(titles, reverse=True)
    assert body["next"]


def test_a_filter_value_that_does_not_exist_is_a_400_problem(token_client, coordinator):
    response = token_client(coordinator).get("/api/v1/sources/?stage=nonsense")
    assert response.status_code == 400
    assert "stage" in response.json()["errors"]


def test_every_role_reads_fields_themes_and_definitions(reader):
    assert reader.get("/api/v1/fields/").json()["count"] == Field.objects.count()
    assert reader.get("/api/v1/fields/nationality/").json()["kind"] == "key"
    assert reader.get("/api/v1/themes/").json()["count"] == Theme.objects.count()
    theme = Theme.objects.first()
    assert reader.get(f"/api/v1/themes/{theme.code}/").json()["name"] == theme.name
    assert reader.get("/api/v1/definitions/").json()["count"] == Definition.objects.count()
    definition = Definition.objects.first()
    assert reader.get(f"/api/v1/definitions/{definition.code}/").json()["term"] == definition.term


def test_fields_filter_by_kind_and_definitions_by_search(token_client, dpo):
    client = token_client(dpo)
    assert {f["kind"] for f in client.get("/api/v1/fields/?kind=key").json()["results"]} == {"key"}
    term = Definition.objects.first().term.split()[0]
    assert client.get(f"/api/v1/definitions/?search={term}").json()["count"] >= 1


def test_a_person_without_a_role_still_reads_the_catalogue_as_on_the_page(token_client, db):
    assert token_client(make_user("nobody", None)).get("/api/v1/themes/").status_code == 200


def test_the_api_root_lists_the_resources(token_client, coordinator):
    assert {"sources", "requests", "notifications"} <= set(token_client(coordinator).get("/api/v1/").json())


def test_the_source_list_runs_a_fixed_number_of_queries(
    token_client, coordinator, add_sources, django_assert_max_num_queries
):
    client = token_client(coordinator)
    add_sources(30)
    with django_assert_max_num_queries(14):
        client.get("/api/v1/sources/?page_size=50")
