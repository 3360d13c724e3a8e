"""Local-authority rows that give no GSS code, placed by the other ways a file names them.

DfE's open data files name an authority three ways: new_la_code (its GSS code), old_la_code (the
three-digit number DfE used before GSS codes) and la_name. Older files, and rows for authorities
that have since changed, leave new_la_code blank. Such a row is placed by its old code or its
name where the same file pairs that code or name with a GSS code on another row, or by its name
where that is the council's own. A row still unplaced keeps no code and is reported as left out,
never guessed. Work is per distinct value, never per row.
"""

from __future__ import annotations

import pandas as pd

from requests_app.ingest import codes
from requests_app.ingest.mapping import label_key

_OLD_CODE = {"old la code", "la code old", "old la", "la old code"}
_NAME = {"la name", "local authority name", "la", "local authority"}
_COUNCIL_WORDS = ("metropolitan borough council", "borough council", "city council", "county council", "council")


def council_names(ref: codes.Reference) -> set[str]:
    """The council's name as files write it: 'Teesmouth', 'Teesmouth Borough Council'."""
    name = codes.normalise(ref.area_name).split(" (")[0]
    if not name:
        return set()
    found = {name}
    for suffix in _COUNCIL_WORDS:
        if name.endswith(" " + suffix):
            found.add(name[: -len(suffix) - 1])
    return found


def _names(values: pd.Series) -> pd.Series:
    positions, uniques = pd.factorize(values.astype(str))
    small = [codes.normalise(u) for u in uniques]
    return pd.Series(pd.array(small, dtype=object).take(positions), index=values.index, dtype=object)


def _plain(values: pd.Series) -> pd.Series:
    """Names as compared: the council words dropped, so 'Teesmouth Borough Council' is 'teesmouth'."""
    out = _names(values)
    for suffix in _COUNCIL_WORDS:
        out = out.str.removesuffix(" " + suffix)
    return out


def fill(
    own_codes: pd.Series,
    authority_rows: pd.Series,
    labels: list[str],
    letters: list[str],
    body: pd.DataFrame,
    ref: codes.Reference,
) -> tuple[pd.Series, pd.Series, set[int], pd.Series]:
    """GSS codes for the local-authority rows without one (authority_rows marks them; "" where
    none is found), the letter of the column each was placed by, the positions of the columns
    read, and the name of each row left unplaced whose name holds the council's ("" elsewhere):
    such a row may be the council's own, so it is asked about rather than left out. own_codes is
    each row's code as the code columns give it."""
    keys = [label_key(label) for label in labels]
    columns = [(p, "old") for p, key in enumerate(keys) if key in _OLD_CODE]
    columns += [(p, "name") for p, key in enumerate(keys) if key in _NAME]
    known = pd.Series(own_codes.astype(object), index=own_codes.index)
    coded = known.str.match(codes.GSS_RE, na=False) & ~authority_rows
    placed = pd.Series("", index=known.index, dtype=object)
    letter = pd.Series("", index=known.index, dtype=object)
    doubtful = pd.Series("", index=known.index, dtype=object)
    ours = council_names(ref)
    for position, kind in columns:
        words = _names(body[position]) if kind == "old" else _plain(body[position])
        pairs = pd.DataFrame({"word": words[coded], "code": known[coded]}).drop_duplicates()
        pairs = pairs[pairs["word"] != ""]
        # A word the file pairs with two codes says nothing about which one a row means.
        single = pairs.drop_duplicates("word", keep=False)
        lookup = dict(zip(single["word"], single["code"], strict=True))
        if kind == "name" and ref.local_authority:
            lookup.update({name: ref.local_authority for name in ours if name not in set(pairs["word"])})
        todo = authority_rows & (placed == "")
        found = words[todo].map(lookup).dropna()
        placed[found.index] = found
        letter[found.index] = letters[position]
        if kind == "name" and ours:
            left = authority_rows & (placed == "")
            distinct = pd.unique(words[left])
            maybe = {w for w in distinct if any(f" {name} " in f" {w} " for name in ours)}
            at = left & words.isin(maybe)
            doubtful[at] = body.loc[at, position].astype(str).str.strip()
    return placed, letter, {p for p, _ in columns}, doubtful
