"""Public figures beside the local ones: as published, with rates per 1,000 residents of the named
estimate, never a rate from a suppressed count, and change since the 2011 Census."""

from decimal import Decimal

import pytest

from catalogue.models import Source
from reports.indicators import Query, build_table
from reports.indicators.beside import beside_build
from tests.factories import Q1
from tests.releases.public_tables import census, mid_year, take_in

VCS = "vcs-migrant-support-organisations"


@pytest.fixture
def clients(agency_a, received, add_return):
    """A charity's clients by country of birth: 120 born in Poland, 3 (a small count) in India."""
    add_return(
        received(agency_a, source=Source.objects.get(slug=VCS)),
        [
            {"country_of_birth": code, "period_start": Q1[0], "period_end": Q1[1], "count": n}
            for code, n in (("PL", 120), ("IN", 3), ("SY", 45))
        ],
    )
    return Source.objects.get(slug=VCS)


def compare(area, local_sources=()):
    tables = [build_table(area, s, Query(sources=(s.slug,), rows="country_of_birth")) for s in local_sources]
    return beside_build(area=area, rows="country_of_birth", tables=tables)


def row(comparison, label):
    return next(r for r in comparison.rows if r.label == label)


def test_public_and_local_counts_of_the_same_field_are_side_by_side_with_the_comparability_warning(
    area, coordinator, clients
):
    take_in(area, coordinator, "census-2021", census(2021, 19000, "700", 300))
    [comparison] = compare(area, [clients])
    poland = row(comparison, "Poland")
    assert poland.public.count == 700 and poland.local[0].count == 120
    assert [c.source.slug for c in comparison.local] == [VCS]
    assert any("are not directly comparable" in w and "Census 2021" in w for w in comparison.warnings)
    assert ("Definition: Country of birth" in dict(comparison.notes)) and "As published" in dict(comparison.notes)
    # A value only the local source has is still shown, with no public count.
    syria = row(comparison, "Syria")
    assert syria.public.missing and not syria.local[0].missing


def test_rates_are_per_1000_residents_of_the_named_mid_year_estimate(area, coordinator, clients):
    take_in(area, coordinator, "census-2021", census(2021, 19000, "700", 300))
    take_in(area, coordinator, "mid-year-population-estimates", mid_year(20000), edition="Mid-2024")
    [comparison] = compare(area, [clients])
    assert "Testborough (E06000099), 30 June 2024 (Mid-2024): 20,000 residents" in comparison.population.named
    poland = row(comparison, "Poland")
    assert poland.public.rate.per_1000 == Decimal("35.0")  # 700 of 20,000
    assert poland.local[0].rate.per_1000 == Decimal("6.0")  # 120 of 20,000
    assert "approximation" in dict(comparison.notes)["Rates"]  # a 2021 count against a 2024 population


def test_no_rate_is_worked_out_from_a_suppressed_count_public_or_local(area, coordinator, clients):
    take_in(area, coordinator, "census-2021", census(2021, 19000, "c", 300))
    take_in(area, coordinator, "mid-year-population-estimates", mid_year(20000))
    [comparison] = compare(area, [clients])
    poland, india = row(comparison, "Poland"), row(comparison, "India")
    assert poland.public.count is None and poland.public.rate.per_1000 is None
    assert "publisher" in poland.public.rate.why
    assert india.local[0].count is None and india.local[0].rate.per_1000 is None  # 3 is below the threshold
    assert "small numbers" in india.local[0].rate.why
    assert india.public.rate.per_1000 == Decimal("15.0")


def test_without_a_population_estimate_no_rate_is_shown_and_it_says_why(area, coordinator):
    take_in(area, coordinator, "census-2021", census(2021, 19000, "700", 300))
    [comparison] = compare(area)
    assert comparison.population is None
    assert row(comparison, "Poland").public.rate.why == "No population estimate has been taken in."


def test_change_since_the_2011_census_is_shown_on_the_2021_table_only(area, coordinator):
    take_in(area, coordinator, "census-2011", census(2011, 19500, "250", 180))
    take_in(area, coordinator, "census-2021", census(2021, 19000, "700", 300))
    [comparison] = compare(area)
    assert comparison.source.slug == "census-2021" and comparison.baseline.release.source.slug == "census-2011"
    poland, uk = row(comparison, "Poland"), row(comparison, "United Kingdom")
    assert (poland.baseline.count, poland.change) == (250, 450)
    assert uk.change == -500


def test_no_change_is_worked_out_from_a_suppressed_baseline(area, coordinator):
    take_in(area, coordinator, "census-2011", census(2011, 19500, "c", 180))
    take_in(area, coordinator, "census-2021", census(2021, 19000, "700", 300))
    [comparison] = compare(area)
    poland = row(comparison, "Poland")
    assert poland.baseline.count is None and poland.change is None
    assert row(comparison, "India").change == 120


def test_rows_by_area_have_no_field_to_set_public_figures_beside(area, coordinator):
    take_in(area, coordinator, "census-2021", census(2021, 19000, "700", 300))
    assert beside_build(area=area, rows="area", tables=[]) == []
