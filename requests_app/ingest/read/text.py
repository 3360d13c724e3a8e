"""Delimited text (CSV, TSV, .txt exports): the encoding and the delimiter are found, not assumed."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections import Counter

import numpy as np
import pandas as pd

from .cells import UNREADABLE_MESSAGE, Unreadable, empty_frame, frame
from .limits import Tally, check_shape, too_large

DELIMITERS = [",", ";", "\t", "|"]
# csv.Sniffer's time grows with the square of its sample on some texts (20 kB of short quoted
# lines took three seconds): it is given a few kB, and counting fields checks what it says.
_SNIFFED = 4_096


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with BOM; anything else is taken as Windows-1252,
    which is what Excel on Windows writes for "CSV (comma delimited)" (£ = 0xA3, – = 0x96)."""
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        # Excel's "Unicode text" export: UTF-16 with a BOM, tab-delimited.
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise Unreadable(UNREADABLE_MESSAGE) from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            # cp1252 leaves five byte values undefined; replacing them beats refusing the file.
            text = data.decode("cp1252", errors="replace")
    text = text.rstrip("\x1a")  # old DOS end-of-file marker
    if _looks_binary(text):
        raise Unreadable(UNREADABLE_MESSAGE)
    # One pass over the whole text normalises line ends between rows and inside quoted cells.
    return text.replace("\r\n", "\n").replace("\r", "\n")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _looks_binary(text: str) -> bool:
    sample = text[:100_000]
    if "\x00" in sample:
        return True
    return len(_CONTROL.findall(sample)) > len(sample) / 1000


def sniff_delimiter(text: str) -> str:
    """The delimiter among , ; tab |: csv.Sniffer's guess, checked by counting fields per line."""
    sample = text[:65_536]
    if "\n" in sample and len(text) > len(sample):
        sample = sample[: sample.rindex("\n")]  # whole lines only
    scores = {d: _delimiter_score(sample, d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: scores[d])  # ties: the earlier in DELIMITERS (comma first)
    try:
        sniffed = csv.Sniffer().sniff(sample[:_SNIFFED], delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        sniffed = None
    # The Sniffer is easily misled by metadata lines above the header (Nomis) or commas inside
    # text; trust it only when counting agrees that it splits as many lines.
    if sniffed in scores and scores[sniffed][0] >= scores[best][0] and scores[sniffed][0] > 0:
        return sniffed
    return best if scores[best][0] > 0 else ","


def _delimiter_score(sample: str, delimiter: str) -> tuple[int, int, int]:
    """(lines split into 2+ fields, lines with the most common field count, that count)."""
    lines = sample.split("\n")[:500]
    try:
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter) if any(cell.strip() for cell in row)]
    except csv.Error:  # a field over the csv module's size limit: this delimiter cannot be judged
        return (0, 0, 0)
    multi = [count for count in counts if count > 1]
    if not multi:
        return (0, 0, 0)
    mode, frequency = Counter(multi).most_common(1)[0]
    return (len(multi), frequency, mode)


def read_csv_text(text: str, tally: Tally, name: str = "") -> pd.DataFrame:
    if not text.strip():
        return empty_frame()
    delimiter = sniff_delimiter(text)
    limits, where = tally.limits, f'sheet "{name}"'
    # Refused before parsing when the first lines are too wide for the file's length: parsing
    # first would hold every cell of a runaway file in memory before counting them.
    lines = text.count("\n") + 1
    width = _widest(text[:65_536], delimiter)
    check_shape(limits, rows=0, columns=width, cells=tally.cells + min(lines, limits.rows + 1) * width, where=where)
    # Parsed from UTF-8 bytes: a StringIO keeps four bytes a character, four times the file again.
    encoded = text.encode("utf-8")
    # And its records counted before parsing: a file of three million short lines is refused in a
    # fraction of a second rather than after the parser has read a million and a half of them.
    if lines > limits.rows and record_count(encoded) > limits.rows:
        raise too_large(where, limits.rows, "rows")
    options = dict(
        sep=delimiter,
        header=None,
        dtype=str,
        keep_default_na=False,
        na_filter=False,
        skip_blank_lines=False,
        quotechar='"',
        engine="c",  # the C engine: a million rows in seconds
        nrows=limits.rows + 1,  # one past the cap is enough to refuse the file
        encoding="utf-8",
    )
    try:
        cells = pd.read_csv(io.BytesIO(encoded), **options)
    except pd.errors.ParserError:
        # The C engine sizes rows by the first line and fails on a later, longer one (a title line
        # above the header is the usual cause). Count the widest row and give it the column names.
        try:
            records = itertools.islice(csv.reader(io.StringIO(text), delimiter=delimiter), limits.rows + 1)
            width = max((len(row) for row in records), default=1)
            check_shape(limits, rows=0, columns=width, cells=tally.cells, where=where)
            try:
                cells = pd.read_csv(io.BytesIO(encoded), names=range(width), **options)
            except pd.errors.ParserError:
                # Still refused (a quote left open to the end of the file): the csv module is
                # more forgiving, and slower, which matters little on such a file.
                records = csv.reader(io.StringIO(text), delimiter=delimiter)
                cells = frame(Tally(limits).rows(records, where))  # stopped at a cap as it reads
        except csv.Error:
            raise Unreadable(UNREADABLE_MESSAGE) from None
    except pd.errors.EmptyDataError:
        return empty_frame()
    tally.add(rows=cells.shape[0], columns=cells.shape[1], where=where)
    cells.columns = range(cells.shape[1])
    cells.index = range(1, len(cells) + 1)  # record n is spreadsheet row n (a quoted newline does not start a row)
    if cells.isna().to_numpy().any():  # short rows are padded with missing values
        cells = cells.fillna("")
    return cells


def _widest(sample: str, delimiter: str) -> int:
    """The most fields on one line of the sample (whole lines only)."""
    if "\n" in sample:
        sample = sample[: sample.rindex("\n")] or sample
    try:
        return max((len(row) for row in csv.reader(sample.split("\n")[:500], delimiter=delimiter)), default=0)
    except csv.Error:
        return 0


_QUOTE, _NEWLINE = ord('"'), ord("\n")
_BLOCK = 1 << 23


def record_count(data: bytes) -> int:
    """The records of delimited text: its lines, less those that end inside a quoted cell. Quotes
    are paired as they come ("" inside a quoted cell is two of them), read in blocks of bytes by
    numpy so that a 50 MB file is counted in a fraction of a second and a few more megabytes."""
    last = 0 if data.endswith(b"\n") or not data else 1
    if b'"' not in data:
        return data.count(b"\n") + last
    view = np.frombuffer(data, dtype=np.uint8)
    records, inside = 0, 0
    for start in range(0, len(view), _BLOCK):
        block = view[start : start + _BLOCK]
        # 1 where an odd number of quotes precede the byte (since the start of the file).
        quoted = np.bitwise_xor.accumulate((block == _QUOTE).view(np.uint8)) ^ inside
        records += int(np.count_nonzero((block == _NEWLINE) & (quoted == 0)))
        inside = int(quoted[-1])
    return records + last
