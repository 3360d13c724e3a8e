"""The caps checked before the work: hostile and oversized files are refused quickly, with a
message that names the cap and how to split the file, before any parser reads their cells."""

import io
import zipfile
from unittest import mock

import openpyxl
import pytest

from requests_app.ingest.read import Limits, read_file
from requests_app.ingest.read.package import check_package
from tests.requests_app.ingest import hostile


def refusal(data: bytes, filename: str, limits: Limits | None = None):
    sheets, problems = read_file(data, filename, limits=limits)
    assert sheets == []
    (problem,) = problems
    assert problem.severity == "error"
    return problem


@pytest.fixture
def no_parser(monkeypatch):
    """Fails the test if a file reaches calamine: the refusal must come before it."""
    import python_calamine

    def refuse(*args, **kwargs):
        raise AssertionError("the file reached the parser")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", refuse)


def test_a_zip_bomb_is_refused_on_its_directory_before_anything_is_unpacked(no_parser):
    problem = refusal(hostile.zip_bomb(), "return.xlsx")
    assert problem.type == "too-large"
    assert "times its size" in problem.message and "Split it into smaller files" in problem.message


def test_a_workbook_that_unpacks_beyond_the_cap_is_refused_naming_the_cap(no_parser):
    problem = refusal(hostile.xlsx(hostile.return_rows(2000)), "return.xlsx", Limits(unpacked_bytes=100_000))
    assert problem.type == "too-large" and "more than the 0.1 MB the tracker reads" in problem.message


def test_a_workbook_of_too_many_parts_is_refused(no_parser):
    data = hostile.xlsx(hostile.return_rows(3))
    for n in range(30):
        data = hostile.with_part(data, f"xl/media/image{n}.png", b"x")
    problem = refusal(data, "return.xlsx", Limits(parts=20))
    assert problem.type == "too-large" and "more than 20 parts" in problem.message


def test_three_million_rows_are_refused_on_the_sheets_xml_before_calamine_reads_them(no_parser):
    data = hostile.three_million_rows()
    assert refusal(data, "return.xlsx").type == "too-large"  # packed too tightly, to begin with
    problem = refusal(data, "return.xlsx", Limits(ratio=10_000))
    assert problem.type == "too-large"
    assert "more than 1,500,000 rows" in problem.message and 'sheet "Return"' in problem.message


@pytest.fixture
def calamine_stops(monkeypatch):
    """The messages calamine stopped reading a sheet with."""
    import python_calamine

    stopped: list[str] = []
    opened = python_calamine.CalamineWorkbook.from_filelike

    def watched(*args, **kwargs):
        workbook = opened(*args, **kwargs)

        def sheet(name):
            try:
                return workbook.get_sheet_by_name(name)
            except python_calamine.CalamineError as exc:
                stopped.append(str(exc))
                raise

        return mock.Mock(wraps=workbook, get_sheet_by_name=sheet, sheets_metadata=workbook.sheets_metadata)

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", watched)
    return stopped


def understated_rows(**options) -> bytes:
    """Three million rows (refused as such when the directory tells the truth) declared as 3 kB."""
    honest = hostile.three_million_rows()
    assert "more than 1,500,000 rows" in refusal(honest, "return.xlsx", Limits(ratio=10_000)).message
    return hostile.understated(honest, "xl/worksheets/sheet1.xml", 3_000, **options)


def test_a_sheet_understated_with_a_forged_checksum_is_read_no_further_than_its_directory_says(calamine_stops):
    problem = refusal(understated_rows(crc_of_prefix=True), "return.xlsx", Limits(ratio=10_000))
    # Our scan read the 3 kB declared and found three rows; calamine stopped where they end.
    assert problem.type == "unreadable-file" and "save it as" in problem.message
    assert calamine_stops == ["I/O error: File is larger than its declared uncompressed size"]


def test_a_sheet_understated_with_its_true_checksum_is_refused_by_the_scan_at_the_declared_size(calamine_stops):
    problem = refusal(understated_rows(crc_of_prefix=False), "return.xlsx", Limits(ratio=10_000))
    assert problem.type == "unreadable-file" and calamine_stops == []


def test_an_ods_whose_directory_understates_its_content_is_read_no_further_than_it_says():
    honest = hostile.ods_repeated_far()
    forged = hostile.understated(honest, "content.xml", 300)
    assert refusal(forged, "return.ods").type == "unreadable-file"


def test_a_cell_in_the_far_corner_is_refused_before_a_sheet_of_its_size_is_built(no_parser):
    problem = refusal(hostile.far_corner_cell(), "return.xlsx")
    assert problem.type == "too-large" and "more than 2,000 columns" in problem.message


def test_twenty_thousand_columns_of_csv_are_refused_before_they_are_parsed(monkeypatch):
    import pandas as pd

    monkeypatch.setattr(pd, "read_csv", lambda *args, **kwargs: pytest.fail("the file was parsed"))
    problem = refusal(hostile.wide_csv(), "return.csv")
    assert problem.type == "too-large" and "more than 2,000 columns" in problem.message


