"""What one column heading means: the field it names, a count, a total or a rate.

Headings are compared as words, never as exact strings, so "Nationality of client",
"Pupil's first language", "CLIENT_NATIONALITY" and "WD23CD" all name a field. The synonyms come
from the catalogue (each field's aliases); the words for counts, totals and rates are here,
because they mean the same in every return.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

CODE_WORDS = frozenset({"code", "codes", "cd", "gss", "iso", "id"})
NAME_WORDS = frozenset({"name", "names", "nm", "description", "desc", "label"})
# A heading about one of these people describes someone other than the person counted: births
# by "Country of birth of mother" count babies, nearly all born here, so the mother's country
# is not their country of birth.
OTHER_PEOPLE = frozenset(
    {"mother", "father", "parent", "parents", "guardian", "carer", "partner", "spouse", "sponsor", "husband", "wife"}
)
# The person counted, and words that qualify a one-word synonym without changing what it is:
# "Victim nationality", "Nationality of client", "Age at referral", "Date (as at ...)". Any other
# word around a one-word synonym makes another thing ("Marital status", "Area of need"); a synonym
# of two words or more ("first language") is specific enough to be read inside any phrase.
SUBJECTS = frozenset(
    {"pupil", "pupils", "child", "children", "student", "learner", "patient", "client", "person", "people"}
    | {"resident", "applicant", "claimant", "customer", "individual", "victim", "offender", "suspect"}
    | {"perpetrator", "service", "user", "tenant", "household", "member", "young", "adult", "case"}
)
QUALIFIERS = frozenset(
    {"main", "current", "usual", "recorded", "reported", "self", "declared", "stated", "primary", "latest"}
    | {"lead", "principal", "head", "sole", "joint"}
    | {"registered", "reporting", "home", "residence", "of", "the", "at", "as", "on", "in", "for", "s"}
    | {"start", "starting", "beginning", "commencing", "end", "ending", "ended", "first", "last"}
    | {"years", "yrs", "described", "identity", "financial", "calendar", "academic"}
    | {"january", "february", "march", "april", "may", "june", "july", "august", "september"}
    | {"october", "november", "december"}
)
PERSONAL_EVENTS = frozenset({"birth", "born", "death", "died", "arrival", "arrived", "entry", "leaving", "departure"})
# Phrases that hold a field's word but mean something else: a date of birth is not a period, a
# school year group is not a year, an EAL flag is not a language, an area type is not an area.
NOT_A_FIELD = (
    ("date", "of", "birth"),
    ("birth", "date"),
    ("year", "of", "birth"),
    ("month", "of", "birth"),
    ("year", "group"),
    ("additional", "language"),
    ("area", "type"),
    ("geography", "type"),
    ("geographic", "level"),
    ("geography", "level"),
)
# How fine the area a geography heading names is: the finest column is the one counted in.
LEVEL_WORDS = {
    "oa": 0,
    "output": 0,
    "lsoa": 1,
    "msoa": 2,
    "ward": 3,
    "electoral": 3,
    "la": 5,
    "lad": 5,
    "utla": 5,
    "ltla": 5,
    "authority": 5,
    "district": 5,
    "borough": 5,
}
UNKNOWN_LEVEL = 4  # "Area code", "Geography": any level
LEVEL_OF_REQUEST = {"lsoa": 1, "msoa": 2, "ward": 3, "local-authority": 5}

COUNT_WORDS = frozenset(
    {"count", "counts", "number", "numbers", "no", "n", "value", "values", "headcount", "frequency", "freq", "sum"}
    | {"estimate", "estimates"}  # how ONS heads the figure of its estimates tables (LTIM, APS)
)
COUNT_HEADS = frozenset({"number", "no", "num", "nr", "count", "total"})  # "Number of pupils", "Count of cases"
COUNT_TAILS = frozenset({"count", "counts", "number", "numbers", "headcount", "value", "frequency"})  # "Pupil count"
# What returns count, as a plural noun heading the count column ("Registrations", "Registered patients").
UNIT_NOUNS = frozenset(
    {
        "people",
        "persons",
        "pupils",
        "patients",
        "clients",
        "cases",
        "referrals",
        "registrations",
        "households",
        "families",
        "children",
        "adults",
        "individuals",
        "residents",
        "learners",
        "students",
        "applicants",
        "applications",
        "claimants",
        "detections",
        "victims",
        "offences",
        "crimes",
        "incidents",
        "arrivals",
        "grants",
        "decisions",
        "enrolments",
        "admissions",
        "contacts",
        "attendances",
        "users",
        "customers",
        "tenants",
        "births",
        "deaths",
        "observation",
    }
)
RATE_WORDS = frozenset(
    {"rate", "rates", "percent", "percentage", "percentages", "pct", "proportion", "share", "ratio", "per"}
    | {"average", "mean", "median"}
)
# Headings that sum the columns beside them; alone in a table they are its count.
TOTAL_WORDS = frozenset(
    {
        "total",
        "totals",
        "grand total",
        "sub total",
        "subtotal",
        "all",
        "persons",
        "all persons",
        "people",
        "all people",
        "both sexes",
        "everyone",
        "overall",
    }
)

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_POSSESSIVE = re.compile(r"['\u2019`]s\b")
_WORD = re.compile(r"[a-z0-9+]+")
_ONS = re.compile(r"^([a-z]+?)(\d{2})(cd|nm)$")  # ONS lookup headings: WD23CD, LSOA21NM, LAD22CD
_ONS_PREFIXES = {"wd": "ward", "rgn": "region", "ctry": "country", "cty": "county"}


def words(label: str) -> tuple[str, ...]:
    """'Pupil's First_Language' -> ('pupil', 'first', 'language'); 'WD23CD' -> ('ward', 'code')."""
    text = unicodedata.normalize("NFKC", str(label))
    text = _POSSESSIVE.sub("", _CAMEL.sub(" ", text).casefold()).replace("%", " percent ")
    out: list[str] = []
    for word in _WORD.findall(text):
        if match := _ONS.match(word):
            out += [_ONS_PREFIXES.get(match[1], match[1]), "code" if match[3] == "cd" else "name"]
        else:
            out.append(word)
    return tuple(out)


