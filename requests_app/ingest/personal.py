"""Spot tables that list people one per row instead of counting them.

We only accept aggregate counts. A sender who uploads a pupil list by mistake has shared
personal data, so these checks lean towards saying so, and each reason is a plain-English
sentence the sender can act on. Value checks look at a sample of at most 5,000 rows per column,
so a million-row upload costs no more than a small one.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import numpy as np
import pandas as pd

from .codes import normalise
from .periods import parse_periods

SAMPLE_ROWS = 5_000
VALUE_SHARE = 0.20  # a value pattern counts when at least this share of a column's sampled values match
MIN_DISTINCT_ROWS = 50

NHS_NUMBER_RE = r"^\d{3} ?\d{3} ?\d{4}$"
UPN_RE = r"^[A-Z]\d{11}[0-9A-Z]$"
POSTCODE_RE = r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$"

_PERSON = r"(?:full|first|last|given|family|middle|maiden|preferred|legal|pupil|child|childs|child s|student|learner|patient|client|person|resident|applicant|parent|carer|customer|service user)"
# (what the label suggests, pattern on the label after normalise() and punctuation -> spaces)
_LABELS: list[tuple[str, str]] = [
    ("a person's name", rf"^(?:{_PERSON} ?names?|forenames?|surnames?|firstname|lastname|fullname)$"),
    ("a date of birth", r"\b(?:date of birth|birth ?date|dob|d o b)\b"),
    ("an NHS number", r"\bnhs ?(?:number|no|num|id)\b"),
    ("a pupil or learner number", r"\b(?:upn|unique pupil number|pupil number|uln|unique learner number)\b"),
    ("a National Insurance number", r"\b(?:national insurance|ni number|ni no|nino)\b"),
    ("a full postcode", r"\b(?:full|home|residential|pupil|patient|client|person s) postcode\b"),
    ("an email address", r"\be ?mail\b"),
    ("an address", r"^(?!.*\be ?mail\b).*\b(?:address|street|house (?:number|name))\b"),
    ("a phone number", r"\b(?:phone|telephone|tel|mobile|contact number)\b"),
]
# A column labelled just "Name" is a person's name in a list of people, but in a table that has a
# count column it is almost always the name of the area or category being counted.
_BARE_NAME = r"^names?$"


def _label_key(label: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]|_", " ", normalise(label))).strip()


def _valid_nhs_numbers(values: pd.Series) -> pd.Series:
    """Which values are NHS numbers: ten digits whose last is the modulus 11 check digit of the first nine."""
    candidate = values.str.fullmatch(NHS_NUMBER_RE)
    valid = pd.Series(False, index=values.index)
    if not candidate.any():
        return valid
    digits_text = values[candidate].str.replace(" ", "", regex=False)
    digits = (np.frombuffer("".join(digits_text).encode("ascii"), dtype=np.uint8).reshape(-1, 10) - ord("0")).astype(
        int
    )
    remainder = (digits[:, :9] * np.arange(10, 1, -1)).sum(axis=1) % 11
    check = np.where(remainder == 0, 0, 11 - remainder)  # 11 - 0 = 11 means a check digit of 0
    # A check value of 10 means no valid number; "0000000000" passes the sum but is a placeholder.
    ok = (check != 10) & (check == digits[:, 9]) & (digits != digits[:, :1]).any(axis=1)
    valid[candidate] = ok
    return valid


def _share(matches: pd.Series) -> float:
    return float(matches.mean()) if len(matches) else 0.0


def _looks_like_dates_of_birth(values: pd.Series) -> float:
    """Share of values that are past dates of birth, or 0 when the column is a time series instead."""
    parsed = parse_periods(values)
    is_day = (parsed["granularity"] == "day").to_numpy()
    days = parsed["start"][is_day]
    year_ago = pd.Timestamp(date.today() - timedelta(days=365))
    past = days[days < year_ago]
    if len(past) / len(values) <= 0.5 or past.nunique() < 20 or past.nunique() < 0.5 * len(past):
        return 0.0
    # Counts by day (a daily time series) are also many distinct past dates; they run in order down
    # the sheet, dates of birth in a list of people do not.
    steps = np.sign(np.diff(days.to_numpy().astype("int64")))
    if len(steps) and max((steps >= 0).mean(), (steps <= 0).mean()) >= 0.9:
        return 0.0
    return len(past) / len(values)


def _value_signals(label: str, column: pd.Series) -> list[str]:
    text = column.dropna().astype(str).str.replace(r"\s+", " ", regex=True).str.strip()
    text = text[text != ""]
    if text.empty:
        return []
    upper = text.str.upper()
    checks = [
        ("NHS numbers with a valid check digit", _share(_valid_nhs_numbers(text))),
        ("unique pupil numbers (UPNs)", _share(upper.str.fullmatch(UPN_RE))),
        ("full postcodes", _share(upper.str.fullmatch(POSTCODE_RE))),
        ("dates of birth", _looks_like_dates_of_birth(text)),
    ]
    return [
        f'{share:.0%} of the values checked in column "{label}" look like {what}'
        for what, share in checks
        if share >= VALUE_SHARE
    ]


def record_level_signals(labels: list[str], body: pd.DataFrame, has_count_column: bool) -> list[str]:
    """Plain-English reasons the table looks like one row per person; [] for an aggregate table.

    Each reason is a lower-case clause without a full stop, so the caller can join them into
    one sentence ("This looks like one row per person (reason; reason)").

    labels[i] is the header of body's i-th column.
    """
    signals = []
    for label in labels:
        key = _label_key(label)
        if not has_count_column and re.search(_BARE_NAME, key):
            signals.append(f'column "{label}" is labelled as a person\'s name')
            continue
        for what, pattern in _LABELS:
            if re.search(pattern, key):
                signals.append(f'column "{label}" is labelled as {what}')
                break

    # Sorted back into sheet order: the date-of-birth check looks at the order of values.
    sample = body if len(body) <= SAMPLE_ROWS else body.sample(n=SAMPLE_ROWS, random_state=0).sort_index()
    for i, label in enumerate(labels[: body.shape[1]]):
        signals.extend(_value_signals(label, sample.iloc[:, i]))

    if not has_count_column and len(body) >= MIN_DISTINCT_ROWS:
        # The sample answers "no" cheaply for most tables; only an all-distinct sample needs the full check.
        if not sample.duplicated().any() and not body.duplicated().any():
            signals.append(f"there is no count column and every row is different ({len(body):,} rows)")
    return signals


def looks_record_level(labels: list[str], body: pd.DataFrame, has_count_column: bool) -> bool:
    """True when the table should be treated as personal data rather than aggregate counts.

    Every signal record_level_signals gives is strong enough on its own: identifier labels and
    value patterns always, and the all-distinct-rows signal is only given when there is no count column.
    """
    return bool(record_level_signals(labels, body, has_count_column))
