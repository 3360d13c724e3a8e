"""Text as it is compared: normalised once per distinct value, and the words that say an answer is not known."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import pandas as pd

from ..missing_answers import FIELD_CODES, FIELD_WORDS, NOT_KNOWN, NOT_RECORDED, PARTS, UNKNOWN

# Characters that are invisible in a spreadsheet but break an exact match. Removed, not turned
# into spaces, because they usually sit inside a word ("Pol\u200bish") after a copy and paste.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e]")
# Python's \s already covers NBSP, narrow NBSP, thin and other Unicode spaces.
_SPACES = re.compile(r"\s+")
_QUOTES = "\"'`\u00b4\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u00ab\u00bb\u2039\u203a"
# Curly apostrophes inside a name ("Côte d’Ivoire") are typed both ways.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})


def is_missing(value) -> bool:
    """None, NaN, pd.NA and NaT: the shapes "no value" takes in a column of text."""
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


def normalise(text: str) -> str:
    """The form aliases are stored and looked up in: casefolded, single spaces, no wrapping quotes or trailing dots."""
    if is_missing(text):
        return ""
    # NFKC folds compatibility characters (NBSP, full-width letters) and makes accented letters
    # compare equal whether typed as one character or as a letter plus combining accent.
    text = unicodedata.normalize("NFKC", str(text))
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text.casefold())
    previous = None
    while text != previous:  # '"Poland."' needs quotes, then the dot, then nothing more
        previous = text
        text = text.strip(" " + _QUOTES).rstrip(".")
    return text.translate(_APOSTROPHES)


def normalised(values: pd.Series) -> pd.Series:
    """normalise once per distinct value: a million rows hold a few hundred distinct values."""
    return values.map({value: normalise(value) for value in values.unique()})


def per_unique(values: pd.Series, func: Callable[[object], tuple], columns: dict[str, str]) -> pd.DataFrame:
    """Call func once per distinct value (missing included) and spread its tuple over the rows.

    columns maps each output column name to its pandas dtype, in the order of func's tuple.
    """
    values = pd.Series(values)
    positions, uniques = pd.factorize(values, use_na_sentinel=False)
    results = [func(value) for value in uniques]
    data = {}
    for i, (name, dtype) in enumerate(columns.items()):
        small = pd.array([result[i] for result in results], dtype=dtype)
        data[name] = small.take(positions)
    return pd.DataFrame(data, index=values.index)


def not_known_code(value, field: str = "") -> str:
    """UNKNOWN or NOT_RECORDED when the value says the answer is not known, else "" (blank included)."""
    text = normalise(value).strip("()[]<>*_ ")
    if not text:
        return ""
    if text in FIELD_CODES.get(field, {}):
        return FIELD_CODES[field][text]
    for candidate in (text, _SPACES.sub(" ", FIELD_WORDS.sub(" ", text)).strip(" ()[]-:")):
        if candidate in NOT_KNOWN:
            return NOT_KNOWN[candidate]
        parts = [part for part in PARTS.split(candidate) if part]
        if len(parts) > 1 and all(part in NOT_KNOWN for part in parts):
            return NOT_RECORDED if any(NOT_KNOWN[part] == NOT_RECORDED for part in parts) else UNKNOWN
    return ""


def not_known(values: pd.Series, field: str = "") -> pd.Series:
    """not_known_code of each value, worked out once per distinct value."""
    return per_unique(values, lambda value: (not_known_code(value, field),), {"code": "str"})["code"]
