"""The council beside its region, England and England and Wales, where the public file carries
them: their rows kept as published, rates only from their own population estimate and never from
a suppressed count, and the council's own figures unchanged by them."""

from decimal import ROUND_HALF_UP, Decimal

import pytest

from releases.models import PublicObservation
from reports.indicators.beside import beside_build
from tests.releases.public_tables import mid_year, take_in

HEAD = (
    "date,geography,geography code,Country of birth: Total; measures: Value,"
    "Country of birth: United Kingdom; measures: Value,Country of birth: Poland; measures: Value,"
    "Country of birth: India; measures: Value\n"
)
# Census 2021 TS004 as Nomis gives it when several geography types are chosen: the council, its
# region, England and England and Wales. The region's Poland cell is the publisher's "c".
WIDER = (
    HEAD
    + "2021,Testborough,E06000099,20000,19000,700,300\n"
    + "2021,North East,E12000001,2647000,2480000,c,52000\n"
    + "2021,England,E92000001,47803000,46180000,743000,880000\n"
    + "2021,England and Wales,K04000001,50635000,48970000,760000,905000\n"
).encode()


@pytest.fixture
def teesside(area):
    area.region_code = "E12000001"
    area.save()
    return area


def per_1000(count, population):
    return (Decimal(count) * 1000 / population).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def compare(area):
    [comparison] = beside_build(area=area, rows="country_of_birth", tables=[])
    return comparison


def row(comparison, label):
    return next(r for r in comparison.rows if r.label == label)


def test_the_comparator_areas_rows_are_stored_as_their_own_observations(teesside, coordinator):
    release = take_in(teesside, coordinator, "census-2021", WIDER)
    codes = set(PublicObservation.objects.filter(release=release).values_list("geography_code", flat=True))
    assert codes == {"E06000099", "E12000001", "E92000001", "K04000001"}
    assert release.total == 19000 + 700 + 300  # the council's own total, not England's added in
    assert release.report["comparators"]["E92000001"] == {"rows": 3, "total": 46180000 + 743000 + 880000}
    # The region's hidden cell is a suppressed count, not 0, and not in its total.
    assert release.report["comparators"]["E12000001"] == {"rows": 3, "total": 2480000 + 52000}


def test_the_council_is_shown_beside_its_region_england_and_england_and_wales_as_published(teesside, coordinator):
    take_in(teesside, coordinator, "census-2021", WIDER)
    comparison = compare(teesside)
    assert [(w.code, w.name) for w in comparison.wider] == [
        ("E12000001", "North East"),
        ("E92000001", "England"),
        ("K04000001", "England and Wales"),
    ]
    poland = row(comparison, "Poland")
    assert poland.public.count == 700  # the council's count alone
    assert [f.count for f in poland.wider] == [None, 743000, 760000]
    assert poland.wider[0].rate.per_1000 is None and "Suppressed by the publisher" in poland.wider[0].rate.why


def test_a_comparators_rate_comes_from_its_own_population_estimate_or_there_is_none(teesside, coordinator):
    take_in(teesside, coordinator, "census-2021", WIDER)
    # The estimates name England (58,620,101) and the council (20,000), not the region or E&W.
    take_in(teesside, coordinator, "mid-year-population-estimates", mid_year(20000), edition="Mid-2024")
    comparison = compare(teesside)
    india = row(comparison, "India")
    assert india.public.rate.per_1000 == Decimal("15.0")  # 300 of the council's 20,000
    region, england, wales = india.wider
    assert england.rate.per_1000 == per_1000(880000, 58620101) == Decimal("15.0")
    assert region.count == 52000 and region.rate.per_1000 is None
    assert wales.rate.per_1000 is None and "No population estimate" in wales.rate.why
    notes = dict(comparison.notes)
    assert "England (E92000001), 30 June 2024 (Mid-2024): 58,620,101 residents" in notes["Denominator"]
    # The council's own denominator is its own row, not England's added to it.
    assert comparison.population.count == 20000


def test_a_file_of_the_council_alone_has_no_comparators(area, coordinator):
    take_in(area, coordinator, "census-2021", (HEAD + "2021,Testborough,E06000099,20000,19000,700,300\n").encode())
    assert compare(area).wider == []
