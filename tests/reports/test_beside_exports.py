"""The indicators' CSV, Excel and JSON files carry the public figures beside the local ones, with
the council's comparator areas, each rate's population named, the public source's definition and
the comparability warning; a suppressed count is [c] with no rate, in every format."""

import csv
import io
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from catalogue.models import Source
from tests.factories import Q1
from tests.releases.public_tables import mid_year, take_in
from tests.reports.indicators.test_beside_wider import WIDER

VCS = "vcs-migrant-support-organisations"
QUERY = {"source": VCS, "rows": "country_of_birth", "columns": "quarter"}


def per_1000(count, population):
    return float((Decimal(count) * 1000 / population).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@pytest.fixture
def compared(area, coordinator, agency_a, received, add_return):
    area.region_code = "E12000001"
    area.save()
    add_return(
        received(agency_a, source=Source.objects.get(slug=VCS)),
        [
            {"country_of_birth": code, "period_start": Q1[0], "period_end": Q1[1], "count": n}
            for code, n in (("PL", 120), ("IN", 45))
        ],
    )
    take_in(area, coordinator, "census-2021", WIDER)
    take_in(area, coordinator, "mid-year-population-estimates", mid_year(20000), edition="Mid-2024")


def test_the_csv_sets_the_council_beside_its_comparators_and_the_local_source_with_named_denominators(
    coordinator_client, compared
):
    text = coordinator_client.get(reverse("reports:indicators-csv"), QUERY).content.decode()
    lines = list(csv.reader(io.StringIO(text)))
    assert ["Public beside local: Census 2021 (England and Wales) by country of birth"] in lines
    header = next(line for line in lines if line[:1] == ["Country of birth"] and "per 1,000" in line)
    assert header[3].startswith("Local: Voluntary sector organisations") and header[4] == "per 1,000"
    assert header[5:11] == [
        "North East, 2021",
        "North East per 1,000",
        "England, 2021",
        "England per 1,000",
        "England and Wales, 2021",
        "England and Wales per 1,000",
    ]
    poland = next(line for line in lines if line[:1] == ["Poland"] and len(line) == len(header))
    # Council 700 of 20,000; the charity's 120 of the council's 20,000; the region's count suppressed
    # by the publisher, so no rate; England 743,000 of 58,620,101; no estimate for England and Wales.
    assert poland == ["Poland", "700", "35.0", "120", "6.0", "[c]", "", "743000"] + [
        str(per_1000(743000, 58620101)),
        "760000",
        "",
    ]
    notes = {(line[0], line[1]) for line in lines if len(line) == 2}
    assert any(
        label == "Denominator"
        and text.startswith("Rates for England: ")
        and "England (E92000001), 30 June 2024 (Mid-2024): 58,620,101 residents" in text
        for label, text in notes
    )
    assert any(label == "Denominator" and "Testborough (E06000099)" in text for label, text in notes)
    assert any(
        label == "Denominator" and text == "Rates for North East: no population estimate for it has been taken in."
        for label, text in notes
    )
    assert any(label == "Not comparable" and "Census 2021" in text for label, text in notes)
    assert any(label.startswith("Definition: Country of birth") for label, _ in notes)
    assert ("Public source", "Census 2021 (England and Wales) (census-2021)") in notes


def test_the_json_gives_each_comparator_figure_with_its_rate_or_why_there_is_none(coordinator_client, compared):
    [comparison] = coordinator_client.get(reverse("reports:indicators-json"), QUERY).json()["public_beside_local"]
    assert [c["code"] for c in comparison["comparators"]] == ["E12000001", "E92000001", "K04000001"]
    india = next(row for row in comparison["rows"] if row["label"] == "India")
    region, england, wales = india["comparators"]
    assert region == {
        "count": 52000,
        "suppressed": False,
        "per_1000": None,
        "no_rate": "No population estimate has been taken in.",
    }
    assert england["count"] == 880000 and england["per_1000"] == "15.0"  # 880,000 of 58,620,101
    poland = next(row for row in comparison["rows"] if row["label"] == "Poland")
    assert poland["comparators"][0]["suppressed"] and poland["comparators"][0]["per_1000"] is None
    assert poland["public"] == {"count": 700, "suppressed": False, "per_1000": "35.0", "no_rate": ""}
    assert poland["local"][0]["count"] == 120 and poland["local"][0]["per_1000"] == "6.0"
    assert comparison["warnings"] and any("Denominator" == n["label"] for n in comparison["notes"])


def test_the_workbook_has_a_sheet_of_public_beside_local_with_its_notes(coordinator_client, compared):
    book = load_workbook(io.BytesIO(coordinator_client.get(reverse("reports:indicators-xlsx"), QUERY).content))
    sheet = book["Public beside local 1"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    poland = next(row for row in rows if row[0] == "Poland")
    assert poland[1:5] == [700, 35.0, 120, 6.0] and poland[5] == "[c]" and poland[7] == 743000
    assert any(row[0] == "Denominator" and "58,620,101 residents" in (row[1] or "") for row in rows)
    assert any(row[0] == "Not comparable" for row in rows)


def test_agency_contacts_get_no_file_of_the_comparison(contact_a_client, contact_b_client, compared):
    for client in (contact_a_client, contact_b_client):
        for name in ("reports:indicators-csv", "reports:indicators-json", "reports:indicators-xlsx"):
            assert client.get(reverse(name), QUERY).status_code == 404
