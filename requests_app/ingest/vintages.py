"""Which set of boundaries a ward or small-area code comes from, as far as its code can tell.

LSOAs and MSOAs were redrawn after the 2021 Census: most kept their 2011 codes, the new ones got
codes above the last 2011 code (E01033768 for LSOAs in England), and the 2011 areas that were split
or merged were retired. Scotland redrew its data zones and intermediate zones in 2022 the same way.
So a code above the last 2011 code is a 2021 one, and a well-formed code at or below it that the
council's 2021 lookup lacks is most likely a 2011 area that no longer exists. Ward codes are
reissued at every boundary review with no such landmark, so for wards only the lookup's year can
be named, and whether the file's codes sort before or after the lookup's.
"""

from __future__ import annotations

from requests_app.ingest import codes

# The last code issued to each kind of small area before the post-census redrawing, and the year of
# that redrawing (England and Wales 2011 -> 2021; Scotland 2011 -> 2022).
LAST_BEFORE = {
    "E01": ("E01033768", 2011, 2021),
    "W01": ("W01001958", 2011, 2021),
    "E02": ("E02006934", 2011, 2021),
    "W02": ("W02000423", 2011, 2021),
    "S01": ("S01013481", 2011, 2022),
    "S02": ("S02002514", 2011, 2022),
}
_WORD = {"lsoa": "LSOA", "msoa": "MSOA", "ward": "ward"}


def _year_of_lookup(level: str, known: frozenset[str], ref: codes.Reference) -> int | None:
    if level in ref.vintages:
        return ref.vintages[level]
    # Without a recorded year, a lookup holding any code issued after the redrawing is the newer set.
    for code in known:
        landmark = LAST_BEFORE.get(code[:3])
        if landmark and code > landmark[0]:
            return landmark[2]
    return None


def explain(level: str, missing: list[str], ref: codes.Reference) -> str:
    """A sentence saying which boundaries the council's lookup holds and which the file's codes
    that are missing from it seem to come from; "" when the codes say nothing about it."""
    known = ref.own_codes.get(level, frozenset())
    if not missing or not known or level not in _WORD:
        return ""
    word = _WORD[level]
    year = _year_of_lookup(level, known, ref)
    example = missing[0]
    if level == "ward":
        lookup = f"The council's lookup holds its {year} wards" if year else "The council's lookup holds its wards"
        if max(missing) < min(known):
            side = "older"
        elif min(missing) > max(known):
            side = "newer"
        else:
            return ""
        return (
            f"{lookup}, and codes such as {example} sort before all of them, so they look like wards from an "
            f"{side} set of ward boundaries. Send the figures on the wards in the lookup, or ask the council "
            "to load the lookup of the boundaries the file uses."
            if side == "older"
            else f"{lookup}, and codes such as {example} sort after all of them, so they look like wards from a "
            f"{side} set of ward boundaries. Ask the council to load the current ward lookup."
        )
    landmarks = [LAST_BEFORE[code[:3]] for code in missing if code[:3] in LAST_BEFORE]
    if not landmarks or year is None:
        return ""
    last, before, after = landmarks[0]
    newer = [code for code in missing if code > LAST_BEFORE[code[:3]][0]]
    if year == after and not newer:
        return (
            f"The council's lookup holds {after} {word}s; codes such as {example} are {before} {word} codes "
            f"(issued up to {last}) that the {after} boundaries replaced. Send the figures on {after} {word}s: "
            f"the ONS publishes a {before} to {after} {word} lookup."
        )
    if year == before and newer:
        return (
            f"The council's lookup holds {before} {word}s; codes such as {newer[0]} are {after} {word} codes "
            f"(issued after {last}). Ask the council to load its {after} {word} lookup, or send {before} {word}s."
        )
    return ""