def test_a_csv_past_the_row_cap_is_refused_after_one_row_too_many():
    data = ("Ward,Count\n" + "E05000001,1\n" * 200).encode()
    problem = refusal(data, "return.csv", Limits(rows=100))
    assert "more than 100 rows" in problem.message and "Split it into smaller files" in problem.message


def test_the_cell_cap_counts_every_sheet_of_a_workbook():
    workbook = openpyxl.Workbook()
    for name in ("2023", "2024"):
        sheet = workbook.create_sheet(name)
        for n in range(60):
            sheet.append(["Polish", f"E05{n:06d}", 3])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert read_file(buffer.getvalue(), "return.xlsx", limits=Limits(cells=400))[1] == []
    problem = refusal(buffer.getvalue(), "return.xlsx", Limits(cells=300))
    assert "more than 300 cells (all its sheets together)" in problem.message


def test_an_ods_value_repeated_over_a_whole_sheet_is_refused_on_its_repeats(no_parser):
    problem = refusal(hostile.ods_repeated_far(), "return.ods")
    assert problem.type == "too-large" and "more than 2,000 columns" in problem.message


def test_an_ods_sheet_padded_with_empty_repeats_to_the_last_row_is_read():
    data = hostile.ods(
        '<table:table table:name="Return"><table:table-row><table:table-cell office:value-type="string">'
        '<text:p>Ward</text:p></table:table-cell><table:table-cell table:number-columns-repeated="16383"/>'
        '</table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell '
        'table:number-columns-repeated="16384"/></table:table-row></table:table>'
    )
    (sheet,), problems = read_file(data, "return.ods")
    assert problems == [] and sheet.cells.shape == (1, 1) and sheet.cells.loc[1, 0] == "Ward"


def test_a_real_return_is_read_whole_within_the_default_caps():
    (sheet,), problems = read_file(hostile.xlsx(hostile.return_rows(5000)), "return.xlsx")
    assert problems == [] and sheet.cells.shape == (5001, 4)
    assert sheet.cells.loc[5001].tolist() == ["Irish", "E05000040", "2024 Q4", "49"]


# --- macros and active content -------------------------------------------------------------------


@pytest.mark.parametrize(
    "part, says",
    [
        ("xl/vbaProject.bin", "macros (a VBA project)"),
        ("xl/macrosheets/sheet1.xml", "Excel 4 macro sheets"),
        ("xl/activeX/activeX1.bin", "ActiveX controls"),
        ("xl/embeddings/oleObject1.bin", "embedded objects"),
    ],
)
def test_a_workbook_carrying_active_content_is_refused_with_advice_to_save_it_plain(part, says, no_parser):
    data = hostile.with_part(hostile.xlsx(hostile.return_rows(3)), part)
    problem = refusal(data, "return.xlsx")
    assert problem.type == "active-content"
    assert says in problem.message and "Save it as a plain workbook" in problem.message


@pytest.mark.parametrize("part", ["Basic/Standard/Module1.xml", "Scripts/python/check.py", "Object 1"])
def test_an_ods_carrying_macros_or_an_ole_object_is_refused(part, no_parser):
    data = hostile.with_part(hostile.ods('<table:table table:name="Return"/>'), part)
    assert refusal(data, "return.ods").type == "active-content"


def test_an_ods_chart_is_an_object_folder_and_is_not_active_content():
    data = hostile.with_part(hostile.ods('<table:table table:name="Return"/>'), "Object 1/content.xml", b"<chart/>")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        check_package(archive, Limits())


@pytest.mark.parametrize("filename", ["return.xlsm", "template.XLTM", "book.xlsb"])
def test_a_macro_enabled_workbook_is_refused_by_its_name_whatever_it_holds(filename):
    problem = refusal(hostile.xlsx(hostile.return_rows(3)), filename)
    assert problem.type == "active-content" and "carries macros" in problem.message


def test_a_far_cell_whose_reference_is_not_first_in_its_tag_is_found_all_the_same(no_parser):
    data = hostile.xlsx(b'<row r="1"><c t="n" r="XFD1"><v>1</v></c><c t="n" r="A1048576"><v>1</v></c></row>')
    assert refusal(data, "return.xlsx").type == "too-large"


def test_cells_without_references_are_placed_after_the_cells_before_them():
    data = hostile.xlsx(
        b'<row><c t="inlineStr"><is><t>Ward</t></is></c><c t="inlineStr"><is><t>Count</t></is></c></row>'
        b'<row r="3"><c r="B3"><v>7</v></c><c><v>8</v></c></row>'
    )
    (sheet,), problems = read_file(data, "return.xlsx")
    assert problems == [] and sheet.cells.values.tolist() == [["Ward", "Count", ""], ["", "", ""], ["", "7", "8"]]
    assert refusal(data, "return.xlsx", Limits(columns=2)).type == "too-large"


# --- tall sheets counted before they are measured ------------------------------------------------


