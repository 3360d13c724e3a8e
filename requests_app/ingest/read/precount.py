"""A first look at a sheet's XML before it is measured or parsed: its row and cell tags counted at
the byte level as the part is decompressed, stopping at the cap.

Measuring a sheet's extent is a parse of sorts (a row or a cell without a number sits after the
one before it; an OpenDocument row may stand for many), and on three million rows it takes tens of
seconds. Counting tags with bytes.count takes a fraction of a second, and a sheet with more row
tags than the row cap, or more cell tags than the cell cap, is beyond it whatever its numbers say:
each tag is at least one row or one cell. What the count lets through is measured as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import IO

from .limits import Limits, too_large

CHUNK = 1 << 20
# What may follow a tag's name in XML: attributes, the end of the tag or an empty tag. Counting
# these (rather than "<row") leaves out longer names that start alike (<rowBreaks>, <cols>).
_AFTER_NAME = (b" ", b">", b"/", b"\n", b"\r", b"\t")


def count_tags(stream: IO[bytes], names: Callable[[bytes], Mapping[str, list[bytes]]], caps: Mapping[str, int]):
    """How many opening tags of each kind the stream holds, read a chunk at a time. `names` gets
    the first chunk (where the root element declares its namespace prefixes) and returns each
    kind's qualified names ("rows" -> [b"x:row"]); the kind "sheets", when given, starts the count
    of rows again (an OpenDocument file holds every sheet in one part; the row cap is per sheet).
    Stops as soon as a kind passes its cap, so a count past the cap is only known to be past it."""
    counts = dict.fromkeys(caps, 0)
    tallest = 0
    tags: dict[str, list[tuple[bytes, list[bytes]]]] = {}
    before = b""
    while chunk := stream.read(CHUNK):
        if not tags:
            tags = {
                kind: [(b"<" + name, [b"<" + name + end for end in _AFTER_NAME]) for name in found]
                for kind, found in names(chunk).items()
            }
        sheets = tags.get("sheets", ())
        sheet_starts = [pattern for _, patterns in sheets for pattern in patterns]
        for number, piece in enumerate(_pieces(chunk, sheets)):
            if number or (before and any(_joint(before, chunk, start).count(start) for start in sheet_starts)):
                tallest, counts["rows"] = max(tallest, counts["rows"]), 0
            for kind in caps:
                for stem, patterns in tags.get(kind, ()):
                    counts[kind] += _count(piece, stem, patterns)
                    if number == 0 and before:
                        counts[kind] += sum(_joint(before, chunk, pattern).count(pattern) for pattern in patterns)
        if any(counts[kind] > cap for kind, cap in caps.items()):
            break
        before = chunk
    counts["rows"] = max(tallest, counts["rows"])
    return counts


def _count(text: bytes, stem: bytes, patterns: list[bytes]) -> int:
    """The tags in the text: each is "<row" and one of the characters that may follow a name, most
    often a space or ">", so the rarer ones are looked for only while some "<row" is unexplained."""
    stems, found = text.count(stem), 0
    for pattern in patterns:
        if found == stems:
            break
        found += text.count(pattern)
    return found


def _joint(before: bytes, chunk: bytes, pattern: bytes) -> bytes:
    """Where a tag cut in two by the chunking is found whole: neither side holds it."""
    return before[-(len(pattern) - 1) :] + chunk[: len(pattern) - 1]


def _pieces(chunk: bytes, sheets: list[tuple[bytes, list[bytes]]]) -> list[bytes]:
    """The chunk cut where each sheet starts (no row tag spans such a cut). The name of a sheet's
    tag (table:table) begins the names of many others, each going on with a dash (table:table-row):
    when they explain every occurrence, there is nothing to look for."""
    sheets = [(stem, patterns) for stem, patterns in sheets if chunk.count(stem) != chunk.count(stem + b"-")]
    cuts = sorted(at for _, patterns in sheets for start in patterns for at in _positions(chunk, start))
    return [chunk[a:b] for a, b in zip([0, *cuts], [*cuts, len(chunk)], strict=True)]


def _positions(text: bytes, pattern: bytes):
    at = text.find(pattern)
    while at >= 0:
        yield at
        at = text.find(pattern, at + 1)


def refuse_past_caps(counts: Mapping[str, int], limits: Limits, where: str) -> None:
    if counts.get("rows", 0) > limits.rows:
        raise too_large(where, limits.rows, "rows")
    if counts.get("cells", 0) > limits.cells:
        raise too_large("all its sheets together", limits.cells, "cells")


_SPREADSHEETML_ROOT = re.compile(rb"<(\w+:)?worksheet\b")


def worksheet_tags(first: bytes) -> dict[str, list[bytes]]:
    """A worksheet's rows and cells, under the prefix of its root element (Excel writes none;
    some writers use x:)."""
    match = _SPREADSHEETML_ROOT.search(first)
    prefix = (match.group(1) or b"") if match else b""
    return {"rows": [prefix + b"row"], "cells": [prefix + b"c"]}


_TABLE_NAMESPACE = rb"urn:oasis:names:tc:opendocument:xmlns:table:1\.0"
_TABLE_PREFIX = re.compile(rb'xmlns(?::([\w.-]+))?\s*=\s*["\']' + _TABLE_NAMESPACE + rb'["\']')


def ods_tags(first: bytes) -> dict[str, list[bytes]]:
    """An OpenDocument content.xml's rows and cells under every prefix its root binds to the table
    namespace (LibreOffice writes table:); "table:" when the first chunk binds none."""
    prefixes = [(found + b":") if found else b"" for found in _TABLE_PREFIX.findall(first)] or [b"table:"]
    return {
        "rows": [prefix + b"table-row" for prefix in prefixes],
        "cells": [prefix + name for prefix in prefixes for name in (b"table-cell", b"covered-table-cell")],
        "sheets": [prefix + b"table" for prefix in prefixes],
    }


def check_sheet_tags(stream: IO[bytes], names, limits: Limits, where: str) -> None:
    """Refuses a sheet with more row or cell tags than the caps, reading no further than them."""
    counts = count_tags(stream, names, {"rows": limits.rows, "cells": limits.cells})
    refuse_past_caps(counts, limits, where)
