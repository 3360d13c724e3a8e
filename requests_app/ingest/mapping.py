"""Which column holds which canonical field, and which holds the count."""

import re
from dataclasses import dataclass, field

from requests_app.ingest.problems import ERROR, WARNING, Problem

# Headings that mean "the number of people (or cases)" in returned tables.
COUNT_ALIASES = {
    "count",
    "counts",
    "number",
    "numbers",
    "no",
    "no.",
    "n",
    "value",
    "obs value",
    "obs_value",
    "total",
    "headcount",
    "frequency",
    "people",
    "persons",
    "number of people",
    "number of persons",
    "number of pupils",
    "pupils",
    "patients",
    "number of patients",
    "clients",
    "service users",
    "number of service users",
    "cases",
    "referrals",
    "registrations",
    "number of registrations",
    "count of people",
    "observation",
}


def label_key(label: str) -> str:
    """'Country of Birth (ISO code)' and 'country_of_birth' both become 'country of birth iso code'."""
    text = re.sub(r"[_\-/]+", " ", str(label).casefold())
    text = re.sub(r"[()\[\]:.,*]+", " ", text)
    return " ".join(text.split())


@dataclass
class Mapping:
    fields: dict[int, str] = field(default_factory=dict)  # column position -> canonical field code
    count: int | None = None  # column position of the count
    ignored: list[int] = field(default_factory=list)


def map_columns(
    labels: list[str],
    letters: list[str],
    *,
    aliases: dict[str, list[str]],
    requested: list[str],
    sheet: str,
    header_row: int | None,
) -> tuple[Mapping, list[Problem]]:
    """Maps columns by exact alias (after normalising punctuation and case), never by guesswork.

    `aliases` holds, for each canonical field code, the headings that mean it (the field's name
    and code are always included, so the request's template headings map exactly).
    """
    lookup: dict[str, str] = {}
    for code, words in aliases.items():
        for word in [code, *words]:
            lookup.setdefault(label_key(word), code)
    mapping, problems = Mapping(), []
    for position, label in enumerate(labels):
        key = label_key(label)
        if not key:
            continue
        code = lookup.get(key)
        if code is not None and code not in mapping.fields.values():
            mapping.fields[position] = code
        elif key in COUNT_ALIASES and mapping.count is None:
            mapping.count = position
        else:
            mapping.ignored.append(position)
    requested_found = set(mapping.fields.values())
    for position in list(mapping.ignored):
        problems.append(
            Problem(
                "unknown-label",
                WARNING,
                f"The column '{labels[position]}' is not one of the requested fields, so it was ignored. If it holds one of "
                f"them, rename it to the template's heading.",
                sheet=sheet,
                row=header_row,
                column=letters[position],
                value=labels[position],
            )
        )
    for code in requested:
        if code not in requested_found:
            problems.append(
                Problem(
                    "missing-label",
                    ERROR,
                    f"No column for the requested field '{aliases.get(code, [code])[0] if aliases.get(code) else code}'. "
                    "Add it with the heading used in the template.",
                    sheet=sheet,
                    row=header_row,
                    value=code,
                )
            )
    if mapping.count is None:
        problems.append(
            Problem(
                "missing-label",
                ERROR,
                "No count column. Add a column headed 'Count' with the number of people in each row.",
                sheet=sheet,
                row=header_row,
                value="count",
            )
        )
    return mapping, problems
