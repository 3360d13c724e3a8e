"""Public figures beside local ones in a real browser: the council beside its region and England,
and ward by ward, on the indicators page and in the printed report, on a desktop and a phone."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from catalogue.models import Source
from tests.browser.pages import log_in
from tests.factories import Q1
from tests.releases.public_tables import mid_year, take_in
from tests.reports.indicators.test_beside_wider import WIDER

pytestmark = [pytest.mark.browser]

VCS = "vcs-migrant-support-organisations"
TS004_WARDS = (Path(__file__).parents[1] / "releases" / "fixtures" / "nomis_census_2021_ts004_bulk.csv").read_bytes()
# Where to keep screenshots of the pages, to look at them; none are taken unless it is set.
SHOTS = os.environ.get("TRACKER_SCREENSHOTS", "")


def shoot(page, name: str) -> None:
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for device, viewport in (("desktop", size), ("phone", {"width": 390, "height": 844})):
        page.set_viewport_size(viewport)
        page.screenshot(path=f"{SHOTS}/{name}-{device}.png", full_page=True)
        # The comparison alone, large enough to read.
        for number, part in enumerate(page.locator("section.beside, article.indicator:has(.beside-table)").all()):
            part.screenshot(path=f"{SHOTS}/{name}-{device}-comparison-{number}.png")
    page.set_viewport_size(size)


def test_the_coordinator_reads_the_council_beside_its_region_england_and_its_wards(
    page,
    check,
    area,
    coordinator,
    agency_a,
    received,
    add_return,
):
    area.region_code = "E12000001"
    area.save()
    add_return(
        received(agency_a, source=Source.objects.get(slug=VCS)),
        [
            {"country_of_birth": code, "geography_code": ward, "period_start": Q1[0], "period_end": Q1[1], "count": n}
            for code, ward, n in (("PL", "E05009901", 70), ("PL", "E05009902", 50), ("IN", "E05009901", 45))
        ],
    )
    take_in(area, coordinator, "census-2021", WIDER)
    take_in(area, coordinator, "census-2011", TS004_WARDS.replace(b"2021,", b"2011,"), edition="2011 wards")
    take_in(area, coordinator, "mid-year-population-estimates", mid_year(20000), edition="Mid-2024")
    log_in(page, coordinator)

    page.goto(f"/reports/indicators/?source={VCS}&rows=country_of_birth&columns=quarter")
    check(page)
    table = page.locator("table.beside-table").first
    expect(table.get_by_role("columnheader", name="England, 2021", exact=True)).to_be_visible()
    expect(table.get_by_role("columnheader", name="North East, 2021", exact=True)).to_be_visible()
    shoot(page, "indicators-country-of-birth")

    page.goto(f"/reports/indicators/?source={VCS}&rows=area&columns=quarter")
    check(page)
    expect(page.get_by_role("heading", name="Public beside local: 2011 Census by ward")).to_be_visible()
    shoot(page, "indicators-by-ward")

    page.goto("/reports/report/")
    check(page)
    expect(page.get_by_text("beside local returns: ward")).to_be_visible()
    shoot(page, "report")
