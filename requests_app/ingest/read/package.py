"""What a workbook's zip directory says before any part of it is read: how many parts, what they
unpack to and how tightly they were packed (a zip bomb is a small file that unpacks to gigabytes),
and whether it carries macros or other active content, which the tracker never stores."""

from __future__ import annotations

import re
import zipfile

from .cells import Unreadable
from .limits import RATIO_FLOOR, SPLIT_ADVICE, Limits, TooLarge

PLAIN_WORKBOOK_ADVICE = (
    'Save it as a plain workbook: in Excel choose File > Save As > "Excel Workbook (*.xlsx)"; in '
    "LibreOffice save it as an .ods or .xlsx spreadsheet without macros. Remove any embedded object or "
    "link to another program, then send the file again."
)
MACRO_MESSAGE = "This workbook carries macros, which the tracker does not accept. " + PLAIN_WORKBOOK_ADVICE


class ActiveContent(Unreadable):
    """Macros, controls or embedded objects: code the tracker will not keep on its disks."""

    type = "active-content"


# Part names, matched without regard to case: VBA projects (.xlsm, or an .xlsx that carries one),
# Excel 4 macro sheets, ActiveX controls and embedded OLE objects; OpenDocument's Basic and script
# libraries and its embedded OLE objects (a file "Object 1"; a chart is a folder "Object 1/").
_ACTIVE = re.compile(
    r"(^|/)vbaproject\.bin$|(^|/)vbadata\.xml$|^xl/macrosheets/|^xl/activex/|^xl/embeddings/"
    r"|^basic/.+|^scripts/.+|^object \d+$",
    re.IGNORECASE,
)
_WHAT = {
    "vba": "macros (a VBA project)",
    "macrosheets": "Excel 4 macro sheets",
    "activex": "ActiveX controls",
    "embeddings": "embedded objects",
    "basic": "macros (Basic)",
    "scripts": "scripts",
    "object": "embedded objects",
    "links": "links that start other programs (DDE or OLE links)",
}
# An external link part may hold a DDE link (a command another program runs as the workbook opens)
# or an OLE link; a link to another workbook's cells is only a formula and is kept.
_EXTERNAL_LINK = re.compile(r"^xl/externallinks/[^/]+\.xml$", re.IGNORECASE)
_RUNS_PROGRAMS = (b"<ddeLink", b"<oleLink", b":ddeLink", b":oleLink")


def check_package(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuses the workbook on its directory alone: too many parts, too much unpacked, packed too
    tightly to be a spreadsheet, or active content."""
    items = archive.infolist()
    if len(items) > limits.parts:
        raise TooLarge(
            f"The workbook is made of more than {limits.parts:,} parts, more than a spreadsheet needs. {SPLIT_ADVICE}"
        )
    unpacked = sum(item.file_size for item in items)
    packed = sum(item.compress_size for item in items)
    if unpacked > limits.unpacked_bytes:
        raise TooLarge(
            f"The workbook unpacks to {unpacked / 2**20:,.1f} MB, more than the "
            f"{limits.unpacked_bytes / 2**20:,.1f} MB the tracker reads. {SPLIT_ADVICE}"
        )
    if unpacked > RATIO_FLOOR and unpacked > limits.ratio * max(packed, 1):
        raise TooLarge(
            f"The workbook unpacks to {unpacked / max(packed, 1):,.0f} times its size, more than the "
            f"{limits.ratio} times a spreadsheet does: it looks built to overload the reader. {SPLIT_ADVICE}"
        )
    found = sorted({_kind(item.filename) for item in items if _ACTIVE.search(item.filename)})
    if any(_EXTERNAL_LINK.match(item.filename) and _runs_programs(archive, item) for item in items):
        found.append("links")
    if found:
        raise ActiveContent(
            f"This workbook carries {', '.join(_WHAT[kind] for kind in found)}, which the tracker does not accept. "
            + PLAIN_WORKBOOK_ADVICE
        )


def _runs_programs(archive: zipfile.ZipFile, item: zipfile.ZipInfo) -> bool:
    """Read a chunk at a time: the part's size is only known to be within the unpacked cap."""
    before = b""
    with archive.open(item) as stream:
        while chunk := stream.read(1 << 20):
            if any(tag in before[-8:] + chunk for tag in _RUNS_PROGRAMS):
                return True
            before = chunk
    return False


def _kind(name: str) -> str:
    lowered = name.lower()
    return next(kind for kind in _WHAT if kind in lowered)
