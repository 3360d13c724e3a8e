"""Nationality groups a public table may use that are coarser than the catalogue's: the ONS
long-term migration estimates count "EU" (or, since 2023, "EU+", with Iceland, Liechtenstein,
Norway and Switzerland) and "Non-EU+" as single groups. The catalogue's groups (EU14, EU8, EU2,
Other EU, British, Non-EU) partition every country; these span several of them, so they are
recognised only for a public table, and only when it does not also give the groups they span:
an "EU" row beside EU14 and EU8 rows is their subtotal, not a group of its own."""

from __future__ import annotations

import dataclasses
import re

import pandas as pd

from requests_app.ingest.read import RawSheet
from requests_app.ingest.validate import Context

# As written in a table (squashed: lower case, no spaces) -> the group code stored.
AGGREGATES = {"eu": "EU", "eu+": "EU+", "noneu+": "NON-EU+"}
_FINER = re.compile(r"^(?:eu ?1[45]|eu ?8|eu ?2|eu other|other eu|european union eu\d+|european union other)$")


def _squash(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text.casefold())


def aggregate_groups(sheets: list[RawSheet]) -> set[str]:
    """The coarse groups the table uses alone (none when it also gives the finer groups)."""
    texts: set[str] = set()
    for sheet in sheets:
        if not sheet.hidden:
            texts |= {" ".join(str(v).split()).casefold() for v in pd.unique(sheet.cells.to_numpy().ravel())}
    if any(_FINER.match(text) for text in texts):
        return set()
    return {AGGREGATES[_squash(t)] for t in texts if _squash(t) in AGGREGATES}


def with_groups(context: Context, groups: set[str]) -> Context:
    """The context with the coarse groups known by name. They have no member countries, so no
    country is ever put in one; only a value naming the group is."""
    if not groups:
        return context
    members = [*context.reference.group_members, *((group, "", None, None) for group in sorted(groups))]
    return dataclasses.replace(context, reference=dataclasses.replace(context.reference, group_members=members))
