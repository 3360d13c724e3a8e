"""Each publisher's layout, from a fixture shaped like the real file, is read as the file means.

The fixtures in fixtures/ follow the publishers' downloads (see each case's comment); the
expectations are worked out from what the figures mean, never copied from the output.
"""

from pathlib import Path

import pytest

from catalogue.models import Area, Source
from releases.services import public_table_read

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def teesmouth(db):
    return Area.objects.create(name="Teesmouth", slug="teesmouth", gss_code="E06000099", region_code="E12000001")


def read(area, slug, name):
    result, report = public_table_read(
        area=area, source=Source.objects.get(slug=slug), data=(FIXTURES / name).read_bytes(), filename=name
    )
    assert report["valid"], report["errors"]
    return result.observations, report


def kept(observations, **where):
    rows = observations[~observations["suppressed"].astype(bool)]
    for column, value in where.items():
        rows = rows[rows[column].astype(str).str.casefold().str.contains(value.casefold(), regex=False)]
    return int(rows["count"].sum())


def test_a_nomis_census_2021_bulk_file_gives_each_ward_by_country_of_birth_without_its_total_column(teesmouth):
    # census2021-ts004 bulk: date, geography, geography code, "<field>: <category>; measures: Value".
    observations, report = read(teesmouth, "census-2021", "nomis_census_2021_ts004_bulk.csv")
    assert len(observations) == 3 * 5 and report["total"] == 7205 + 6625 + 6585
    assert set(observations["country_of_birth"]) == {"GB", "PL", "RO", "IN", "SY"}
    assert kept(observations, geography_code="E05009903", country_of_birth="PL") == 610
    assert observations["point_in_time"].all()  # residents on census day: a stock
    assert "total-checked" in {w["type"] for w in report["warnings"]}


def test_a_nomis_census_2011_bulk_file_reads_past_its_rural_urban_total_selection(teesmouth):
    # The 2011 bulk files carry "Rural Urban" = "Total" on every row: the selection, not total rows.
    observations, report = read(teesmouth, "census-2011", "nomis_census_2011_qs203_bulk.csv")
    assert len(observations) == 2 * 5 and report["total"] == 7520 + 6880
    assert kept(observations, country_of_birth="GB") == 7040 + 6510
    assert {p[:4] for p in observations["period_start"].astype(str)} == {"2011"}


def test_a_nomis_census_2021_query_csv_is_read_below_its_title_and_units_lines(teesmouth):
    # A Nomis query download: title, copyright, "Population :", "Units :" and "Date :" lines, a blank
    # line each side of the header, and the census's note on record swapping at the foot.
    observations, report = read(teesmouth, "census-2021", "nomis_census_2021_ts008_query.csv")
    assert len(observations) == 3 * 2 and report["total"] == 7205 + 6625 + 6585  # "All persons" checked, not kept
    assert kept(observations, gender="Female") == 3690 + 3400 + 3310
    assert report["publication"]["unit"] == "persons"
    assert report["publication"]["noise"]  # perturbed: "some counts will be affected"


def test_a_nomis_census_2011_query_csv_reads_past_its_selection_lines(teesmouth):
    # As the 2011 KS601EW query download: "Rural Urban:", "Total" is a selection line, not a total row.
    observations, report = read(teesmouth, "census-2011", "nomis_census_2011_ks601_query.csv")
    assert len(observations) == 2 * 2 and report["total"] == 5480 + 4910
    assert kept(observations, geography_code="E05009902") == 4910


def test_a_stat_xplore_export_keeps_its_nationalities_by_quarter_and_leaves_the_totals_out(teesmouth):
    observations, report = read(teesmouth, "nino-registrations", "statxplore_nino_registrations.csv")
    assert len(observations) == 2 * 3 and report["total"] == 540
    assert kept(observations, nationality="RO") == 205
    assert report["publication"]["noise"]  # "Statistical Disclosure Control has been applied"


def test_a_dfe_file_keeps_the_councils_rows_and_its_confidential_cell_as_the_publisher_suppressed_it(teesmouth):
    observations, report = read(
        teesmouth, "pupil-nationality-cob-english-proficiency", "dfe_ees_pupils_first_language.csv"
    )
    assert len(observations) == 3 and report["total"] == 21000 + 2400
    assert set(observations["geography_code"]) == {"E06000099"}  # national and regional rows left out
    assert report["publication"]["suppressed_by_publisher"] == 1
    assert str(observations["period_start"].iloc[0])[:10] == "2023-09-01"


