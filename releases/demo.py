"""The public tables the demo area has taken in: a Census 2021 table with its 2011 baseline, NINo
registrations and the mid-year estimates, from small files kept beside this module, written for
the demo's made-up wards. Taken in once: a table already in force for the area is left alone."""

import datetime
from pathlib import Path

from django.contrib.auth import get_user_model

from catalogue.demo import AREA
from catalogue.models import Area, Source
from releases.models import PublicRelease
from releases.services import public_table_take_in

TABLES = Path(__file__).parent / "demo_tables"

# (source slug, table, file, edition, release date, where it was downloaded from)
DEMO_TABLES = [
    (
        "census-2021",
        "TS004",
        "census2021_ts004_wards.csv",
        "Census 2021, country of birth by ward",
        datetime.date(2022, 11, 2),
        "https://www.nomisweb.co.uk/sources/census_2021_bulk",
    ),
    (
        "census-2011",
        "QS203EW",
        "census2011_qs203_wards.csv",
        "2011 Census, country of birth by ward",
        datetime.date(2013, 1, 30),
        "https://www.nomisweb.co.uk/census/2011/bulk/r2_2",
    ),
    (
        "nino-registrations",
        "",
        "statxplore_nino_teesmouth.csv",
        "July 2025 to March 2026",
        datetime.date(2026, 5, 21),
        "https://stat-xplore.dwp.gov.uk/",
    ),
    (
        "mid-year-population-estimates",
        "MYE2",
        "ons_mid_year_estimates_2024.csv",
        "Mid-2024",
        datetime.date(2025, 7, 30),
        "https://www.ons.gov.uk/peoplepopulationandcommunity/populationandmigration/populationestimates",
    ),
]


def demo_public_tables() -> int:
    """Takes in the demo's public tables that the demo area has not taken in yet; how many it took in."""
    area = Area.objects.filter(slug=AREA["slug"]).first()
    if area is None:
        return 0
    coordinator = get_user_model().objects.filter(username="coordinator").first()
    made = 0
    for slug, table, name, edition, released_on, provenance in DEMO_TABLES:
        source = Source.objects.get(slug=slug)
        if PublicRelease.objects.filter(area=area, source=source, table=table).exists():
            continue
        taken = public_table_take_in(
            area=area,
            source=source,
            data=(TABLES / name).read_bytes(),
            filename=name,
            edition=edition,
            table=table,
            released_on=released_on,
            provenance=provenance,
            user=coordinator,
        )
        made += taken.stored
    return made


def on_demo_seeded(sender, **kwargs) -> None:
    demo_public_tables()
