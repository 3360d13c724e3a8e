"""Reports are for the coordinator and the DPO: agency contacts and strangers never reach them."""

import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue.models import AreaCode, Definition, GeographyLevel, OrganisationType, Source, SourceRefresh
from catalogue.services import agency_create
from planning.services import checklist_decide, plan_update
from reports import urls as reports_urls
from sharing.disclosure import check
from sharing.models import AuditEntry
from tests.factories import EAL, Q1, Q2, START, answer, force_status, rows

PAGES = [
    "reports:coverage",
    "reports:recommendations",
    "reports:indicators",
    "reports:report",
    "reports:coverage-csv",
    "reports:coverage-json",
    "reports:indicators-csv",
    "reports:indicators-xlsx",
    "reports:indicators-json",
]


@pytest.fixture
def data(agency_a, received, add_return):
    add_return(received(agency_a), rows(("EU8", "", Q1, 40), ("EU2", "", Q1, 4), ("NON-EU", "", Q1, 61)))


@pytest.mark.parametrize("name", PAGES)
def test_agency_contacts_are_told_no_report_exists(contact_a_client, contact_b_client, data, name):
    for client in (contact_a_client, contact_b_client):
        assert client.get(reverse(name), {"source": EAL}).status_code == 404


@pytest.mark.parametrize("pattern", reports_urls.urlpatterns, ids=lambda p: p.name)
def test_every_reports_url_answers_404_to_an_agency_contact_and_serves_the_coordinator(
    coordinator_client, contact_a_client, contact_b_client, data, pattern
):
    url = reverse(f"reports:{pattern.name}", kwargs={k: v for k, v in pattern.default_args.items() if k != "fmt"})
    query = {"source": EAL, "rows": "nationality_group", "columns": "quarter"}
    assert coordinator_client.get(url, query).status_code == 200
    for client in (contact_a_client, contact_b_client):
        response = client.get(url, query)
        assert response.status_code == 404
        assert b"nationality" not in response.content.lower() and b"EU8" not in response.content


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_coverage_page_shows_each_agencys_cells_with_their_evidence(coordinator_client, agency_a, make_request):
    answer(make_request(agency_a), "nationality", "partly", completeness=35)
    page = coordinator_client.get(reverse("reports:coverage")).content.decode()
    assert "Agency A School" in page
    assert "Answered by the agency" in page and "35%" in page
    assert "Stage 2 progress" in page and "Public releases" in page


def test_the_coverage_page_shows_25_agencies_a_page_and_keeps_the_sources_page(coordinator_client, area):
    kind = OrganisationType.objects.get(code="gp-practice")
    for i in range(27):
        agency_create(name=f"Practice {i:02d}", area=area, organisation_type=kind)
    first = coordinator_client.get(reverse("reports:coverage"), {"sources": 2}).content.decode()
    second = coordinator_client.get(reverse("reports:coverage"), {"agencies": 2, "sources": 2}).content.decode()
    assert "Practice 24" in first and "Practice 25" not in first
    assert "Practice 25" in second and "Practice 26" in second and "Practice 24" not in second
    assert "27 agencies by name; agencies 1 to 25 shown" in first
    assert 'aria-label="Pages of agencies"' in first and 'href="?sources=2&amp;agencies=2#agencies"' in first
    assert 'aria-label="Pages of sources"' in first and "Page 2 of" in first


def test_the_coverage_page_stays_small_however_many_agencies(coordinator_client, area):
    kind = OrganisationType.objects.get(code="gp-practice")
    for i in range(60):
        agency_create(name=f"Practice {i:02d}", area=area, organisation_type=kind)
    page = coordinator_client.get(reverse("reports:coverage")).content.decode()
    assert page.count("Practice ") == 25 and len(page.encode()) < 200_000


def test_the_coverage_export_still_holds_every_agency(coordinator_client, area):
    kind = OrganisationType.objects.get(code="gp-practice")
    for i in range(27):
        agency_create(name=f"Practice {i:02d}", area=area, organisation_type=kind)
    assert len(coordinator_client.get(reverse("reports:coverage-json")).json()["agencies"]) == 27


