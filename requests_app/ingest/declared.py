"""What a file says about its own figures, in its titles, notes and footers: the rounding, noise
and suppression that may keep its rows from adding up exactly to its totals."""

import math
import re
from dataclasses import dataclass

import numpy as np

_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "five": 5, "ten": 10, "hundred": 100, "thousand": 1000}
_AMOUNT = r"(\d[\d,]*|one|two|three|five|ten|hundred|thousand)"
_ROUNDED_TO = re.compile(rf"\bround\w*\b.*?\b(?:nearest|multiples? of|base)\s+(?:a\s+)?{_AMOUNT}")
_RANDOM = re.compile(r"\brandom(?:ly)?\s+round")
_NOISE = re.compile(
    r"perturb|\bnoise\b|statistical disclosure control|may not (?:sum|add|equal|match|agree)|"
    r"(?:do|does|will) not (?:necessarily )?(?:sum|add up|equal)|not add up"
)
_SUPPRESSION = re.compile(r"suppress|redact|withh[eo]ld|not shown|shown as|replaced|hidden|not published|disclos")
_BELOW = re.compile(r"(?:fewer than|less than|below|under|<)\s*(\d+)")
_OR_FEWER = re.compile(r"(\d+)\s+or\s+(?:fewer|less)")
_ONE_TO = re.compile(r"\b(?:between\s+)?1\s*(?:-|\u2013|to|and)\s*(\d+)\b")
_SECONDARY = re.compile(r"secondary|complementary|further cells|other cells")

# A stated noise of unknown size: each cell may move a little (2 either way), and the total by a
# small share of itself. A breakdown read twice is double its total, far outside either.
NOISE_PER_CELL = 2
NOISE_SHARE = 0.05

_MARKER_BELOW = re.compile(r"^(?:<|less than|fewer than|under)\s*(\d+)$")
_MARKER_AT_MOST = re.compile(r"^(?:<=|\u2264)\s*(\d+)$")
_MARKER_RANGE = re.compile(r"^(\d+)\s*(?:-|\u2013|to)\s*(\d+)$")


@dataclass(frozen=True)
class Declared:
    """What the file says about its own figures, in its notes, titles and footers."""

    rounding: int = 0  # figures rounded to a multiple of this (0: not rounded)
    random_rounding: bool = False  # rounded up or down at random, so off by up to rounding - 1
    noise: bool = False  # perturbed, or "totals may not add up", with no size given
    threshold: int = 0  # counts below this are suppressed (0: not said)
    secondary: bool = False  # other cells are suppressed too, so a suppressed cell may be large

    def says(self) -> str:
        if self.rounding:
            how = "randomly rounded" if self.random_rounding else "rounded"
            return f"the file says its figures are {how} to multiples of {self.rounding}"
        if self.noise:
            return "the file says its totals may not add up exactly"
        return ""


def _amount(text: str) -> int:
    return _NUMBER_WORDS.get(text) or int(text.replace(",", ""))


def from_notes(notes: list[str]) -> Declared:
    rounding, random_rounding, noise, threshold, secondary = 0, False, False, 0, False
    for note in notes:
        text = " ".join(note.casefold().split())
        if match := _ROUNDED_TO.search(text):
            rounding = rounding or _amount(match[1])
            random_rounding |= bool(_RANDOM.search(text))
        noise |= bool(_NOISE.search(text))
        if _SUPPRESSION.search(text):
            secondary |= bool(_SECONDARY.search(text))
            if match := _BELOW.search(text):
                threshold = threshold or int(match[1])
            elif match := _OR_FEWER.search(text) or _ONE_TO.search(text):
                threshold = threshold or int(match[1]) + 1
    return Declared(rounding, random_rounding, noise and not rounding, threshold, secondary)


def marker_bounds(marker: str, said: Declared) -> tuple[float, float]:
    """The least and the most a suppressed cell can hold: "<5" 0 to 4, "1-4" 1 to 4; a bare marker
    up to the threshold the file declares, else anything."""
    text = " ".join(str(marker).casefold().split())
    if match := _MARKER_BELOW.match(text):
        return 0, max(int(match[1]) - 1, 0)
    if match := _MARKER_AT_MOST.match(text):
        return 0, int(match[1])
    if match := _MARKER_RANGE.match(text):
        return int(match[1]), int(match[2])
    if said.threshold and not said.secondary:
        return 0, said.threshold - 1
    return 0, math.inf


def slack(stated: np.ndarray, parts: np.ndarray, said: Declared) -> np.ndarray:
    """How far the sum of `parts` rows may miss `stated` by rounding or noise alone."""
    cells = parts + 1  # each part and the total itself
    if said.rounding:
        per_cell = said.rounding - 1 if said.random_rounding else said.rounding / 2
        return cells * per_cell
    if said.noise:
        return np.maximum(cells * NOISE_PER_CELL, np.ceil(stated * NOISE_SHARE))
    return np.zeros(len(stated))
