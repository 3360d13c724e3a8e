"""More publishers' layouts, each from a fixture shaped like the real download: Nomis query
tables whose column headings are the countries (CSV and Excel, with the "Date :" and "Area type :"
lines above the table), and the ONS long-term international migration table by British, EU and
non-EU nationality. The expectations are what the figures mean: the true totals of the file."""

import csv
import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from catalogue.models import Area, Source
from releases.models import PublicRelease
from releases.services import public_table_read, public_table_take_in

FIXTURES = Path(__file__).parent / "fixtures"
TS004 = FIXTURES / "nomis_census_2021_ts004_query_countries.csv"
LTIM = FIXTURES / "ons_ltim_nationality_eu_noneu_british.csv"


@pytest.fixture
def teesmouth(db):
    return Area.objects.create(name="Teesmouth", slug="teesmouth", gss_code="E06000099", region_code="E12000001")


def read(area, slug, data, name):
    result, report = public_table_read(area=area, source=Source.objects.get(slug=slug), data=data, filename=name)
    assert report["valid"], report["errors"]
    return result.observations, report


def counted(observations, column, value):
    rows = observations[~observations["suppressed"].astype(bool)]
    return int(rows[rows[column].astype(str) == value]["count"].sum())


def check_ts004(observations, report):
    # Teesmouth's usual residents by the seven countries of birth chosen; "Total: All usual
    # residents" is their total, checked and not stored.
    assert report["total"] == 128000 + 350 + 3100 + 1450 + 2600 + 1900 + 1200 == 138600
    assert set(observations["country_of_birth"]) == {"GB", "IE", "PL", "RO", "IN", "PK", "NG"}
    assert counted(observations, "country_of_birth", "PL") == 3100
    assert set(observations["geography_code"]) == {"E06000099"}
    assert observations["point_in_time"].all()  # residents on census day
    assert {str(day)[:4] for day in observations["period_end"]} == {"2021"}  # from the "Date :" line
    # England's and the North East's rows are kept apart, as published, to compare with.
    assert report["comparators"] == {
        "E12000001": {"rows": 7, "total": 2598000},
        "E92000001": {"rows": 7, "total": 43353000},
    }
    assert "total-checked" in {w["type"] for w in report["warnings"]}


def test_a_nomis_query_csv_with_the_countries_as_column_headings_is_read_by_country_of_birth(teesmouth):
    check_ts004(*read(teesmouth, "census-2021", TS004.read_bytes(), TS004.name))


def test_the_same_table_downloaded_from_nomis_as_excel_reads_the_same(teesmouth):
    # Nomis's Excel download holds the same lines, one a row, the label and its value in A and B.
    book = Workbook()
    sheet = book.active
    sheet.title = "Data"
    for cells in csv.reader(io.StringIO(TS004.read_text())):
        sheet.append([int(cell) if cell.isdigit() else cell for cell in cells])
    buffer = io.BytesIO()
    book.save(buffer)
    check_ts004(*read(teesmouth, "census-2021", buffer.getvalue(), "ts004-query.xlsx"))


def test_ltim_by_british_eu_and_non_eu_stores_the_flows_in_persons_and_never_net_migration(teesmouth):
    observations, report = read(teesmouth, "ltim-estimates", LTIM.read_bytes(), LTIM.name)
    flows = observations["other"].astype(str)
    assert not flows.str.contains("Net").any()
    assert len(observations) == 2 * 2 * 3  # years x (immigration, emigration) x (British, EU, non-EU)
    immigration = observations[flows.str.contains("Immigration")]
    # The "All nationalities" rows are the totals: 1,114 and 1,218 thousand came, in the two years.
    by_year = immigration.groupby(immigration["period_end"].astype(str).str[:4])["count"].sum().to_dict()
    assert by_year == {"2022": 1114 * 1000, "2023": 1218 * 1000}
    emigration = observations[flows.str.contains("Emigration")]
    assert int(emigration["count"].sum()) == (557 + 508) * 1000
    assert counted(immigration, "nationality_group", "EU") == (151 + 129) * 1000  # the EU as one group
    assert counted(emigration, "nationality_group", "NON-EU") == (174 + 205) * 1000
    assert counted(immigration, "nationality_group", "BRITISH") == (92 + 84) * 1000
    publication = report["publication"]
    assert publication["unit"] == "thousands" and publication["provisional"]
    assert publication["balances_set_aside"] == ["Net migration (rows)"]


def test_an_eu_row_beside_the_eu_groups_it_holds_is_never_a_group_of_its_own(teesmouth):
    finer = LTIM.read_bytes().replace(
        b'"Immigration","British",92,84\n', b'"Immigration","British",92,84\n"Immigration","EU8",40,30\n'
    )
    _, report = public_table_read(
        area=teesmouth, source=Source.objects.get(slug="ltim-estimates"), data=finer, filename=LTIM.name
    )
    stored = report["observations"]
    assert not any(row.get("nationality_group") == "EU" for row in stored)


def test_a_revision_replaces_the_provisional_estimates_and_keeps_them_as_history(teesmouth, coordinator):
    source = Source.objects.get(slug="ltim-estimates")

    def take_in(data, edition):
        taken = public_table_take_in(
            area=teesmouth, source=source, data=data, filename=LTIM.name, edition=edition, user=coordinator
        )
        assert taken.stored, taken.report["errors"]
        return taken.release

    provisional = take_in(LTIM.read_bytes(), "November 2023 (provisional)")
    revised_file = (
        LTIM.read_bytes()
        .replace(
            b"Estimates for the year ending June 2023 are provisional and will be revised when more data are "
            b"available.",
            b"Estimates for the year ending June 2023 have been revised with more complete data.",
        )
        .replace(b'"Immigration","All nationalities",1114,1218', b'"Immigration","All nationalities",1114,1228')
        .replace(b'"Immigration","Non-EU",871,1005', b'"Immigration","Non-EU",871,1015')
    )
    revised = take_in(revised_file, "May 2024 (revised)")
    provisional.refresh_from_db()
    assert provisional.replaced_by == revised and revised.in_force
    assert provisional.provisional and not revised.provisional
    # The history keeps what the provisional edition said: 1,218 thousand came in the later year.
    assert provisional.total == (1114 + 1218 + 557 + 508) * 1000
    assert revised.total == (1114 + 1228 + 557 + 508) * 1000
    assert PublicRelease.objects.filter(area=teesmouth, source=source).count() == 2