@pytest.mark.parametrize("query", [{"agencies": 2}, {"sources": 3}, {"agencies": "last"}])
def test_agency_contacts_are_refused_every_page_of_the_coverage(contact_a_client, data, query):
    assert contact_a_client.get(reverse("reports:coverage"), query).status_code == 404


def test_the_dpo_reads_coverage_but_cannot_record_a_refresh(dpo_client, agency_a):
    page = dpo_client.get(reverse("reports:coverage")).content.decode()
    assert "Taken in</button>" not in page
    assert (
        "Agency A School" in page and reverse("requests:agency", args=[agency_a.public_id]) not in page
    )  # a coordinator's page
    source = Source.objects.filter(stage="public").first()
    assert (
        dpo_client.post(reverse("catalogue:refreshed", args=[source.slug]), {"refreshed_on": "2026-11-01"}).status_code
        == 403
    )
    assert not SourceRefresh.objects.exists()


def test_the_coordinator_records_that_a_public_release_was_taken_in(coordinator_client, area):
    source = Source.objects.filter(stage="public").first()
    response = coordinator_client.post(
        reverse("catalogue:refreshed", args=[source.slug]), {"refreshed_on": "2026-11-01", "note": "Nov"}, follow=True
    )
    assert SourceRefresh.objects.get().refreshed_on == datetime.date(2026, 11, 1)
    assert "Recorded:" in response.content.decode()


def test_a_bad_refresh_date_is_explained_and_nothing_is_stored(coordinator_client, area):
    source = Source.objects.filter(stage="public").first()
    response = coordinator_client.post(
        reverse("catalogue:refreshed", args=[source.slug]), {"refreshed_on": "soon"}, follow=True
    )
    assert "Give the date as day, month and year." in response.content.decode()
    assert not SourceRefresh.objects.exists()


def test_the_recommendations_page_cites_the_checklist_item_and_evidence(coordinator_client, agency_a, make_request):
    answer(make_request(agency_a), "main-language", "no")
    page = coordinator_client.get(reverse("reports:recommendations")).content.decode()
    assert "Start recording main language in 1 agency" in page
    assert "Collect the same fields everywhere" in page


def test_the_indicators_page_without_returns_says_what_to_do_next(coordinator_client, area):
    page = coordinator_client.get(reverse("reports:indicators")).content.decode()
    assert "No returned data yet" in page


def test_the_indicators_page_suppresses_small_cells_shows_caveats_and_logs_the_view(dpo_client, dpo, data):
    response = dpo_client.get(
        reverse("reports:indicators"), {"source": EAL, "rows": "nationality_group", "columns": "quarter"}
    )
    page = response.content.decode()
    assert ">[c]<" in page and ">4<" not in page
    # How many cells are small is never said: with the ranges a reader can work out, it could single them out.
    assert "cells suppressed to protect counts below 10" in page and "to protect them" not in page
    assert "Read with care" in page and "Small numbers" in page
    entry = AuditEntry.objects.get(action=AuditEntry.Action.DATA_VIEWED)
    assert entry.actor == dpo and EAL in entry.object_id


def test_a_source_without_data_is_refused_with_a_clear_message(coordinator_client, data):
    response = coordinator_client.get(reverse("reports:indicators"), {"source": "census-2021"})
    assert "has no processed returns to show" in response.content.decode()
    export = coordinator_client.get(reverse("reports:indicators-csv"), {"source": "census-2021"})
    assert export.status_code == 400


def test_the_indicator_exports_download_as_files(coordinator_client, data):
    query = {"source": EAL, "rows": "nationality_group", "columns": "quarter"}
    csv_response = coordinator_client.get(reverse("reports:indicators-csv"), query)
    assert csv_response["Content-Disposition"].startswith("attachment;") and b"[c]" in csv_response.content
    xlsx = coordinator_client.get(reverse("reports:indicators-xlsx"), query)
    assert xlsx.content[:2] == b"PK"
    assert coordinator_client.get(reverse("reports:indicators-json"), query).json()["tables"][0]["suppressed_cells"] > 0


