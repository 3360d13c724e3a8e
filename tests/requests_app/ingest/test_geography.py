"""Geography levels in one file: the council's rows of the level asked for are kept, its own
totals checked against their parts, the rest left out and named. Pure: a hand-built Context."""

import pytest

from requests_app.ingest import codes, validate
from requests_app.ingest.vintages import explain

FIELDS = {
    "nationality": ["Nationality"],
    "ward": ["Ward or small area", "ward code", "geography code", "lsoa"],
    "period": ["Period", "quarter", "date", "year", "time period"],
}
WARDS = ["E05009901", "E05009902", "E05009903"]
LSOAS = ["E01035101", "E01035102"]
LEVELS = {
    "E05": "ward",
    "E01": "lsoa",
    "E02": "msoa",
    "E12": "region",
    "E92": "country",
    "E23": "police-force-area",
}


def council(**extra) -> codes.Reference:
    return codes.Reference(
        country_aliases={"polish": "PL", "romanian": "RO", "syrian": "SY"},
        group_members=[],
        residual_group="NON-EU",
        language_aliases={},
        gss_levels=LEVELS,
        **{
            "area_codes": frozenset(WARDS + LSOAS),
            "local_authority": "E06000099",
            "region": "E12000001",
            "area_name": "Teesmouth",
            "vintages": {"ward": 2023, "lsoa": 2021},
            **extra,
        },
    )


def run(csv: str, level: str, reference: codes.Reference | None = None, requested=("nationality",)):
    context = validate.Context(
        requested=list(requested),
        aliases=FIELDS,
        geography_level=level,
        aggregate_only=True,
        reference=reference or council(),
    )
    result = validate.run(csv.encode(), "file.csv", context)
    return result, result.report()


def types(report, kind="errors") -> set[str]:
    return {p["type"] for p in report[kind]}


def message(report, kind, type_) -> str:
    return next(p["message"] for p in report[kind] if p["type"] == type_)


DFE = """\
time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,new_la_code,la_name,\
nationality,headcount
202324,Academic year,National,E92000001,England,,,,,Polish,9000
202324,Academic year,Regional,E92000001,England,E12000001,North East,,,Polish,700
202324,Academic year,Local authority,E92000001,England,E12000001,North East,E06000001,Hartlepool,Polish,60
202324,Academic year,Local authority,E92000001,England,E12000001,North East,E06000099,Teesmouth,Polish,80
202324,Academic year,Local authority,E92000001,England,E12000001,North East,E06000099,Teesmouth,Syrian,12
"""


def test_a_dfe_file_keeps_only_the_councils_own_authority_rows():
    result, report = run(DFE, "local-authority")
    assert report["valid"], report["errors"]
    assert report["total"] == 92
    assert set(result.observations["geography_code"]) == {"E06000099"}
    left_out = message(report, "warnings", "other-area")
    assert left_out.startswith("3 rows for other areas or levels were left out: England, North East, Hartlepool.")


def test_the_dfe_location_columns_are_not_reported_as_unused():
    _, report = run(DFE, "local-authority")
    unused = {p["value"] for p in report["warnings"] if p["type"] == "unknown-label"}
    assert not unused & {"geographic_level", "country_code", "region_name", "new_la_code", "la_name"}


def test_without_a_council_the_finest_level_is_kept_and_the_wider_areas_left_out():
    reference = council(area_codes=None, local_authority="", region="")
    result, report = run(DFE, "", reference)
    assert report["valid"], report["errors"]
    assert report["total"] == 152
    assert "England, North East" in message(report, "warnings", "other-area")


NOMIS = """geography,geography code,Nationality,Count
England,E92000001,Polish,9000
North East,E12000001,Polish,700
Teesmouth,E06000099,Polish,{total}
Northgate,E05009901,Polish,30
Southbank,E05009902,Polish,25
Riverside,E05009903,Polish,{last}
"""


def test_the_councils_own_total_is_checked_against_its_wards_and_not_stored():
    result, report = run(NOMIS.format(total=70, last=15), "ward")
    assert report["valid"], report["errors"]
    assert report["total"] == 70 and len(result.observations) == 3
    assert "and agree" in message(report, "warnings", "area-total")


def test_an_authority_row_that_disagrees_with_its_wards_is_refused_with_both_figures():
    _, report = run(NOMIS.format(total=75, last=15), "ward")
    assert not report["valid"]
    [problem] = [p for p in report["errors"] if p["type"] == "area-total"]
    assert (problem["row"], problem["column"], problem["value"]) == (4, "D", "75")
    assert "says 75" in problem["message"] and "add up to 70" in problem["message"]


def test_a_suppressed_ward_leaves_the_total_unchecked_rather_than_wrong():
    _, report = run(NOMIS.format(total=75, last="c"), "ward")
    assert report["valid"], report["errors"]
    assert "could not be checked" in message(report, "warnings", "area-total")


def test_asked_for_the_authority_its_wards_check_its_row():
    result, report = run(NOMIS.format(total=70, last=15), "local-authority")
    assert report["valid"], report["errors"]
    assert report["total"] == 70 and set(result.observations["geography_code"]) == {"E06000099"}
    assert "against its wards" in message(report, "warnings", "area-total")


def test_in_a_file_of_many_councils_other_councils_wards_are_left_out():
    csv = NOMIS.format(total=70, last=15) + "Seaton,E05008942,Polish,44\nHartlepool,E06000001,Polish,44\n"
    result, report = run(csv, "ward")
    assert report["valid"], report["errors"]
    assert report["total"] == 70
    assert "Hartlepool, Seaton" in message(report, "warnings", "other-area")


