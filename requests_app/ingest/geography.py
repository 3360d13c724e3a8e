"""Where each row is: the rows of the level asked for, within the council's area, are kept.

A public table mixes levels (England, its regions, every authority, sometimes wards) and areas
(every council in a region). Adding them all up counts the same people several times, so only
the rows of the level asked for within the council's area are kept. The council's own total
(its authority row beside its wards) is set aside to be checked (area_totals); the other rows
are left out and the report says which. A file whose rows mix levels with nothing to
tell them apart is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from requests_app.ingest import authority_names, codes, levels, vintages
from requests_app.ingest.problems import ERROR, WARNING, Problem, ProblemLog

WORDS = {
    "uk": ("UK-wide area", "UK-wide areas"),
    "country": ("country", "countries"),
    "region": ("region", "regions"),
    "county": ("county", "counties"),
    codes.LOCAL_AUTHORITY: ("authority", "authorities"),
    "ward": ("ward", "wards"),
    "msoa": ("MSOA", "MSOAs"),
    "lsoa": ("LSOA", "LSOAs"),
    "output-area": ("output area", "output areas"),
    levels.OTHER: ("area of another kind", "areas of other kinds"),
}
# Names that are never one of a council's wards or small areas: the nations and England's regions.
_WIDER_AREAS = {
    "united kingdom",
    "uk",
    "great britain",
    "england and wales",
    "england",
    "wales",
    "scotland",
    "northern ireland",
    "north east",
    "north west",
    "yorkshire and the humber",
    "yorkshire and humber",
    "east midlands",
    "west midlands",
    "east of england",
    "london",
    "south east",
    "south west",
}


def word(level: str, many: bool = False) -> str:
    singular, plural = WORDS.get(level, (level.replace("-", " "), level.replace("-", " ") + "s"))
    return plural if many else singular


@dataclass
class Located:
    places: levels.Places | None
    level: str = ""  # the level kept; "" when nothing was set aside
    checks: pd.Series | None = None  # rows of the council set aside to check the kept rows against


def council_name(ref: codes.Reference) -> str:
    return ref.area_name or ref.local_authority or "this council"


def _names_without_levels(
    values: pd.Series, letter: str, live: pd.Series, problems: ProblemLog, ref: codes.Reference
) -> bool:
    """An area column of names holding the council, its region or a nation beside other areas:
    nothing says which rows are totals of which, so the file cannot be read. True when refused."""
    names = {codes.normalise(v): v for v in values[live].unique() if str(v).strip()}
    wider = sorted(v for key, v in names.items() if key in _WIDER_AREAS | authority_names.council_names(ref))
    if not wider or len(wider) == len(names):
        return False
    problems.add(
        Problem(
            "mixed-levels",
            ERROR,
            f"Column {letter} mixes whole areas ({', '.join(wider[:3])}) with smaller ones, and nothing says which "
            "row is which kind of area, so the rows cannot be added up without counting people twice. Use GSS "
            "codes (e.g. E05001234 for a ward), or add a column saying the level of each row (Local authority, "
            "Ward), or send only the rows for the smaller areas.",
            sheet=problems.sheet,
            column=letter,
            value=wider[0],
        )
    )
    return True


def _main_letter(places: levels.Places, live: pd.Series) -> str:
    """The column most live rows take their code from (DfE rows take it from their level's column)."""
    shown = places.letters[live]
    return shown.mode().iat[0] if len(shown) else ""


def _finest(present: list[str], problems: ProblemLog, column: str) -> str:
    """With no level asked for, the most detailed level on the chain of containing areas."""
    chain = [level for level in present if levels.depth(level) is not None]
    if not chain:
        return ""
    deepest = max(levels.depth(level) for level in chain)
    finest = sorted(level for level in chain if levels.depth(level) == deepest)
    if len(finest) > 1:
        problems.add(
            Problem(
                "mixed-levels",
                ERROR,
                f"The file has rows for {' and for '.join(word(level, True) for level in finest)}: these are cut "
                "differently and cannot be added together. Send one kind of area.",
                sheet=problems.sheet,
                column=column,
            )
        )
        return ""
    return finest[0]


def locate(
    body: pd.DataFrame,
    labels: list[str],
    letters: list[str],
    *,
    fields: dict[int, str],
    count: int,
    dims: dict[str, pd.Series],
    live: pd.Series,
    problems: ProblemLog,
    level: str,
    ref: codes.Reference,
    names: frozenset[int] = frozenset(),
) -> tuple[Located, pd.Series]:
    """Which rows are kept (the returned live mask), and the council's rows set aside as checks.
    `names` are the columns of names checked against a code column: their report stays."""
    area_position = next((p for p, code in fields.items() if code == "ward"), None)
    skip = {p for p in fields if p != area_position} | {count}
    places = levels.read_places(labels, letters, body, skip=skip, area_position=area_position, ref=ref)
    if places is None:
        if area_position is not None:
            _names_without_levels(dims["ward"], letters[area_position], live, problems, ref)
        return Located(None), live
    located = Located(places)
    problems.withdraw("unknown-label", {letters[p] for p in places.used - names})
    if places.conflicts is not None:
        problems.add_rows(
            live & places.conflicts,
            places.codes,
            type="level-mismatch",
            severity=ERROR,
            column=places.level_column,
            message=lambda v: (
                f"The level column says this row is for one kind of area, but '{v}' is the code of another. "
                "Correct the level or the code."
            ),
        )
    if places.unplaced is not None:
        problems.add_rows(
            live & (places.unplaced != ""),
            places.unplaced,
            type="unknown-code",
            severity=ERROR,
            column=places.level_column,
            message=lambda v: (
                f"This local-authority row for '{v}' gives no GSS code (new_la_code is blank), and nothing else in "
                f"the file says whether '{v}' is {council_name(ref)}. Fill in the authority's GSS code "
                f"({ref.local_authority or 'E06...'} for {council_name(ref)}) and send the file again."
            ),
        )
    present = [lv for lv in pd.unique(places.levels[live]) if lv]
    want = level or _finest(present, problems, places.level_column or _main_letter(places, live))
    if want not in present and (coarser := places.at_level(want, live)) is not None:
        places = located.places = coarser
        present = [lv for lv in pd.unique(places.levels[live]) if lv]
    if want not in present:
        return located, live  # one kind of area, or none of the kind asked for: check_areas says so

    own = ref.own_codes
    by_level = places.levels
    at_want = by_level == want
    theirs = own.get(want)
    ours = at_want if theirs is None else at_want & places.codes.isin(theirs)
    repeated = _repeated_levels(places, ours, live, problems)
    ours &= ~repeated

    council = pd.Series(False, index=body.index)
    for lv, known in own.items():
        council |= (by_level == lv) & places.codes.isin(known)
    authority_depth = levels.depth(codes.LOCAL_AUTHORITY)
    wider = [lv for lv in present if levels.depth(lv) is not None and levels.depth(lv) <= authority_depth]
    on_chain = by_level.isin(wider)
    others_here = live & on_chain & ~council & by_level.isin(own.keys())
    others_here |= (
        live & (places.authority != "") & (places.authority != ref.local_authority) & bool(ref.local_authority)
    )
    many_areas = bool(others_here.any())

    stay = pd.Series(False, index=body.index)  # not kept, not set aside: check_areas reports them
    checks = pd.Series(False, index=body.index)
    for lv in pd.unique(by_level[live]):
        rows = live & (by_level == lv)
        if lv == want:
            if theirs is None:
                continue
            strays = rows & ~ours
            if levels.depth(want) is None or levels.depth(want) > authority_depth:
                # A ward or small area missing from the lookup is another council's only when the
                # file shows other councils; in a council's own return it is a mistake to report.
                unplaced = (places.authority == "") & (not many_areas)
                mine = (places.authority == ref.local_authority) & bool(ref.local_authority)
                stay |= strays & (unplaced | mine)
        elif codes.contains(lv, want) and lv == codes.LOCAL_AUTHORITY:
            checks |= rows & council  # the council's total over the rows kept
        elif codes.contains(want, lv):
            checks |= rows & council  # the council's own parts of the rows kept
        elif not lv or (not codes.contains(lv, want) and not places.level_column):
            stay |= rows  # a code of an unknown or unrelated kind: check_areas reports it
    kept = live & (ours | stay)
    left_out = live & ~kept & ~checks & ~repeated
    if left_out.any():
        _report_left_out(left_out, places, want, ref, problems, nothing_kept=not kept.any())
    located.level, located.checks = want, checks
    return located, kept


def _repeated_levels(places: levels.Places, ours: pd.Series, live: pd.Series, problems: ProblemLog) -> pd.Series:
    """DfE files can hold the same council as a "Local authority" and as a "Local authority
    district": both are rows of the level kept, and adding them would count everyone twice. The
    rows under the first such word are kept; the others are returned, and reported."""
    nothing = pd.Series(False, index=ours.index)
    if places.level_values is None:
        return nothing
    words = [w for w in pd.unique(places.level_values[live & ours]) if w]
    if len(words) < 2:
        return nothing
    repeated = live & ours & (places.level_values != words[0])
    problems.add(
        Problem(
            "other-area",
            WARNING,
            f"{int(repeated.sum())} rows at level {', '.join(repr(w) for w in words[1:])} repeat the rows at level "
            f"'{words[0]}' for the same area and were left out, so no one is counted twice.",
            sheet=problems.sheet,
            column=places.level_column,
            value=words[1],
        )
    )
    return repeated


def _report_left_out(
    left_out: pd.Series,
    places: levels.Places,
    want: str,
    ref: codes.Reference,
    problems: ProblemLog,
    nothing_kept: bool,
) -> None:
    pairs = pd.DataFrame({"level": places.levels[left_out], "code": places.codes[left_out]}).drop_duplicates()
    parts = []
    order = sorted(pd.unique(pairs["level"]), key=lambda lv: (levels.depth(lv) is None, levels.depth(lv) or 0, lv))
    for lv in order:
        found = pairs.loc[pairs["level"] == lv, "code"].tolist()
        named = [places.names.get(code) or code for code in found if code]
        if len(named) > 3:
            other = " other" if lv in ref.own_codes else ""
            parts.append(f"{len(named)}{other} {word(lv, True)}")
        else:
            parts += named
        if "" in found:
            parts.append(f"rows at {word(lv)} level without a code" if lv else "rows of no known level")
    count = int(left_out.sum())
    deep = levels.depth(want) is None or levels.depth(want) > levels.depth(codes.LOCAL_AUTHORITY)
    ours = f"the {word(want, True)} of {council_name(ref)}" if deep else council_name(ref)
    if nothing_kept:
        missing = pairs.loc[pairs["level"] == want, "code"].tolist()
        hint = vintages.explain(want, sorted(c for c in missing if c), ref)
        problems.add(
            Problem(
                "other-area",
                ERROR,
                f"None of the rows is for {ours}: the file's {count} rows are for "
                f"{', '.join(parts)}. {hint or 'Send the rows for the council area.'}",
                sheet=problems.sheet,
            )
        )
        return
    problems.add(
        Problem(
            "other-area",
            WARNING,
            f"{count} rows for other areas or levels were left out: {', '.join(parts)}. Only the rows for {ours} "
            "are kept.",
            sheet=problems.sheet,
        )
    )


def check_areas(
    frame: pd.DataFrame,
    located: Located,
    dims: dict[str, pd.Series],
    letter_of: dict[str, str],
    live: pd.Series,
    problems: ProblemLog,
    level: str,
    reference: codes.Reference,
) -> None:
    """Fills the geography_code column of frame; level "" accepts a code of any level."""
    if located.places is not None:
        values, letter = located.places.codes, _main_letter(located.places, live)
    elif "ward" in dims:
        values, letter = dims["ward"], letter_of["ward"]
    else:
        frame["geography_code"] = pd.NA
        return
    geography = codes.check_geography(values, level or "ward", reference)
    if not level:
        # No level was asked for: any valid GSS code will do.
        geography.loc[geography["problem"] == "level", "problem"] = ""
    level_word = (level or "area").replace("-", " ")
    problems.add_rows(
        live & (geography["problem"] == "format"),
        values,
        type="unknown-code",
        severity=ERROR,
        column=letter,
        message=lambda v: f"'{v}' is not a {level_word} code. Use the 9-character GSS code, e.g. E05001234.",
    )
    problems.add_rows(
        live & (geography["problem"] == "level"),
        values,
        type="level-mismatch",
        severity=ERROR,
        column=letter,
        message=lambda v: f"'{v}' is the code of a different kind of area; this request asks for {level_word} codes.",
    )
    outside = live & (geography["problem"] == "area")
    hint = ""
    if outside.any():
        missing = sorted(pd.unique(geography.loc[outside, "code"]))
        hint = vintages.explain(geography.loc[outside, "found_level"].iat[0], missing, reference)
    note = " It looks like a code from another set of boundaries: see the note on boundaries." if hint else ""
    problems.add_rows(
        outside,
        values,
        type="unknown-code",
        severity=ERROR,
        column=letter,
        message=lambda v: f"'{v}' is not in this council's area.{note}",
    )
    if hint:
        problems.add(Problem("boundary-vintage", WARNING, hint, sheet=problems.sheet, column=letter))
    frame["geography_code"] = geography["code"]
