"""The coverage matrix on a known fixture: two agencies, one with checklist answers, one with a
measured return; which sources reach small areas; Stage 2; themes; releases; governance."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue.models import Source, SourceRefresh
from reports.coverage import coverage_build
from reports.coverage.cells import CATALOGUE, CHECKLIST, COLLECTED, MEASURED, NOT_COLLECTED, PARTLY, UNKNOWN
from reports.coverage.matrix import MATRIX_FIELDS
from requests_app.models import ChecklistAnswer
from requests_app.services.checklists import evidence_refresh
from tests.factories import Q1, TODAY, answer, force_status, rows


def build(area):
    return coverage_build(area=area, today=TODAY)


def row_for(coverage, name):
    return next(r for r in coverage.agency_rows if r.label == name)


def test_the_matrix_has_the_key_fields_then_the_breakdowns(area):
    coverage = build(area)
    assert [f.code for f in coverage.fields] == MATRIX_FIELDS
    assert MATRIX_FIELDS == [
        "country-of-birth",
        "nationality",
        "immigration-status",
        "main-language",
        "age",
        "gender",
        "ward",
        "period",
    ]


def test_an_agencys_cells_prefer_a_measured_return_to_a_checklist_answer_to_a_catalogue_fact(agency_a, make_request):
    request = make_request(agency_a, fields=("nationality", "main-language", "ward", "period"))
    answer(request, "nationality", "yes", completeness=90)
    ChecklistAnswer.objects.filter(request=request, field__code="nationality").update(
        measured_completeness=42.5, measured_at=datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC)
    )
    evidence_refresh(agency_ids=[request.agency_id])
    answer(request, "main-language", "partly", completeness=60)
    row = row_for(build(agency_a.area), "Agency A School")

    nationality = row.cells["nationality"]
    assert (nationality.state, nationality.provenance, nationality.completeness) == (PARTLY, MEASURED, 42.5)
    assert request.reference in nationality.detail
    language = row.cells["main-language"]
    assert (language.state, language.provenance, language.completeness) == (PARTLY, CHECKLIST, 60)
    # Nobody answered for country of birth: the school census EAL source says schools do not record it.
    birth = row.cells["country-of-birth"]
    assert (birth.state, birth.provenance) == (NOT_COLLECTED, CATALOGUE)
    assert "Pupils with English as an additional language" in birth.detail


def test_a_measured_share_of_nought_means_not_collected_and_full_means_collected(agency_a, make_request):
    request = make_request(agency_a, fields=("nationality", "main-language", "ward", "period"))
    answer(request, "nationality", "yes", measured=100, recorded_as="measured")
    answer(request, "main-language", "no", measured=0, recorded_as="measured")
    row = row_for(build(agency_a.area), "Agency A School")
    assert row.cells["nationality"].state == COLLECTED
    assert row.cells["main-language"].state == NOT_COLLECTED
    assert row.missing() == ["country-of-birth", "main-language"]


def test_an_agency_never_asked_gets_what_the_catalogue_says_agencies_of_its_type_record(agency_b):
    row = row_for(build(agency_b.area), "Agency B Trust")
    assert row.requests == 0
    # An acute trust holds the acute trust service users source, which carries nationality for some records only.
    nationality = row.cells["nationality"]
    assert (nationality.state, nationality.provenance, nationality.completeness) == (PARTLY, CATALOGUE, None)
    assert (
        nationality.detail
        == "The catalogue says Acute hospital trust service users carries it for some records or categories only."
    )
    birth = row.cells["country-of-birth"]
    assert (birth.state, birth.provenance) == (UNKNOWN, CATALOGUE)
    assert birth.detail == "The catalogue says Acute hospital trust service users may carry it: check with each agency."
    # The catalogue says nothing about gender for that source, so neither can the matrix.
    assert (row.cells["gender"].state, row.cells["gender"].provenance) == (UNKNOWN, "")
    assert row.cells["gender"].detail == "No request, checklist answer or catalogue fact yet."


def test_the_agencies_matrix_on_a_known_fixture_gives_every_cells_state_completeness_and_evidence(
    agency_a, agency_b, received, make_request, add_return
):
    # Agency A sent a processed return for the school census; processing measured its nationality column.
    pupils = received(agency_a, fields=("nationality", "main-language", "ward", "period"))
    add_return(pupils, rows(("EU8", "E05000001", Q1, 40), ("NON-EU", "E05000002", Q1, 61)))
    answer(pupils, "nationality", "partly", measured=87.5, recorded_as="measured")
    # Agency B was asked about two sources and has answered the checklist for two key fields only.
    patients = force_status(
        make_request(
            agency_b,
            source=Source.objects.get(slug="acute-trust-service-users"),
            fields=("nationality", "immigration-status", "age", "period"),
        ),
        "sent",
    )
    make_request(agency_b, source=Source.objects.get(slug="homelessness-support-service"))
    answer(patients, "nationality", "yes", completeness=70, mandatory="no")
    answer(patients, "immigration-status", "no")

    coverage = build(agency_a.area)

    def table(name):
        return [
            (code, cell.state, cell.completeness, cell.provenance)
            for code, cell in row_for(coverage, name).cells.items()
        ]

    assert [(r.label, r.requests) for r in coverage.agency_rows] == [("Agency A School", 1), ("Agency B Trust", 2)]
    assert table("Agency A School") == [
        ("country-of-birth", NOT_COLLECTED, None, CATALOGUE),  # the school census does not carry it
        ("nationality", PARTLY, 87.5, MEASURED),  # measured beats the catalogue's "absent"
        ("immigration-status", UNKNOWN, None, CATALOGUE),  # "check with each agency"
        ("main-language", COLLECTED, None, MEASURED),  # a column of the processed return
        ("age", UNKNOWN, None, ""),
        ("gender", UNKNOWN, None, ""),
        ("ward", COLLECTED, None, MEASURED),
        ("period", COLLECTED, None, MEASURED),
    ]
    assert table("Agency B Trust") == [
        ("country-of-birth", UNKNOWN, None, CATALOGUE),
        ("nationality", COLLECTED, 70, CHECKLIST),
        ("immigration-status", NOT_COLLECTED, None, CHECKLIST),
        ("main-language", UNKNOWN, None, CATALOGUE),
        ("age", UNKNOWN, None, ""),  # asked for, but nothing returned or answered yet
        ("gender", UNKNOWN, None, ""),
        ("ward", UNKNOWN, None, ""),
        ("period", UNKNOWN, None, ""),
    ]
    # Cells with a request behind them name it.
    assert {
        code: cell.request for code, cell in row_for(coverage, "Agency A School").cells.items() if cell.request
    } == {
        "nationality": pupils.reference,
        "main-language": pupils.reference,
        "ward": pupils.reference,
        "period": pupils.reference,
    }
    assert {code: cell.request for code, cell in row_for(coverage, "Agency B Trust").cells.items() if cell.request} == {
        "nationality": patients.reference,
        "immigration-status": patients.reference,
    }


def test_a_dont_know_answer_does_not_hide_the_catalogue_fact(agency_a, make_request):
    request = make_request(agency_a)
    answer(request, "nationality", "unknown")
    assert row_for(build(agency_a.area), "Agency A School").cells["nationality"].provenance == CATALOGUE


def test_source_rows_come_from_the_catalogue_for_public_and_local_sources_only(area):
    coverage = build(area)
    slugs = {r.slug for r in coverage.source_rows}
    assert Source.objects.filter(stage="qualitative").first().slug not in slugs
    assert len(coverage.source_rows) == Source.objects.exclude(stage="qualitative").count()
    census = next(r for r in coverage.source_rows if r.slug == "school-census-eal-pupils")
    assert all(cell.provenance in (CATALOGUE, "") for cell in census.cells.values())


def test_small_area_lists_name_the_sources_that_reach_ward_lsoa_and_msoa(area):
    coverage = build(area)
    for level in ("ward", "lsoa", "msoa"):
        expected = set(Source.objects.filter(geography_levels__code=level).values_list("slug", flat=True))
        assert {s.slug for s in coverage.small_areas[level]} == expected
        assert expected, f"the catalogue has sources at {level}"


def test_stage2_shows_the_furthest_any_request_for_each_appendix2_source_got(agency_a, agency_b, make_request):
    census = make_request(agency_a)
    force_status(census, "refused")
    force_status(make_request(agency_b), "received")
    stage2 = {row.source.slug: row for row in build(agency_a.area).stage2}
    assert len(stage2) == Source.objects.filter(appendix="A2").count()
    assert stage2["school-census-eal-pupils"].outcome == "received"
    assert stage2["school-census-eal-pupils"].counts["refused"] == 1
    assert stage2["gp-registrations-local"].outcome == "not-requested"


def test_themes_say_whether_local_data_was_requested_or_received(agency_a, make_request):
    force_status(make_request(agency_a), "sent")
    themes = {t.theme.code: t for t in build(agency_a.area).themes}
    assert themes["education"].gap == "requested, nothing received yet"
    assert themes["housing"].gap == "no local source requested"


def test_a_public_source_released_since_it_was_last_taken_in_is_out_of_date(area, coordinator):
    ltim = Source.objects.filter(stage="public").exclude(release_months=[]).first()
    ltim.release_months = [5, 11]
    ltim.save()
    release = next(r for r in build(area).releases if r.source == ltim)
    assert (release.last_release, release.next_release, release.stale) == (
        datetime.date(2026, 11, 1),
        datetime.date(2027, 5, 1),
        True,
    )
    assert ltim in [r.source for r in build(area).due_releases]
    SourceRefresh.objects.create(
        area=area, source=ltim, refreshed_on=datetime.date(2026, 11, 10), recorded_by=coordinator
    )
    assert not next(r for r in build(area).releases if r.source == ltim).stale


@pytest.mark.parametrize(
    ("slug", "frequency", "fresh_from"),
    [
        (
            "nino-registrations",
            "quarterly",
            datetime.date(2026, 7, 21),
        ),  # three months and a month's grace before TODAY
        ("population-by-country-of-birth-nationality", "twice-yearly", datetime.date(2026, 4, 21)),
        ("school-census", "annual", datetime.date(2025, 10, 21)),
        ("racially-religiously-aggravated-offences", "biennial", datetime.date(2024, 10, 21)),
    ],
)
def test_a_public_source_without_release_months_is_out_of_date_once_its_frequency_and_a_months_grace_have_passed(
    area, coordinator, slug, frequency, fresh_from
):
    source = Source.objects.get(slug=slug)
    # Some of these have release months in the catalogue; without them the frequency is all there is.
    source.release_months = []
    source.save()
    assert (source.stage, source.frequency, source.release_months) == ("public", frequency, [])

    def release():
        return next(r for r in build(area).releases if r.source == source)

    assert release().stale, "never taken in"
    SourceRefresh.objects.create(
        area=area, source=source, refreshed_on=fresh_from - datetime.timedelta(days=1), recorded_by=coordinator
    )
    assert release().stale
    SourceRefresh.objects.create(area=area, source=source, refreshed_on=fresh_from, recorded_by=coordinator)
    assert not release().stale
    assert (release().last_release, release().next_release) == (None, None)


def test_census_irregular_and_one_off_public_sources_are_never_out_of_date_by_their_frequency(area):
    releases = {r.source.slug: r for r in build(area).releases}
    for slug in ("census-2011", "index-of-multiple-deprivation", "pupil-nationality-cob-english-proficiency"):
        assert releases[slug].source.frequency in ("decennial", "irregular", "one-off")
        assert not releases[slug].stale, slug


def test_an_agency_expecting_data_without_an_agreement_in_force_is_listed_with_its_agreements(
    agency_a, agency_b, make_request, make_agreement, area
):
    from catalogue.models import OrganisationType
    from catalogue.services import agency_create

    force_status(make_request(agency_a), "sent")
    make_agreement([agency_b])
    force_status(make_request(agency_b), "sent")
    agency_c = agency_create(
        name="Agency C Police", area=area, organisation_type=OrganisationType.objects.get(code="police-force")
    )
    make_agreement([agency_c], steps=("submit",))
    force_status(make_request(agency_c), "acknowledged")
    force_status(make_request(agency_c), "draft")
    governance = {g.agency.name: g for g in build(agency_a.area).governance}
    assert list(governance) == ["Agency A School", "Agency C Police"]
    assert governance["Agency A School"].reason == "no agreement names it as a provider"
    assert governance["Agency C Police"].waiting == 1
    assert governance["Agency C Police"].reason.endswith("is submitted for review")


def test_an_active_agreement_outside_its_dates_is_not_in_force(agency_a, make_request, make_agreement):
    force_status(make_request(agency_a), "sent")
    make_agreement([agency_a], end_date=datetime.date(2026, 6, 30))
    [blocked] = build(agency_a.area).governance
    assert blocked.reason.endswith("is active, outside its dates")


def test_category_lists_are_read_from_current_processed_returns_only(agency_a, received, add_return):
    request = received(agency_a, fields=("nationality", "age", "ward", "period"))
    add_return(request, [], categories={"age_band": ["0-4", "5-10"]}, superseded=True)
    add_return(request, [], categories={"age_band": ["0-15"]})
    add_return(request, [], categories={"age_band": ["99"]}, status="failed")
    assert build(agency_a.area).categories["age_band"] == {agency_a.pk: {"0-15"}}


def test_building_coverage_runs_the_same_queries_however_many_agencies_and_requests(
    agency_a, make_request, make_agreement
):
    from catalogue.models import OrganisationType
    from catalogue.services import agency_create

    force_status(make_request(agency_a), "sent")
    make_agreement([agency_a])
    with CaptureQueriesContext(connection) as before:
        build(agency_a.area)
    kind = OrganisationType.objects.get(code="gp-practice")
    for i in range(12):
        agency = agency_create(name=f"Practice {i}", area=agency_a.area, organisation_type=kind)
        request = force_status(make_request(agency, fields=("nationality", "main-language", "ward", "period")), "sent")
        answer(request, "nationality", "partly", completeness=40, mandatory="no")
        make_agreement([agency])
    with CaptureQueriesContext(connection) as after:
        coverage = build(agency_a.area)
    assert len(coverage.agency_rows) == 13
    assert len(after) == len(before)


def test_a_breakdown_column_in_a_processed_return_counts_as_collected(agency_a, received, add_return):
    request = received(agency_a, fields=("nationality", "ward", "period"))
    add_return(request, [])
    row = row_for(build(agency_a.area), "Agency A School")
    assert (row.cells["ward"].state, row.cells["ward"].provenance, row.cells["ward"].request) == (
        COLLECTED,
        MEASURED,
        request.reference,
    )
    assert row.cells["gender"].provenance != MEASURED
