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

from project.lib.text import plural

from .codes import normalise
from .counts import parse_counts
from .periods import parse_periods
from .problems import DETAIL_LIMIT, ERROR, Problem

SAMPLE_ROWS = 5_000
VALUE_SHARE = 0.20  # a value pattern counts when at least this share of a column's sampled values match
MIN_DISTINCT_ROWS = 50
MIN_DATES = 20  # distinct past dates a column needs before it can be dates of birth

NHS_NUMBER_RE = r"^\d{3} ?\d{3} ?\d{4}$"
UPN_RE = r"^[A-Z]\d{11}[0-9A-Z]$"
POSTCODE_RE = r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$"

_PERSON = (
    r"(?:full|first|last|given|family|middle|maiden|preferred|legal|pupil|child|childs|child s|student|learner|"
    r"patient|client|person|resident|applicant|parent|carer|customer|service user)"
)
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
    if values.nunique() < MIN_DATES:  # fewer distinct texts cannot hold as many distinct dates: nothing to parse
        return 0.0
    parsed = parse_periods(values)
    is_day = (parsed["granularity"] == "day").to_numpy()
    days = parsed["start"][is_day]
    year_ago = pd.Timestamp(date.today() - timedelta(days=365))
    past = days[days < year_ago]
    if len(past) / len(values) <= 0.5 or past.nunique() < MIN_DATES or past.nunique() < 0.5 * len(past):
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


# --- person-level data in an aggregate's clothes ---------------------------------------------------
#
# A list of people can arrive with every identifying label removed: a column of case references
# headed "Ref", a "Count" of 1 on every row, or simply the same categories on many rows. These
# checks look at the table's shape instead of its labels; `keys` is the comparable text of every
# column but the count (totals.comparable), `mapped` the columns of requested fields, `totals` the
# rows that are totals, all sharing a RangeIndex.

MIN_UNIQUE_ROWS = 20
UNIQUE_SHARE = 0.98  # "unique on (nearly) every row": a handful of blanks or repeats allowed
MIN_ONES_ROWS = 10
ONES_SHARE = 0.95
SMALL_REPEAT = 2  # rows repeating the same categories that count at most this many are records
_AREA_CODE = r"^(?:[EWSNK]\d{8}|[A-Z]{1,2}\d[A-Z\d]?)$"
_AGE_LABEL = r"\bage\b"


def _sample(rows: pd.Series) -> np.ndarray:
    positions = np.flatnonzero(rows.to_numpy())
    if len(positions) > SAMPLE_ROWS:
        positions = np.sort(np.random.default_rng(0).choice(positions, SAMPLE_ROWS, replace=False))
    return positions


def _share_of_ones(counts: pd.Series) -> float:
    parsed = parse_counts(counts)
    readable = parsed["count"].dropna()
    if len(readable) < 0.9 * len(counts) or not len(readable):
        return 0.0
    return float((readable == 1).mean())


def _is_area_or_period(values: pd.Series) -> bool:
    """Codes of areas and periods are naturally one per row in a table by area or by day."""
    if values.str.upper().str.fullmatch(_AREA_CODE).mean() >= 0.9:
        return True
    return parse_periods(values)["start"].notna().mean() >= 0.9


def key_ids(keys: dict[int, pd.Series], rows: pd.Series) -> pd.Series:
    """One integer per distinct combination of the key columns, on the given rows."""
    ids = np.zeros(int(rows.sum()), dtype=np.int64)
    for values in keys.values():
        codes, uniques = pd.factorize(values[rows])
        ids, _ = pd.factorize(ids * (len(uniques) + 1) + codes)  # factorised again: never overflows
    return pd.Series(ids, index=rows[rows].index)


