"""Local-authority rows of a DfE file with new_la_code blank: placed by their old code or their
name when the file or the council says which authority they are, asked about when they may be the
council's own, left out otherwise. Pure: a hand-built Context."""

from tests.requests_app.ingest.test_geography import run, types

HEAD = (
    "time_period,time_identifier,geographic_level,region_code,old_la_code,new_la_code,la_name,Nationality,headcount\n"
)
ENGLAND = "202324,Academic year,National,,,,,Polish,900\n"
REGION = "202324,Academic year,Regional,E12000001,,,,Polish,90\n"


def test_a_row_without_its_gss_code_is_placed_by_the_old_code_the_file_pairs_with_one():
    rows = (
        "202223,Academic year,Local authority,E12000001,899,E06000099,Teesmouth,Polish,30\n"
        "202324,Academic year,Local authority,E12000001,899,,Teesmouth (UA),Polish,34\n"
    )
    result, report = run(HEAD + ENGLAND + REGION + rows, "local-authority")
    assert report["valid"], report["errors"]
    assert (report["observations"], report["total"]) == (2, 64)
    assert set(result.observations["geography_code"]) == {"E06000099"}


def test_a_row_named_as_the_council_is_the_councils_when_no_code_is_given():
    rows = (
        "202324,Academic year,Local authority,E12000001,805,,Hartlepool,Polish,12\n"
        "202324,Academic year,Local authority,E12000001,899,,Teesmouth Borough Council,Polish,34\n"
    )
    result, report = run(HEAD + ENGLAND + REGION + rows, "local-authority")
    assert report["valid"], report["errors"]
    assert (report["observations"], report["total"]) == (1, 34)
    assert "other-area" in types(report, "warnings")


def test_a_row_without_a_code_is_never_read_as_its_regions_row():
    rows = "202324,Academic year,Local authority,E12000001,805,,Hartlepool,Polish,12\n"
    _, report = run(HEAD + REGION + rows, "region")
    assert report["valid"], report["errors"]
    assert report["total"] == 90


def test_a_row_whose_name_holds_the_councils_but_cannot_be_placed_is_asked_about():
    rows = (
        "202324,Academic year,Local authority,E12000001,805,E06000001,Hartlepool,Polish,12\n"
        "202324,Academic year,Local authority,E12000001,,,Teesmouth and District,Polish,34\n"
    )
    _, report = run(HEAD + ENGLAND + REGION + rows, "local-authority")
    assert not report["valid"]
    [problem] = [p for p in report["errors"] if p["type"] == "unknown-code"]
    assert problem["row"] == 5 and "Teesmouth and District" in problem["message"]
    assert "E06000099" in problem["message"]


def test_an_old_code_the_file_pairs_with_two_gss_codes_places_nothing():
    rows = (
        "202223,Academic year,Local authority,E12000001,899,E06000099,Teesmouth,Polish,30\n"
        "202223,Academic year,Local authority,E12000001,899,E06000098,Elsewhere,Polish,8\n"
        "202324,Academic year,Local authority,E12000001,899,,Unknown,Polish,34\n"
    )
    result, report = run(HEAD + REGION + rows, "local-authority")
    assert report["valid"], report["errors"]
    assert (report["observations"], report["total"]) == (1, 30)