def test_the_printable_report_has_a_print_stylesheet_and_protected_indicators(coordinator_client, data):
    page = coordinator_client.get(reverse("reports:report")).content.decode()
    # The style sheet is a static file (no inline style under the Content-Security-Policy).
    assert 'href="/static/css/report.css"' in page
    assert "@media print" in Path(finders.find("css/report.css")).read_text()
    assert "Key indicators" in page and "<td>[c]</td>" in page and ">4<" not in page


@pytest.mark.parametrize("name", ["reports:coverage", "reports:recommendations"])
def test_coverage_pages_run_the_same_queries_with_more_agencies_and_requests(
    coordinator_client, agency_a, make_request, make_agreement, name
):
    force_status(make_request(agency_a), "sent")
    make_agreement([agency_a])
    url = reverse(name)
    coordinator_client.get(url)
    # Both visits build the coverage afresh: a cached copy would hide how many queries the build runs.
    cache.clear()
    with CaptureQueriesContext(connection) as before:
        coordinator_client.get(url)
    kind = OrganisationType.objects.get(code="gp-practice")
    for i in range(8):
        agency = agency_create(name=f"Practice {i}", area=agency_a.area, organisation_type=kind)
        answer(force_status(make_request(agency), "sent"), "nationality", "no")
        make_agreement([agency])
    cache.clear()
    with CaptureQueriesContext(connection) as after:
        assert coordinator_client.get(url).status_code == 200
    assert len(after) == len(before)


def test_an_agency_contact_cannot_record_a_public_refresh(contact_a_client, area):
    source = Source.objects.filter(stage="public").first()
    response = contact_a_client.post(reverse("catalogue:refreshed", args=[source.slug]), {"refreshed_on": "2026-11-01"})
    assert response.status_code == 403
    assert not SourceRefresh.objects.exists()


def test_the_indicator_filters_reach_the_page_and_every_export(coordinator_client, agency_a, received, add_return):
    add_return(
        received(agency_a),
        rows(("EU8", "", Q1, 40), ("NON-EU", "", Q1, 61))
        + rows(("EU8", "", (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)), 52)),
    )
    query = {"source": EAL, "rows": "nationality_group", "columns": "quarter", "since": "2026-04", "until": "2026-06"}
    page = coordinator_client.get(reverse("reports:indicators"), query).content.decode()
    assert "Apr–Jun 2026" in page and "Jan–Mar 2026" not in page.split("<table")[1]
    assert coordinator_client.get(reverse("reports:indicators-json"), query).json()["tables"][0]["columns"] == [
        "Apr–Jun 2026"
    ]
    assert b"Jan" not in coordinator_client.get(reverse("reports:indicators-csv"), query).content.split(b"Caveats")[0]


@pytest.mark.parametrize(
    "extra, field, message",
    [
        ({"since": "April 2026"}, "since", "Give the first month as year and month"),
        ({"since": "2026-06", "until": "2026-04"}, "until", "The last month comes before the first."),
        ({"columns": "area", "since": "2026-04"}, "columns", "choose periods for the columns"),
        ({"areas": "E09999999"}, "areas", "is not an area of this authority"),
    ],
)
def test_the_indicator_filters_explain_what_is_wrong(coordinator_client, data, extra, field, message):
    response = coordinator_client.get(
        reverse("reports:indicators"), {"source": EAL, "rows": "nationality_group", "columns": "quarter", **extra}
    )
    assert message in " ".join(response.context["form"].errors[field])
    assert response.context["built"] is None


def test_a_period_error_with_a_source_ticked_does_not_ask_for_a_source(coordinator_client, data):
    response = coordinator_client.get(
        reverse("reports:indicators"),
        {"source": EAL, "rows": "nationality_group", "columns": "quarter", "since": "2026-06", "until": "2026-04"},
    )
    page = response.content.decode()
    assert "The last month comes before the first." in page
    assert "Choose one or more sources" not in page
    assert 'value="2026-06"' in page  # the month box shows the month given, as yyyy-mm


