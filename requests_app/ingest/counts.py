"""Read count cells: whole, non-negative numbers, or a recognised suppression marker.

A suppressed cell is never turned into 0: zero is a real answer ("nobody"), a suppressed cell
means "a small number we may not publish" or "not available". Blank is neither: it is missing.

Work is done with pandas string methods on the distinct values only, then spread back to the
rows, so a million-row column with a few thousand distinct counts is fast.
"""

from __future__ import annotations

import pandas as pd

# Compared after trimming and casefolding, so "X", "[C]" and "Suppressed" are included.
SUPPRESSION_MARKERS = frozenset(
    {
        # ONS and Home Office: ".." not available or suppressed; "-" nil or suppressed (we cannot
        # tell which, so it is never read as 0); ":" not available (also Eurostat). The dash is
        # also accepted as the en and em dashes spreadsheets substitute for it.
        "..",
        "-",
        "\u2013",
        "\u2014",
        ":",
        # GSS / DfE shorthand, bare and in brackets: c confidential, x not available, z not applicable,
        # low (rounds to zero), w no data.
        "c",
        "x",
        "z",
        "[c]",
        "[x]",
        "[z]",
        "[low]",
        "low",
        "[w]",
        # NHS and many local authorities.
        "*",
        "**",
        "~",
        # Written out.
        "supp",
        "supp.",
        "suppressed",
        "[suppressed]",
        "redacted",
        "[redacted]",
        "withheld",
        # "n/a": the sender deliberately wrote "not applicable / not available" instead of a number.
        # Like DfE's x and z it is a placeholder for a value we do not have, so it is a marker (count
        # NA, reported as a warning), not an error that blocks the file. "na" is the same words
        # without the slash. Excel's "#N/A" is NOT here: it is a broken formula the sender must fix.
        "n/a",
        "n.a.",
        "na",
    }
)
# "<5", "< 10", "<=3", "≤5", "fewer than 5": a small number hidden below a threshold.
_THRESHOLD = r"(?:<=?|\u2264|less than|fewer than|under) ?\d+"
# "1-4", "1 to 5": banded small numbers, also a form of suppression.
_RANGE = r"\d+ ?(?:-|\u2013|to) ?\d+"
# Optional sign, then digits either plain or in groups of three separated by commas or spaces
# (any Unicode space has become " " by then), then an optional decimal part.
_NUMBER = r"^(?P<sign>[+-])? ?(?P<whole>\d{1,3}(?:[ ,]\d{3})+|\d+)(?:\.(?P<fraction>\d*))?$"
_INVISIBLE = "[\u200b\u200c\u200d\u2060\ufeff\u00ad]"
_MAX_DIGITS = 15  # beyond this a float would lose digits; no real count is that big


def parse_counts(values: pd.Series) -> pd.DataFrame:
    """Count text -> count (Int64), suppressed, marker (as written) and error.

    error is "" | "blank" | "not-a-number" | "negative" | "not-whole"; count is NA whenever the
    cell is blank, suppressed or in error.
    """
    values = pd.Series(values)
    positions, uniques = pd.factorize(values, use_na_sentinel=False)
    raw = pd.Series(uniques, dtype=object)
    text = (
        raw.where(raw.notna(), "")
        .astype(str)
        .str.replace(_INVISIBLE, "", regex=True)
        .str.replace(r"\s+", " ", regex=True)  # NBSP, narrow NBSP and thin spaces are thousands separators too
        .str.replace("\u2212", "-", regex=False)  # the typographic minus sign
        .str.strip()
    )
    key = text.str.casefold()

    blank = key == ""
    suppressed = key.isin(SUPPRESSION_MARKERS) | key.str.fullmatch(_THRESHOLD) | key.str.fullmatch(_RANGE)
    parts = text.str.extract(_NUMBER)
    digits = parts["whole"].str.replace(r"[ ,]", "", regex=True)
    numeric = parts["whole"].notna() & ~suppressed & (digits.str.len() <= _MAX_DIGITS)
    number = pd.to_numeric(digits.where(numeric), errors="coerce").astype("Int64")
    negative = numeric & (parts["sign"] == "-") & (number.fillna(0) != 0)  # "-0" is just 0
    not_whole = numeric & parts["fraction"].fillna("").str.contains(r"[1-9]", regex=True)

    error = pd.Series("", index=raw.index, dtype="str")
    error[~blank & ~suppressed & ~numeric] = "not-a-number"
    error[not_whole] = "not-whole"
    error[negative] = "negative"  # "-3.5": negative is the more useful thing to tell the sender
    error[blank] = "blank"
    count = number.where(error == "", pd.NA).astype("Int64")

    return pd.DataFrame(
        {
            "count": count.array.take(positions),
            "suppressed": suppressed.to_numpy(dtype=bool).take(positions),
            "marker": pd.array(text.where(suppressed, ""), dtype="str").take(positions),
            "error": error.array.take(positions),
        },
        index=values.index,
    )
