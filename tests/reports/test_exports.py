"""Files leave the server protected: each format, read back, passes the disclosure audit, carries
its caveats and definitions, and cannot run formulas."""

import csv
import io

import openpyxl
import pytest

from catalogue.models import Source
from reports import exports
from reports.coverage import coverage_build
from reports.indicators import TOTAL, Query, indicators_build, live_of
from reports.recommendations import recommend
from sharing.disclosure import check
from tests.factories import EAL, Q1, Q2, TODAY, rows


@pytest.fixture
def built(agency_a, received, add_return):
    add_return(
        received(agency_a),
        rows(
            ("EU8", "E05000001", Q1, 40),
            ("EU8", "E05000001", Q2, 52),
            ("EU2", "E05000001", Q1, 3),
            ("EU2", "E05000001", Q2, 25),
            ("NON-EU", "E05000002", Q1, 61),
            ("NON-EU", "E05000002", Q2, 2),
            ("=SUM(A1:A9)", "E05000002", Q1, 18),
        ),
    )
    return indicators_build(area=agency_a.area, query=Query(sources=(EAL,)))


def parse(value):
    return None if value == exports.SUPPRESSED else int(value)


def published_from_rows(table, header, body):
    """What a reader of the file knows: every cell's value, keyed like the table's relations."""
    columns = header[1:]
    labels = [table.rows[i] for i in range(len(body))]  # file rows are in table order; labels may be neutralised
    return {
        (label, column): parse(value)
        for label, line in zip(labels, body, strict=True)
        for column, value in zip(columns, line[1:], strict=True)
    }


def test_the_csv_read_back_cannot_narrow_any_suppressed_cell(built):
    [table] = built.tables
    lines = list(csv.reader(io.StringIO(exports.indicators_csv(built))))
    header, body = lines[1], lines[2 : 2 + len(table.rows)]
    published = published_from_rows(table, header, body)
    assert published == table.published
    assert any(v is None for v in published.values())
    check(published, table.relations, threshold=table.threshold)


def test_the_xlsx_read_back_cannot_narrow_any_suppressed_cell_and_has_a_caveats_sheet(built):
    [table] = built.tables
    book = openpyxl.load_workbook(io.BytesIO(exports.indicators_xlsx(built)))
    assert book.sheetnames == ["Table 1", "Caveats and definitions"]
    values = list(book["Table 1"].iter_rows(values_only=True))
    header, body = (
        [str(v) for v in values[1]],
        [[("" if v is None else str(v)) for v in line] for line in values[2 : 2 + len(table.rows)]],
    )
    published = published_from_rows(table, header, body)
    assert published == table.published
    check(published, table.relations, threshold=table.threshold)
    notes = [row for row in book["Caveats and definitions"].iter_rows(values_only=True)]
    labels = [n[0] for n in notes]
    assert "Table 1: Small numbers" in labels
    assert any(label.startswith("Table 1: Definition") for label in labels)
    assert sum(label == "Table 1: Caveat" for label in labels) == len(Source.objects.get(slug=EAL).caveat_list)


def test_the_json_api_publishes_the_same_protected_values(built):
    [table] = built.tables
    data = exports.indicators_json(built)
    [out] = data["tables"]
    published = {
        (row["label"], column): value
        for row in out["rows"]
        for column, value in zip(out["columns"], row["values"], strict=True)
    }
    assert published == table.published
    check(published, table.relations, threshold=table.threshold)
    assert out["suppressed_cells"] == table.suppressed > 0


def test_text_that_looks_like_a_formula_is_neutralised_in_csv_and_xlsx(built):
    text = exports.indicators_csv(built)
    assert "'=SUM(A1:A9)" in text and ",=SUM" not in text
    book = openpyxl.load_workbook(io.BytesIO(exports.indicators_xlsx(built)))
    labels = [row[0] for row in book["Table 1"].iter_rows(values_only=True)]
    assert "'=SUM(A1:A9)" in labels
    assert all(
        not (isinstance(v, str) and v.startswith(("=", "+", "-", "@")))
        for sheet in book
        for row in sheet.iter_rows(values_only=True)
        for v in row
    )


def test_the_csv_ends_with_the_caveats_and_definitions(built):
    text = exports.indicators_csv(built)
    assert "Caveats and definitions" in text
    assert "Counts from 1 to 9 are suppressed" in text


def test_the_coverage_exports_carry_the_matrix_and_ranked_recommendations(agency_a):
    coverage = coverage_build(area=agency_a.area, today=TODAY)
    recs = recommend(coverage)
    data = exports.coverage_json(coverage, recs)
    assert [r["rank"] for r in data["recommendations"]] == list(range(1, len(recs) + 1))
    assert data["agencies"][0]["cells"]["nationality"]["provenance"] in ("catalogue", "checklist", "measured", "")
    lines = list(csv.DictReader(io.StringIO(exports.coverage_csv(coverage, recs))))
    assert {line["section"] for line in lines} == {"coverage", "recommendation"}
    assert sum(line["section"] == "recommendation" for line in lines) == len(recs)


def test_the_printable_report_has_every_part_of_the_chapter(agency_a, built):
    context = exports.report_context(area=agency_a.area, today=TODAY)
    assert context["indicators"] and context["indicators"][0].value(TOTAL, TOTAL) is not None
    assert context["recommendations"]


def key_indicator(area, source):
    return exports.key_indicator_queries(area, [source], live_of(area, [source]))[source.pk]


def test_the_reports_key_indicator_uses_the_first_key_dimension_the_returns_have(agency_a, received, add_return):
    add_return(received(agency_a), [{"main_language": "pol", "count": 40}], categories={"main_language": ["pol"]})
    query = key_indicator(agency_a.area, Source.objects.get(slug=EAL))
    assert (query.rows, query.columns, query.by_area) == ("main_language", "quarter", False)


def test_the_reports_key_indicator_is_shown_within_each_area_when_the_returns_give_areas(
    agency_a, received, add_return
):
    add_return(received(agency_a), rows(("EU8", "E05000001", Q1, 40), ("EU2", "E05000002", Q1, 3)))
    query = key_indicator(agency_a.area, Source.objects.get(slug=EAL))
    assert (query.rows, query.by_area) == ("nationality_group", True)


def test_every_file_marks_a_count_that_includes_counts_the_agency_suppressed(agency_a, received, add_return):
    add_return(
        received(agency_a),
        rows(("EU8", "", Q1, 40), ("EU2", "", Q1, 30), ("NON-EU", "", Q1, 61))
        + [{"nationality_group": "EU2", "count": None}],
    )
    built = indicators_build(area=agency_a.area, query=Query(sources=(EAL,)))
    [table] = built.tables
    at = table.columns.index("Jan–Mar 2026")

    csv_rows = {line[0]: line[1:] for line in csv.reader(io.StringIO(exports.indicators_csv(built))) if line}
    assert csv_rows["EU2"][at] == "30†" and csv_rows["EU8"][at] == "40"

    sheet = openpyxl.load_workbook(io.BytesIO(exports.indicators_xlsx(built)))["Table 1"]
    cells = {line[0].value: line[1:] for line in sheet.iter_rows(min_row=3)}
    assert cells["EU2"][at].value == 30 and cells["EU2"][at].number_format == '0"†"'
    assert cells["EU8"][at].number_format == "General"

    [out] = exports.indicators_json(built)["tables"]
    json_rows = {row["label"]: row for row in out["rows"]}
    assert json_rows["EU2"]["values"][at] == 30 and json_rows["EU2"]["lower_bounds"][at] is True
    assert json_rows["EU8"]["lower_bounds"][at] is False