def test_in_the_councils_own_return_a_ward_outside_its_lookup_is_an_error():
    csv = "Ward code,Nationality,Count\nE05009901,Polish,4\nE05008942,Polish,3\n"
    _, report = run(csv, "ward")
    assert not report["valid"]
    [outside] = [p for p in report["errors"] if p["type"] == "unknown-code"]
    assert outside["value"] == "E05008942" and "not in this council's area" in outside["message"]


def test_a_ward_whose_authority_column_names_the_council_is_the_councils_even_when_others_are_present():
    csv = (
        "Ward code,LAD code,Nationality,Count\nE05009901,E06000099,Polish,4\nE05001111,E06000099,Polish,3\n"
        "E05008942,E06000001,Polish,9\n"
    )
    _, report = run(csv, "ward")
    assert not report["valid"]
    assert [p["value"] for p in report["errors"] if p["type"] == "unknown-code"] == ["E05001111"]
    assert "E05008942" in message(report, "warnings", "other-area")


def test_asked_for_wards_a_file_with_a_finer_code_beside_each_ward_is_read_by_its_wards():
    csv = (
        "Ward code,LSOA code,Nationality,Count\nE05009901,E01035101,Polish,4\nE05009901,E01035102,Polish,3\n"
        "E05009902,E01035101,Polish,2\n"
    )
    result, report = run(csv, "ward", requested=("nationality", "ward"))
    assert report["valid"], report["errors"]
    assert result.observations.groupby("geography_code")["count"].sum().to_dict() == {"E05009901": 7, "E05009902": 2}


def test_a_file_with_none_of_the_councils_rows_says_what_it_holds():
    csv = "geography code,Nationality,Count\nE06000001,Polish,4\nE06000002,Polish,3\n"
    _, report = run(csv, "local-authority")
    assert types(report) == {"other-area"}
    assert "None of the rows is for Teesmouth" in message(report, "errors", "other-area")


def test_names_of_the_council_and_its_region_beside_ward_names_cannot_be_told_apart():
    csv = "Ward or small area,Nationality,Count\nNorthgate,Polish,4\nTeesmouth,Polish,9\nNorth East,Polish,90\n"
    _, report = run(csv, "ward", requested=("nationality", "ward"))
    assert "mixed-levels" in types(report)
    assert "Teesmouth" in message(report, "errors", "mixed-levels")


def test_wards_and_msoas_with_no_level_asked_for_are_refused():
    csv = "geography code,Nationality,Count\nE05009901,Polish,4\nE02007001,Polish,3\n"
    _, report = run(csv, "")
    assert types(report) == {"mixed-levels"}


def test_a_level_column_that_contradicts_a_code_is_reported():
    csv = "geographic_level,geography code,Nationality,Count\nRegional,E06000099,Polish,4\n"
    _, report = run(csv, "local-authority")
    assert "level-mismatch" in types(report)


def test_a_level_column_lets_other_kinds_of_area_be_left_out():
    csv = (
        "geographic_level,geography code,Nationality,Count\nLocal authority,E06000099,Polish,4\n"
        "Police force area,E23000013,Polish,40\n"
    )
    _, report = run(csv, "local-authority")
    assert report["valid"], report["errors"]
    assert report["total"] == 4 and "E23000013" in message(report, "warnings", "other-area")


def test_the_councils_own_code_is_in_its_area_without_a_lookup_of_authorities():
    csv = "geography code,Nationality,Count\nE06000099,Polish,4\n"
    _, report = run(csv, "local-authority", council(area_codes=frozenset(WARDS)))
    assert report["valid"], report["errors"]


@pytest.mark.parametrize(
    "level, missing, lookup, says",
    [
        ("lsoa", ["E01012001"], {"lsoa": 2021}, "2011 LSOA codes"),
        ("lsoa", ["E01035500"], {"lsoa": 2011}, "2021 LSOA codes"),
        ("ward", ["E05001001"], {"ward": 2023}, "older set of ward boundaries"),
        ("ward", ["E05019999"], {"ward": 2023}, "newer set of ward boundaries"),
    ],
)
def test_codes_missing_from_the_lookup_say_which_boundaries_they_seem_to_use(level, missing, lookup, says):
    known = frozenset(["E01012002", "E01012003"] if lookup == {"lsoa": 2011} else WARDS + LSOAS)
    assert says in explain(level, missing, council(area_codes=known, vintages=lookup))


def test_codes_that_sort_among_the_lookups_say_nothing_about_boundaries():
    assert explain("ward", ["E05009901"], council(area_codes=frozenset(["E05009900", "E05009902"]))) == ""


def test_a_lookups_year_is_known_from_its_codes_when_not_recorded():
    assert "holds 2021 LSOAs" in explain("lsoa", ["E01000123"], council(vintages={}))


def test_the_council_knows_its_codes_at_each_level():
    own = council().own_codes
    assert own["local-authority"] == {"E06000099"} and own["country"] == {"E92000001"}
    assert own["region"] == {"E12000001"} and own["ward"] == frozenset(WARDS)


def test_areas_contain_the_areas_below_them_on_one_branch_only():
    assert codes.contains("local-authority", "lsoa") and codes.contains("region", "ward")
    assert not codes.contains("ward", "lsoa") and not codes.contains("lsoa", "msoa")
    assert codes.level_of("E10000023", council()) == "county"
