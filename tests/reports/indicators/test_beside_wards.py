"""Ward by ward: a public table at ward level (Census 2021 TS004 from Nomis) beside the local
returns by ward, with rates per 1,000 residents of each ward when ward-level estimates are taken in."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from catalogue.models import Source
from reports.indicators import Query, build_table
from reports.indicators.beside import beside_build
from tests.factories import EAL, Q1, rows
from tests.releases.public_tables import take_in

TS004 = (Path(__file__).parents[2] / "releases" / "fixtures" / "nomis_census_2021_ts004_bulk.csv").read_bytes()
# ONS ward-level mid-year estimates (SAPE), one row a ward: code, name, its council, all ages, by sex.
WARD_ESTIMATES = (
    b'"Mid-2022 population estimates for 2022 wards in England and Wales"\n'
    b'"Units: persons"\n'
    b'"Ward 2022 Code","Ward 2022 Name","LAD 2022 Code","LAD 2022 Name","Total","Female","Male"\n'
    b'"E05009901","Northgate","E06000099","Testborough",7400,3780,3620\n'
    b'"E05009902","Southbank","E06000099","Testborough",6800,3490,3310\n'
)


@pytest.fixture
def by_ward(area, coordinator, agency_a, received, add_return):
    """The school's pupils by ward: Northgate 40 + 25, Southbank 61; no return names Riverside."""
    add_return(
        received(agency_a),
        rows(("EU8", "E05009901", Q1, 40), ("EU2", "E05009901", Q1, 25), ("NON-EU", "E05009902", Q1, 61)),
    )
    take_in(area, coordinator, "census-2021", TS004)


def compare(area):
    source = Source.objects.get(slug=EAL)
    return beside_build(area=area, rows="area", tables=[build_table(area, source, Query(sources=(EAL,), rows="area"))])


def row(comparison, code):
    return next(r for r in comparison.rows if code in r.label)


def test_each_ward_of_the_public_table_is_beside_the_local_returns_for_that_ward(area, by_ward):
    [comparison] = compare(area)
    assert comparison.field_label == "Ward" and comparison.baseline is None and comparison.wider == []
    # The census's usual residents of each ward, all countries of birth together.
    assert row(comparison, "E05009901").public.count == 6210 + 420 + 160 + 310 + 105
    assert row(comparison, "E05009903").public.count == 5120 + 610 + 240 + 450 + 165
    assert row(comparison, "E05009901").local[0].count == 40 + 25
    assert row(comparison, "E05009902").local[0].count == 61
    assert row(comparison, "E05009903").local[0].missing  # no return names it
    assert "No ward-level population estimate" in comparison.per_ward


def test_ward_rates_are_per_1000_residents_of_that_ward_and_named(area, coordinator, by_ward):
    take_in(area, coordinator, "mid-year-population-estimates", WARD_ESTIMATES, edition="Mid-2022 wards")
    [comparison] = compare(area)
    northgate = row(comparison, "E05009901")
    assert northgate.public.rate.per_1000 == Decimal("973.6")  # 7,205 of 7,400
    assert northgate.local[0].rate.per_1000 == Decimal("8.8")  # 65 of 7,400
    assert row(comparison, "E05009902").local[0].rate.per_1000 == Decimal("9.0")  # 61 of 6,800
    riverside = row(comparison, "E05009903")
    assert riverside.public.rate.per_1000 is None and "this ward" in riverside.public.rate.why
    assert "Mid-2022 wards" in comparison.per_ward and "30 June 2022" in comparison.per_ward


def test_the_indicators_page_by_area_shows_the_wards_side_by_side(coordinator_client, by_ward):
    html = coordinator_client.get(reverse("reports:indicators"), {"source": EAL, "rows": "area", "columns": "quarter"})
    page = html.content.decode()
    assert "Public beside local: Census 2021 (England and Wales) by ward" in page
    assert "For each ward of Testborough" in page


def test_the_printed_report_has_the_ward_comparison(coordinator_client, by_ward):
    page = coordinator_client.get(reverse("reports:report")).content.decode()
    section = page.split("6. Public statistics beside local returns")[1]
    assert "Census 2021 (England and Wales) beside local returns: ward" in section
    assert "Ward by ward. No ward-level population estimate has been taken in" in section


def test_agency_contacts_are_told_the_ward_comparison_does_not_exist(contact_a_client, contact_b_client, by_ward):
    for client in (contact_a_client, contact_b_client):
        assert client.get(reverse("reports:indicators"), {"source": EAL, "rows": "area"}).status_code == 404
