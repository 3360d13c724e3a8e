"""Rows that sum other rows: left out of the observations so nothing is counted twice, and reported."""

import re
from dataclasses import dataclass

import pandas as pd

from requests_app.ingest import codes
from requests_app.ingest.problems import WARNING, ProblemLog

# Rows whose label says they sum other rows; kept out of the observations and reported.
TOTAL_LABELS = {
    "total",
    "totals",
    "grand total",
    "sub total",
    "subtotal",
    "sub-total",
    "all",
    "all persons",
    "all people",
    "all ages",
    "all nationalities",
    "all countries",
    "all areas",
    "all wards",
    "all languages",
    "overall",
    "total all",
}


def total_rows(dims: dict[str, pd.Series], index: pd.Index, problems: ProblemLog) -> pd.Series:
    """True on each row whose label in any dimension says it is a total; each such row is reported."""
    is_total = pd.Series(False, index=index)
    for values in dims.values():
        keys = codes.normalised(values)
        is_total |= keys.isin(TOTAL_LABELS) | keys.str.startswith("total ")
    first_dim = next(iter(dims.values()), pd.Series("", index=index))
    problems.add_rows(
        is_total,
        first_dim,
        type="total-row",
        severity=WARNING,
        column="",
        message=lambda v: f"'{v}' looks like a total; the row was left out so nothing is counted twice.",
    )
    return is_total


# -- does a stated total agree with its parts? --------------------------------------------------
# One rule for total rows and total columns. Each figure rounded on its own can be up to half a
# unit out, so a total and its n parts can differ by half a unit for each of the n + 1 figures.
# A suppressed part hides an unknown number: the total can only be checked to be at least the
# parts shown. A gap beyond that is blocking: one of the figures is wrong, or a part is missing.

AGREES, WITHIN_ROUNDING, PARTS_HIDDEN, DIFFERS, UNCHECKED = "agrees", "rounding", "hidden", "differs", "unchecked"

_ROUNDED = re.compile(
    r"rounded\s+(?:to\s+)?(?:the\s+)?nearest\s+(?P<unit>\d[\d,]*|five|ten|twenty|fifty|hundred|thousand)", re.IGNORECASE
)
_MAY_NOT_SUM = re.compile(
    r"(?:may|might|do|does|will|can)\s+not\s+(?:sum|add|equal|agree|match)|not\s+(?:sum|add\s+up)\s+exactly",
    re.IGNORECASE,
)
_UNITS = {"five": 5, "ten": 10, "twenty": 20, "fifty": 50, "hundred": 100, "thousand": 1000}


@dataclass(frozen=True)
class Rounding:
    """What the file says about rounding: figures rounded to the nearest `unit`, and whether it
    warns that totals may not equal the sum of their parts (`loose`) without saying by how much."""

    unit: int = 1
    loose: bool = False
    words: str = ""  # the file's own sentence, quoted back in messages

    def tolerance(self, parts: pd.Series) -> pd.Series:
        return parts * 0.0 if self.unit <= 1 else (parts + 1) * (self.unit / 2)

    @property
    def blocking(self) -> bool:
        """A gap beyond the tolerance blocks the file unless the file warned of gaps it did not size."""
        return self.unit > 1 or not self.loose


def declared_rounding(notes: list[str]) -> Rounding:
    """The rounding the notes around a table declare ("Figures are rounded to the nearest ten")."""
    unit, loose, words = 1, False, []
    for note in notes:
        if match := _ROUNDED.search(note):
            found = match["unit"].lower().replace(",", "")
            unit = max(unit, _UNITS.get(found) or int(found))
            words.append(note.strip())
        elif _MAY_NOT_SUM.search(note):
            words.append(note.strip())
        loose |= bool(_MAY_NOT_SUM.search(note))
    return Rounding(unit, loose, " ".join(words))


def agreement(
    stated: pd.Series, summed: pd.Series, parts: pd.Series, hidden: pd.Series, rounding: Rounding
) -> pd.Series:
    """For each stated total (NA when the total is itself blank or suppressed): AGREES,
    WITHIN_ROUNDING, PARTS_HIDDEN (at least the parts shown, some parts suppressed), DIFFERS or
    UNCHECKED. summed is the sum of the parts shown; parts and hidden count the parts and the
    suppressed ones."""
    stated = stated.astype("Float64")
    gap = stated - summed.astype("Float64")
    tolerance = rounding.tolerance(parts.astype(float))
    verdict = pd.Series(DIFFERS, index=stated.index, dtype=object)
    whole = hidden == 0
    verdict[(whole & (gap.abs() <= tolerance)).fillna(False).astype(bool)] = WITHIN_ROUNDING
    verdict[(whole & (gap == 0)).fillna(False).astype(bool)] = AGREES
    verdict[(~whole & (gap >= -tolerance)).fillna(False).astype(bool)] = PARTS_HIDDEN
    verdict[stated.isna().to_numpy()] = UNCHECKED
    return verdict
