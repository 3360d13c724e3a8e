"""The public figures set beside local ones: summed over the area, a stock at its latest date, a
suppressed cell kept suppressed, and the population estimate named."""

import datetime

from releases.selectors import population_of, public_counts
from tests.releases.public_tables import census, mid_year, take_in


def test_a_census_table_gives_each_country_of_birth_for_the_whole_area(area, coordinator):
    take_in(area, coordinator, "census-2021", census(2021, 19000, "700", 300))
    [counts] = public_counts(area, "country_of_birth")
    assert counts.counts == {"GB": 19000, "PL": 700, "IN": 300}
    assert counts.stock and counts.period == "2021"


def test_a_release_without_the_field_is_not_set_beside_it(area, coordinator):
    take_in(area, coordinator, "census-2021", census(2021, 19000, "700", 300))
    assert public_counts(area, "nationality_group") == []


def test_a_count_the_publisher_suppressed_stays_suppressed(area, coordinator):
    take_in(area, coordinator, "census-2021", census(2021, 19000, "c", 300))
    [counts] = public_counts(area, "country_of_birth")
    assert counts.counts["PL"] is None and counts.counts["IN"] == 300


def test_the_population_is_the_councils_mid_year_estimate_named_with_its_source_area_and_day(area, coordinator):
    assert population_of(area) is None
    take_in(area, coordinator, "mid-year-population-estimates", mid_year(20000), edition="Mid-2024")
    population = population_of(area)
    assert population.count == 20000 and population.on == datetime.date(2024, 6, 30)
    assert population.named == (
        "ONS mid-year population estimates (MYE2, by age and sex), Testborough (E06000099), "
        "30 June 2024 (Mid-2024): 20,000 residents"
    )