@pytest.fixture
def unmeasured(monkeypatch):
    """Fails the test if a sheet is measured (the xlsx scan's slow patterns for rows without
    numbers, the ODS parse) or a CSV parsed: the refusal must come from counting tags or lines."""
    import pandas as pd

    from requests_app.ingest.read import ods, xlsx

    def measure(*args, **kwargs):
        raise AssertionError("the sheet was measured or parsed")

    monkeypatch.setattr(xlsx._Extent, "_unreferenced", measure)
    monkeypatch.setattr(ods, "_parse", measure)
    monkeypatch.setattr(pd, "read_csv", measure)


def assert_too_tall(problem, where: str):
    assert problem.type == "too-large"
    assert "more than 1,500,000 rows" in problem.message and where in problem.message
    assert "Split it into smaller files" in problem.message


def test_three_million_unnumbered_rows_packed_like_a_real_sheet_are_refused_on_their_tags(no_parser, unmeasured):
    data = hostile.unnumbered_rows()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        check_package(archive, Limits())  # its directory passes: only counting its rows refuses it
    assert_too_tall(refusal(data, "return.xlsx"), 'sheet "Return"')


def test_an_ods_of_more_rows_than_the_cap_is_refused_on_its_row_tags(no_parser, unmeasured):
    data = hostile.tall_ods(1_600_000)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        check_package(archive, Limits())
    assert_too_tall(refusal(data, "return.ods"), "one of its sheets")


@pytest.mark.parametrize("quoted", [False, True])
def test_a_csv_of_three_million_lines_is_refused_on_its_line_count_before_parsing(quoted, unmeasured):
    assert_too_tall(refusal(hostile.tall_csv(quoted=quoted), "return.csv"), 'sheet "return"')


def test_lines_inside_quoted_cells_are_not_records():
    from requests_app.ingest.read.text import record_count

    assert record_count(b"") == 0 and record_count(b"a") == 1 and record_count(b"a\n") == 1
    assert record_count(b'"x\ny",1\n2\n') == 2 and record_count(b'"a""\nb",1\n') == 1
    # As many lines as the cap, one with a quoted line break: one record short of it, so parsed.
    data = b'Ward,Note\nE05000001,"two\nlines"\n' + b"E05000001,x\n" * 97
    (sheet,), problems = read_file(data, "return.csv", limits=Limits(rows=99))
    assert problems == [] and sheet.cells.shape == (99, 2)


def test_a_tag_cut_in_two_by_the_chunking_is_counted_once_and_longer_names_not_at_all(monkeypatch):
    from requests_app.ingest.read import precount

    monkeypatch.setattr(precount, "CHUNK", 16)  # the root tag whole in the first chunk, as in any real sheet
    xml = b'<x:worksheet><x:sheetData><x:row r="1"><x:c r="A1"/></x:row><x:row>\n<x:c\n/></x:row>'
    xml += b"</x:sheetData><x:rowBreaks/><x:cols/></x:worksheet>"
    counts = precount.count_tags(io.BytesIO(xml), precount.worksheet_tags, {"rows": 10, "cells": 10})
    assert counts == {"rows": 2, "cells": 2}


def test_an_ods_row_cap_is_per_sheet_as_the_tags_are_counted(monkeypatch):
    from requests_app.ingest.read import precount

    monkeypatch.setattr(precount, "CHUNK", 128)  # the root tag whole in the first chunk
    row = b"<t:table-row><t:table-cell/></t:table-row>"
    head = b'<office:document-content xmlns:t="urn:oasis:names:tc:opendocument:xmlns:table:1.0">'
    two = head + b'<t:table t:name="A">' + row * 60 + b'</t:table><t:table t:name="B">' + row * 60 + b"</t:table>"
    caps = {"rows": 100, "cells": 1000}
    assert precount.count_tags(io.BytesIO(two), precount.ods_tags, caps) == {"rows": 60, "cells": 120}
    one = head + b'<t:table t:name="A">' + row * 120 + b"</t:table>"
    assert precount.count_tags(io.BytesIO(one), precount.ods_tags, caps)["rows"] > 100


_DDE_LINK = (
    b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<ddeLink ddeService="cmd" ddeTopic="/c calc"><ddeItems><ddeItem name="A0"/></ddeItems></ddeLink>'
    b"</externalLink>"
)
_BOOK_LINK = (
    b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<externalBook><sheetNames><sheetName val="Data"/></sheetNames></externalBook></externalLink>'
)


def test_a_workbook_with_a_dde_link_is_refused_as_active_content(no_parser):
    data = hostile.with_part(hostile.xlsx(hostile.return_rows(3)), "xl/externalLinks/externalLink1.xml", _DDE_LINK)
    problem = refusal(data, "return.xlsx")
    assert problem.type == "active-content" and "DDE or OLE links" in problem.message
    assert "Save it as a plain workbook" in problem.message


def test_a_link_to_another_workbooks_cells_is_only_a_formula_and_is_read():
    data = hostile.with_part(hostile.xlsx(hostile.return_rows(3)), "xl/externalLinks/externalLink1.xml", _BOOK_LINK)
    (sheet,), problems = read_file(data, "return.xlsx")
    assert problems == [] and sheet.cells.shape == (4, 4)