def test_a_first_visit_to_the_indicators_page_shows_every_source_by_nationality_group_and_quarter(
    coordinator_client, data
):
    response = coordinator_client.get(reverse("reports:indicators"))
    [table] = response.context["built"].tables
    assert table.source.slug == EAL and table.query.label == "Nationality group by quarter"
    assert ">[c]<" in response.content.decode()
    assert f"source={EAL}" in response.context["query_string"]  # the download links carry the same view


class _Tables(HTMLParser):
    """The body rows of every table of numbers on a page, as lists of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables, self.row, self.cell, self.depth = [], None, None, 0

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        if tag == "table" and "numbers" in classes:
            self.tables.append([])
        elif tag == "tbody" and self.tables:
            self.depth = 1
        elif tag == "tr" and self.depth:
            self.row = []
        elif tag == "td" and self.row is not None:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            self.row.append(self.cell.strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[-1].append(self.row)
            self.row = None
        elif tag == "tbody":
            self.depth = 0

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def read_back(html: str) -> list[list[list[int | None]]]:
    parser = _Tables()
    parser.feed(html)
    # [c] is a suppressed cell; † marks a lower bound, which the relations hold for all the same.
    return [
        [[None if text == "[c]" else int(text.rstrip("†").replace(",", "")) for text in row] for row in table]
        for table in parser.tables
    ]


@pytest.mark.parametrize("page", ["reports:indicators", "reports:report"])
def test_the_html_tables_read_back_cannot_narrow_any_suppressed_cell(
    coordinator_client, agency_a, received, add_return, page
):
    level = GeographyLevel.objects.get(code="ward")
    AreaCode.objects.create(area=agency_a.area, code="E05000001", name="Northgate", level=level)
    add_return(
        received(agency_a),
        rows(
            ("EU8", "E05000001", Q1, 40),
            ("EU2", "E05000001", Q1, 3),
            ("NON-EU", "E05000002", Q1, 61),
            ("EU8", "E05000002", Q1, 18),
            ("EU2", "E05000002", Q2, 25),
            ("NON-EU", "E05000002", Q2, 7),
            ("EU8", "E05000001", Q2, 52),
        )
        + [{"nationality_group": "NON-EU", "geography_code": "E05000001", "count": None}],
    )
    response = coordinator_client.get(
        reverse(page), {"source": EAL, "rows": "nationality_group", "columns": "quarter", "by_area": "on"}
    )
    tables = response.context["built"].tables if page == "reports:indicators" else response.context["indicators"]
    [html_table] = read_back(response.content.decode())
    [table] = tables

    published = {
        (row, column): value
        for row, line in zip(table.rows, html_table, strict=True)
        for column, value in zip(table.columns, line, strict=True)
    }

    assert published == table.published and None in published.values()
    check(published, table.relations, threshold=table.threshold)
    assert not [v for v in published.values() if v is not None and 0 < v < table.threshold]


def test_the_recommendations_page_shows_the_areas_decision_on_each_checklist_item(
    area, coordinator, coordinator_client
):
    checklist_decide(
        area=area,
        item="refresh-public",
        decision="in-progress",
        note="Quarterly cycle agreed",
        on=START,
        user=coordinator,
    )
    page = coordinator_client.get(reverse("reports:recommendations")).content.decode()
    assert "0 of 19 improvements done, 1 in progress" in page
    assert "In progress</span> on" in page and "Quarterly cycle agreed" in page
    assert "No decision recorded on this item yet." in page


def test_the_printed_report_carries_the_plans_aims_definitions_and_checklist_progress(
    area, coordinator, coordinator_client
):
    empty = coordinator_client.get(reverse("reports:report")).content.decode()
    assert "does not state its aims yet" in empty and "No migrant definitions have been chosen" in empty
    definition = Definition.objects.filter(kind="migrant-definition").first()
    plan_update(
        area=area,
        user=coordinator,
        values={"aims": "Plan school places for new arrivals.", "definitions_reason": "It is what schools record."},
        partners=[],
        definitions=[definition],
        geography_level=None,
        benefits=[],
    )
    checklist_decide(area=area, item="jsna", decision="done", note="Chapter published", on=START, user=coordinator)
    page = coordinator_client.get(reverse("reports:report")).content.decode()
    for text in (
        "Plan school places for new arrivals.",
        definition.term,
        "It is what schools record.",
        "Chapter published",
    ):
        assert text in page
    assert "1 of the toolkit's 19 improvements are done" in page


@pytest.mark.parametrize("page", ["reports:indicators", "reports:report"])
def test_indicator_tables_write_large_counts_with_thousands_separators(
    coordinator_client, agency_a, received, add_return, page
):
    add_return(received(agency_a), rows(("EU8", "", Q1, 12345), ("NON-EU", "", Q1, 2061)))
    query = {"source": EAL, "rows": "nationality_group", "columns": "quarter"}
    html = coordinator_client.get(reverse(page), query).content.decode()
    assert "12,345" in html and "12345" not in html


def test_the_printed_report_names_the_field_of_each_evidence_line(coordinator_client, agency_a, received):
    lacking = received(agency_a, fields=("nationality", "country-of-birth", "ward", "period"))
    answer(lacking, "nationality", "no")
    answer(lacking, "country-of-birth", "no")
    page = coordinator_client.get(reverse("reports:report")).content.decode()
    section = page[page.index("Which fields each agency lacks") : page.index("Coverage of the key fields")]
    assert "Country of birth (" in section and "Nationality (" in section


@pytest.mark.parametrize("name", ["reports:indicators", "reports:report"])
def test_indicator_pages_run_the_same_queries_with_more_sources(
    coordinator_client, agency_a, agency_b, received, add_return, name
):
    add_return(received(agency_a), rows(("EU8", "", Q1, 40), ("NON-EU", "", Q1, 61)))
    url = reverse(name)
    coordinator_client.get(url)  # protects the small tables there and then, into the cache
    with CaptureQueriesContext(connection) as before:
        coordinator_client.get(url)
    for slug in ("acute-trust-service-users", "homelessness-support-service"):
        request = received(agency_b, source=Source.objects.get(slug=slug), fields=("nationality", "period"))
        add_return(request, rows(("EU8", "", Q1, 30), ("NON-EU", "", Q1, 52)))
    coordinator_client.get(url)
    with CaptureQueriesContext(connection) as after:
        page = coordinator_client.get(url)
    assert (
        page.status_code == 200
        and len(page.context["indicators"] if name == "reports:report" else page.context["built"].tables) == 3
    )
    assert len(after) == len(before)


def test_the_printable_report_names_what_each_agency_asked_lacks_and_the_evidence(
    coordinator_client, agency_a, agency_b, make_request
):
    asked = force_status(make_request(agency_a), "sent")
    answer(asked, "nationality", "no", completeness=40)
    page = coordinator_client.get(reverse("reports:report")).content.decode()
    lacking = page.split("2. Which fields each agency lacks")[1].split("<h3>")[0]
    assert f'<th scope="row">{agency_a.name}<div class="muted">' in lacking
    assert "<td>Country of birth, Nationality</td>" in lacking
    # The reference comes from a sequence, which PostgreSQL does not rewind between tests.
    assert (
        f"<br>Nationality (checklist answer): Answered by the agency for {asked.reference}, about 40% complete.</td>"
        in lacking
    )
    assert agency_b.name not in lacking  # asked for nothing
    # The matrix is summed up over the agencies asked (agency B is not), by field and by type.
    matrix = page.split("Coverage of the key fields")[1].split("</section>")[0]
    assert "Of the 1 agency asked for data" in matrix and agency_b.name not in matrix
    assert '<th scope="row">Nationality</th><td>0</td><td>0</td><td>1</td><td>0</td><td>1</td><td>40.0%</td>' in matrix
    # Agency by agency it is on the coverage page the report links to.
    assert reverse("reports:coverage") in matrix
    coverage = coordinator_client.get(reverse("reports:coverage")).content.decode()
    assert agency_a.name in coverage and "40%" in coverage


@pytest.fixture
def public(area, coordinator):
    from tests.releases.public_tables import census, mid_year, take_in

    take_in(area, coordinator, "census-2011", census(2011, 19500, "250", 180))
    take_in(area, coordinator, "census-2021", census(2021, 19000, "700", 300))
    take_in(area, coordinator, "mid-year-population-estimates", mid_year(20000), edition="Mid-2024")


@pytest.mark.parametrize("name", ["reports:indicators", "reports:report"])
def test_agency_contacts_are_refused_the_pages_with_public_figures_beside_local(
    contact_a_client, contact_b_client, data, public, name
):
    for client in (contact_a_client, contact_b_client):
        assert client.get(reverse(name), {"source": EAL, "rows": "country_of_birth"}).status_code == 404


def test_the_indicators_page_shows_public_figures_beside_local_with_rates_and_the_change_since_2011(
    coordinator_client, data, public
):
    html = coordinator_client.get(
        reverse("reports:indicators"), {"source": EAL, "rows": "country_of_birth", "columns": "quarter"}
    ).content.decode()
    assert "Public beside local: Census 2021 (England and Wales) by country of birth" in html
    assert "Testborough (E06000099), 30 June 2024 (Mid-2024): 20,000 residents" in html
    assert "<td>700</td><td>35.0</td><td>250</td><td>+450</td>" in html.replace("\n", "").replace("  ", "")
    assert "Definition: Country of birth" in html


def test_the_indicators_page_says_when_no_public_table_gives_the_field(coordinator_client, data):
    html = coordinator_client.get(
        reverse("reports:indicators"), {"source": EAL, "rows": "nationality_group", "columns": "quarter"}
    )
    assert "No public table taken in gives counts by nationality group" in html.content.decode()


def test_the_indicators_page_runs_as_many_queries_with_public_figures_as_the_releases_grow(
    coordinator_client, area, coordinator, data, public
):
    from tests.releases.public_tables import census, take_in

    url = reverse("reports:indicators")
    query = {"source": EAL, "rows": "country_of_birth", "columns": "quarter"}
    coordinator_client.get(url, query)
    with CaptureQueriesContext(connection) as before:
        coordinator_client.get(url, query)
    take_in(area, coordinator, "census-2021", census(2021, 18000, "900", 400), edition="revised")
    coordinator_client.get(url, query)
    with CaptureQueriesContext(connection) as after:
        coordinator_client.get(url, query)
    assert len(after) == len(before)


def test_the_printed_report_lists_the_public_releases_and_sets_them_beside_local_with_rates(
    coordinator_client, data, public
):
    html = coordinator_client.get(reverse("reports:report")).content.decode()
    assert "6. Public statistics beside local returns (Stage 1)" in html
    assert "Census 2021 (England and Wales) beside local returns: country of birth" in html
    assert "Change since 2011" in html and "20,000 residents" in html


def test_the_printable_report_sums_the_agencies_up_and_folds_long_evidence(
    coordinator_client, area, make_request, data
):
    kind = OrganisationType.objects.get(code="secondary-school")
    for i in range(12):
        force_status(make_request(agency_create(name=f"School {i:02}", area=area, organisation_type=kind)), "sent")
    page = coordinator_client.get(reverse("reports:report")).content.decode()
    # The matrix is summed up by field and by type of agency; agency by agency it is on the coverage page.
    assert "By type of agency" in page and reverse("reports:coverage-csv") in page
    assert "School 03" not in page.split("Coverage of the key fields")[1].split("<h2>3. Gaps</h2>")[0]
    # A recommendation citing every school shows ten of them in print and counts the rest.
    assert '<p class="muted">And ' in page and " more, listed on the " in page