def structure_signals(
    labels: list[str], keys: dict[int, pd.Series], counts: pd.Series | None, mapped: set[int], totals: pd.Series
) -> list[str]:
    """Plain-English reasons the table is one row per person though no label says so; [] otherwise.

    counts is the count column as text, or None when there is none."""
    rows = ~totals
    n = int(rows.sum())
    if n < MIN_ONES_ROWS:
        return []
    sample = _sample(rows)
    ones = 1.0 if counts is None else _share_of_ones(counts.iloc[sample])
    every_count = "there is no count column" if counts is None else "every count is 1"
    signals = []
    if n >= MIN_UNIQUE_ROWS and ones >= ONES_SHARE:
        for position, values in keys.items():
            if position in mapped:
                continue
            seen = values.iloc[sample]
            seen = seen[seen != ""]
            if len(seen) < 0.9 * len(sample) or seen.nunique() < UNIQUE_SHARE * len(seen) or _is_area_or_period(seen):
                continue
            if values[rows].nunique() >= UNIQUE_SHARE * n:
                signals.append(
                    f'column "{labels[position]}" has a different value on every row ({n:,} rows) and '
                    f"{every_count}: it identifies each person"
                )
    if counts is not None and ones == 1.0:
        for position, values in keys.items():
            seen = values.iloc[sample]
            seen = seen[seen != ""]
            if len(seen) < 0.9 * len(sample):
                continue
            if (parse_periods(seen)["granularity"] == "day").mean() >= 0.8:
                signals.append(f'every count is 1 and column "{labels[position]}" holds exact dates')
            elif (
                re.search(_AGE_LABEL, _label_key(labels[position]))
                and seen.str.fullmatch(r"\d{1,3}").mean() >= 0.9
                and pd.to_numeric(seen, errors="coerce").max() <= 120
            ):
                signals.append(f'every count is 1 and column "{labels[position]}" holds single years of age')
    return signals


def repeated_keys(keys: dict[int, pd.Series], totals: pd.Series) -> pd.Series:
    """For each row (not a total) whose categories repeat another's: the position of the first row
    with them; -1 on every other row."""
    rows = ~totals
    first = pd.Series(-1, index=totals.index)
    if not keys or not rows.any():
        return first
    ids = key_ids(keys, rows)
    repeats = ids.duplicated(keep=False)
    if repeats.any():
        positions = pd.Series(ids.index, index=ids.index)
        first[repeats[repeats].index] = positions[repeats].groupby(ids[repeats]).transform("min")
        first[first == first.index.to_series()] = -1  # the first of each is not the repeat
    return first


def repeats_count_few(counts: pd.Series | None, repeated: pd.Series) -> bool:
    """Rows that repeat the same categories and each count one or two people are records of people
    (or households); repeats with larger counts are a table pasted twice or two tables in one."""
    if counts is None:
        return True
    parsed = parse_counts(counts[repeated >= 0])["count"].dropna()
    return not len(parsed) or float(parsed.median()) <= SMALL_REPEAT


def table_signals(
    labels: list[str],
    body: pd.DataFrame,
    keys: dict[int, pd.Series],
    counts: pd.Series | None,
    mapped: set[int],
    totals: pd.Series,
) -> tuple[list[str], pd.Series]:
    """Every reason to treat the table as one row per person, and the rows repeating an earlier
    row's categories (repeated_keys) when those are not reason enough on their own."""
    reasons = record_level_signals(labels, body, counts is not None)
    reasons += structure_signals(labels, keys, counts, mapped, totals)
    repeated = repeated_keys(keys, totals)
    again = repeated[repeated >= 0]
    if len(again) and repeats_count_few(counts, repeated):
        first = again.index[0]
        reasons.append(
            f"{plural(len(again), 'row')} repeat the categories of an earlier row (the row {first + 1} down the "
            f"table repeats the row {again[first] + 1} down), each counting one or two people, where an "
            "aggregate table has one row for each combination"
        )
        repeated = pd.Series(-1, index=repeated.index)
    return reasons, repeated


def repeat_problems(repeated: pd.Series, rows: pd.Series, columns: dict[int, pd.Series], sheet: str) -> list[Problem]:
    """Rows with the same categories as an earlier row would be added together unseen: each is
    refused, naming both rows (rows: the spreadsheet row of each position)."""
    again = repeated[repeated >= 0]
    problems = []
    for position, earlier in again.iloc[:DETAIL_LIMIT].items():
        described = ", ".join(v for v in (columns[p].iat[position] for p in sorted(columns)) if v)
        problems.append(
            Problem(
                "duplicate-key",
                ERROR,
                f"Row {rows[position]} has the same categories as row {rows[earlier]} ({described}). A table of "
                "counts has one row for each combination, so one of them would be counted twice. If the two "
                "rows are different groups (two schools, two months), add a column saying which; if one is a "
                "copy, delete it.",
                sheet=sheet,
                row=int(rows[position]),
                value=described,
            )
        )
    return problems