def phrase(label: str) -> str:
    return " ".join(words(label))


def _inside(part: tuple[str, ...], whole: tuple[str, ...]) -> bool:
    n = len(part)
    return any(whole[i : i + n] == part for i in range(len(whole) - n + 1))


def _fits(synonym: tuple[str, ...], core: tuple[str, ...], field: str) -> bool:
    """Does the heading name the synonym's field inside a longer phrase?"""
    n = len(synonym)
    if field == "period" and _inside(synonym, core):
        # "Referral date", "Date of contact", "Month of registration": the date of what was counted,
        # unless it is a date in someone's life.
        return not set(core) & PERSONAL_EVENTS
    for i in range(len(core) - n + 1):
        if core[i : i + n] != synonym:
            continue
        around = set(core[:i] + core[i + n :])
        harmless = SUBJECTS | QUALIFIERS | OTHER_PEOPLE
        if n > 1 or all(w in harmless or w.isdigit() for w in around):
            return True
        if i == 0 and core[n : n + 1] in (("at",), ("on",), ("as",), ("when",)):
            return True  # "Age at referral", "Date as at 31 March": the synonym, then when
    return False


@dataclass(frozen=True)
class Heading:
    """A heading that names a field."""

    field: str
    exact: bool  # the heading is one of the field's synonyms, not a phrase around one
    length: int  # words in the synonym matched: "country of birth" beats "birth"
    rank: int  # the synonym's place in the field's list: earlier is more usual
    kind: str  # "code", "name" or "" (the heading does not say)
    level: int  # geography only: how fine an area it names
    other_person: str = ""  # the heading is about this person, not the one counted

    @property
    def score(self) -> tuple:
        return (not self.exact, -self.length, self.rank)


class Vocabulary:
    """The catalogue's synonyms for each field, as words."""

    def __init__(self, aliases: dict[str, list[str]]):
        self.synonyms: list[tuple[str, int, tuple[str, ...]]] = []
        for code, names in aliases.items():
            for rank, name in enumerate([code, *names]):
                core = tuple(w for w in words(name) if w not in CODE_WORDS | NAME_WORDS)
                if core:
                    self.synonyms.append((code, rank, core))

    def field_of(self, label: str) -> Heading | None:
        """The field a heading names, or None. A heading naming two fields names none."""
        core, kind = core_of(label)
        if not core or any(_inside(p, core) for p in NOT_A_FIELD):
            return None
        best: dict[str, tuple] = {}
        for code, rank, synonym in self.synonyms:
            exact = core == synonym
            if exact or _fits(synonym, core, code):
                found = (not exact, -len(synonym), rank)
                if code not in best or found < best[code]:
                    best[code] = found
        if not best:
            return None
        ranked = sorted(best.items(), key=lambda item: item[1])
        code, (contained, minus_length, rank) = ranked[0]
        if contained and len(ranked) > 1 and ranked[1][1][:2] == (True, minus_length):
            return None  # "Victim age and gender": two fields, neither more than the other
        others = sorted(set(core) & OTHER_PEOPLE) if contained else []
        level = min((LEVEL_WORDS[w] for w in core if w in LEVEL_WORDS), default=UNKNOWN_LEVEL)
        return Heading(code, not contained, -minus_length, rank, kind, level, others[0] if others else "")


def core_of(label: str) -> tuple[tuple[str, ...], str]:
    """The heading's words without "code" or "name", and which of the two it said ("" for neither)."""
    found = words(label)
    core = tuple(w for w in found if w not in CODE_WORDS | NAME_WORDS)
    kind = "code" if set(found) & CODE_WORDS else "name" if set(found) & NAME_WORDS else ""
    return core, kind


def count_rank(label: str) -> int | None:
    """How surely a heading names the count: 0 "Count", 1 "Number of pupils", 2 "Registrations",
    3 "Total" (the count only when nothing breaks it down); None for anything else."""
    found = words(label)
    if not found or set(found) & RATE_WORDS:
        return None
    if is_total(label):
        return 3
    if len(found) > 2 and found[0] == "total":
        found = found[1:]  # "Total number of households"
    if found in (("obs", "value"), ("observation", "value")) or (len(found) == 1 and found[0] in COUNT_WORDS):
        return 0
    if (found[0] in COUNT_HEADS and len(found) > 1 and found[1] == "of") or (
        len(found) > 1 and found[-1] in COUNT_TAILS
    ):
        return 1
    if found[-1] in UNIT_NOUNS and len(found) <= 3:
        return 2
    return None


def starts_as_count(label: str) -> bool:
    """ "Number of pupils whose first language is not English" is a count before it is a language."""
    found = words(label)
    if len(found) > 2 and found[0] == "total":
        found = found[1:]
    return len(found) > 2 and found[0] in COUNT_HEADS and found[1] == "of" and not set(found) & RATE_WORDS


def is_total(label: str) -> bool:
    """'Total', 'All persons', 'All ages', 'Grand total', 'Total (all nationalities)'."""
    text = phrase(label)
    if text.startswith("all other"):
        return False  # "All other nationalities" is a category: everyone not in a column before it
    return text in TOTAL_WORDS or text.startswith(("total ", "all ")) or text.endswith((" total", " totals"))


def is_rate(label: str) -> bool:
    return bool(set(words(label)) & RATE_WORDS)
