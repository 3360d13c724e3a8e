"""Hostile and oversized files, built in the test that needs them (never committed as binaries):
a zip bomb, a sheet of three million rows, a CSV twenty thousand columns wide, a cell at the far
corner of a sheet, workbooks carrying macros or embedded objects, a zip whose directory understates
what a part unpacks to."""

import functools
import io
import struct
import zipfile
import zlib

_CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_ROOT_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_BOOK = (
    '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Return" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_BOOK_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
_SHEET_START = b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def column_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters, index = "", index + 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_row(number: int, values) -> bytes:
    cells = []
    for column, value in enumerate(values):
        ref = f"{column_letters(column)}{number}"
        if isinstance(value, str):
            cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
        else:
            cells.append(f'<c r="{ref}"><v>{value}</v></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'.encode()


def xlsx(sheet_data: bytes | list[bytes], extra: dict[str, bytes] | None = None, level: int = 6) -> bytes:
    """A minimal workbook of one sheet named Return whose <sheetData> holds these rows, as Excel
    lays its parts out, with any extra parts."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _BOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _BOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(_SHEET_START + b"<sheetData>")
            for piece in [sheet_data] if isinstance(sheet_data, bytes) else sheet_data:
                sheet.write(piece)
            sheet.write(b"</sheetData></worksheet>")
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def return_rows(count: int) -> list[bytes]:
    """A valid return's sheet rows: nationality, ward, period, count."""
    rows = [sheet_row(1, ["Nationality", "Ward or small area", "Period", "Count"])]
    nationalities = ["Polish", "Romanian", "Syrian", "Indian", "Irish"]
    for i in range(count):
        rows.append(sheet_row(i + 2, [nationalities[i % 5], f"E05{i % 40 + 1:06d}", f"2024 Q{i % 4 + 1}", i % 50]))
    return rows


def zip_bomb(unpacked_mb: int = 200) -> bytes:
    """A small workbook whose sheet unpacks to hundreds of megabytes of nothing."""
    blank = b" " * (1 << 20)
    return xlsx([sheet_row(1, ["Ward", "Count"])] + [blank] * unpacked_mb, level=1)


@functools.cache  # seconds to compress, and asked for by several tests: bytes, which none can change
def three_million_rows() -> bytes:
    """A sheet of three million one-cell rows, well compressed: a few hundred kilobytes. The first
    are numbered, as Excel writes them; the rest are not, as the format allows."""
    numbered = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (n, n) for n in range(1, 100_001))
    unnumbered = b"<row><c><v>1</v></c></row>" * 100_000
    return xlsx([numbered] + [unnumbered] * 29, level=9)


def _varied(template: bytes, count: int) -> bytes:
    """`count` copies of the template, each with its own number among 10,000: deflate looks back
    32 kB, so the repeats of a block that long are packed no tighter than distinct values."""
    block = b"".join(template % (n * 7919 % 1_000_003) for n in range(10_000))
    whole, rest = divmod(count, 10_000)
    return block * whole + block[: len(block) * rest // 10_000]


def unnumbered_rows(count: int = 3_000_000) -> bytes:
    """A sheet of one-cell rows none of which is numbered (no r= on rows or cells, no <dimension>),
    holding values varied enough to be packed as loosely as a real sheet: its zip directory alone
    does not refuse it."""
    return xlsx(_varied(b"<row><c><v>%d</v></c></row>", count), level=1)


def tall_ods(count: int = 3_000_000) -> bytes:
    """An OpenDocument sheet of one-cell rows, each its own row element (none repeated)."""
    rows = _varied(
        b'<table:table-row><table:table-cell office:value-type="float" office:value="%d"/></table:table-row>', count
    )
    return ods(b"".join([b'<table:table table:name="Return">', rows, b"</table:table>"]), level=1)


def tall_csv(count: int = 3_000_000, quoted: bool = False) -> bytes:
    """One short line a row; quoted cells when asked (which the parser reads more slowly)."""
    return b"Count\n" + _varied(b'"%d"\n' if quoted else b"%d\n", count)


def far_corner_cell() -> bytes:
    """Two cells, at A1 and at the last cell Excel has: read whole, a sheet of 17 billion cells."""
    return xlsx(sheet_row(1, ["Ward"]) + b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')


def wide_csv(columns: int = 20_000, rows: int = 4) -> bytes:
    header = ",".join(f"Area {n}" for n in range(columns))
    body = "\n".join(",".join(str(n % 10) for n in range(columns)) for _ in range(rows))
    return f"{header}\n{body}\n".encode()


def with_part(data: bytes, name: str, content: bytes = b"\xd0\xcf\x11\xe0 binary") -> bytes:
    """The same zip with one more part (a VBA project, an embedded object, a macro library)."""
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            out.writestr(item, source.read(item.filename))
        out.writestr(name, content)
    return target.getvalue()


def ods(content_body: str | bytes, level: int = 6) -> bytes:
    """An OpenDocument spreadsheet whose spreadsheet element holds this XML."""
    content = (
        b'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        b"<office:body><office:spreadsheet>"
    )
    content = b"".join(
        [content, content_body if isinstance(content_body, bytes) else content_body.encode()]
        + [b"</office:spreadsheet></office:body></office:document-content>"]
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED, compresslevel=level)
    return buffer.getvalue()


def ods_repeated_far() -> bytes:
    """One value repeated over every row and column a sheet has: a few bytes of XML."""
    return ods(
        '<table:table table:name="Return"><table:table-row table:number-rows-repeated="1048576">'
        '<table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1">'
        "<text:p>1</text:p></table:table-cell></table:table-row></table:table>"
    )


def understated(data: bytes, part: str, declared: int, crc_of_prefix: bool = True) -> bytes:
    """The same zip with one part's directory entry (and local header) claiming it unpacks to only
    `declared` bytes: a bomb that passes any check of the directory alone. Its checksum is of the
    first `declared` bytes, as a forger would write it, or left as the whole part's."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    item = archive.getinfo(part)
    crc = zlib.crc32(archive.read(part)[:declared]) if crc_of_prefix else item.CRC
    forged = bytearray(data)
    assert forged[item.header_offset : item.header_offset + 4] == b"PK\x03\x04"
    struct.pack_into("<II", forged, item.header_offset + 14, crc, item.compress_size)
    struct.pack_into("<I", forged, item.header_offset + 22, declared)
    entry = _central_entry(forged, part.encode())
    struct.pack_into("<III", forged, entry + 16, crc, item.compress_size, declared)
    return bytes(forged)


def _central_entry(data: bytearray, name: bytes) -> int:
    """Where the central directory's entry for this part starts."""
    at = data.rindex(b"PK\x05\x06")  # the end of the central directory says where it begins
    (at,) = struct.unpack_from("<I", data, at + 16)
    while data[at : at + 4] == b"PK\x01\x02":
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, at + 28)
        if data[at + 46 : at + 46 + name_length] == name:
            return at
        at += 46 + name_length + extra_length + comment_length
    raise KeyError(name)