def test_nhs_gp_registrations_are_patients_on_the_extract_date(teesmouth):
    observations, report = read(teesmouth, "nhs-gp-registered-patients", "nhs_gp_registrations_lsoa.csv")
    assert len(observations) == 4 and report["stock_totals"] == {"2025-01-01": 820 + 845 + 910 + 930}
    assert kept(observations, gender="Female") == 845 + 930


def test_mid_year_estimates_are_residents_on_30_june_of_the_year_in_their_title(teesmouth):
    observations, report = read(teesmouth, "mid-year-population-estimates", "ons_mid_year_estimates.csv")
    assert report["stock_totals"] == {"2023-06-30": 143100}
    assert set(observations["geography_code"]) == {"E06000099"}  # England and the region are other areas
    assert report["publication"]["unit"] == "persons"


def test_ltim_tables_store_immigration_and_emigration_as_persons_and_never_net_migration(teesmouth):
    observations, report = read(teesmouth, "ltim-estimates", "ons_ltim_provisional_table1.csv")
    flows = observations["other"].map(lambda text: text)
    assert len(observations) == 2 * 2 * 3  # periods x (immigration, emigration) x nationality groups
    assert not flows.str.contains("Net").any()
    assert kept(observations, other="Immigration", period_end="2024-06-30") == (79 + 70 + 850) * 1000
    assert kept(observations, other="Emigration", nationality_group="EU14") == (120 + 118) * 1000
    publication = report["publication"]
    assert publication["unit"] == "thousands" and publication["provisional"] and publication["provisional_rows"] == 9
    assert publication["intervals_set_aside"] == ["Lower bound", "Upper bound"]
    assert publication["balances_set_aside"] == ["Net migration (rows)"]


def test_home_office_asylum_support_is_people_supported_on_each_quarter_end_for_the_council_only(teesmouth):
    observations, report = read(teesmouth, "supported-asylum-seekers", "home_office_asylum_support_asy_d11.csv")
    assert report["stock_totals"] == {"2024-03-31": 412 + 18 + 35, "2024-06-30": 398 + 21 + 29}
    assert report["total"] == 398 + 21 + 29  # a stock is never added up over dates
    assert set(observations["geography_code"]) == {"E06000099"}


def test_aps_estimates_in_thousands_are_stored_as_persons_without_their_confidence_intervals(teesmouth):
    observations, report = read(teesmouth, "population-by-country-of-birth-nationality", "ons_aps_country_of_birth.csv")
    assert report["total"] == (126 + 3 + 2) * 1000
    assert kept(observations, country_of_birth="PL") == 3000
    assert report["publication"]["intervals_set_aside"] == ["95% confidence interval +/-"]
    assert report["publication"]["suppressed_by_publisher"] == 1  # ":" as ONS prints it


LAMI = Path(__file__).parents[1] / "requests_app" / "ingest" / "corpus" / "shapes_ons_lami_migration_flows.xlsx"


def read_lami(area, measure):
    return public_table_read(
        area=area,
        source=Source.objects.get(slug="local-area-migration-indicators"),
        data=LAMI.read_bytes(),
        filename=LAMI.name,
        measure=measure,
    )


def test_the_lami_workbook_is_read_one_measure_at_a_time(teesmouth):
    # Migration Flows: period over measure over inflow / outflow, five measures per period.
    result, report = read_lami(teesmouth, "Long-Term International Migration Inflow")
    assert report["valid"] and report["total"] == 1320 + 1480
    assert sorted(str(day)[:10] for day in result.observations["period_end"]) == ["2022-06-30", "2023-06-30"]
    result, report = read_lami(teesmouth, "Internal Migration Outflow")
    assert report["valid"] and report["total"] == 5120 + 5010


def test_the_lami_populations_are_residents_at_each_mid_year(teesmouth):
    _, report = read_lami(teesmouth, "Population Estimate")
    assert report["stock_totals"] == {"2022-06-30": 141250, "2023-06-30": 141900}


def test_the_lami_workbook_read_whole_is_refused_as_mixing_measures(teesmouth):
    _, report = read_lami(teesmouth, "")
    assert not report["valid"] and [e["type"] for e in report["errors"]] == ["mixed-measures"]
