"""A code column and a name column for the same field ("Ward code" and "Ward name", "Country code"
and "Country") must say the same thing on every row. The code is what is stored; a row whose name
says otherwise is reported, since nothing tells which of the two is wrong."""

import pandas as pd

from requests_app.ingest import codes
from requests_app.ingest.problems import ERROR, ProblemLog

_RESOLVERS = {
    "country-of-birth": codes.harmonise_countries,
    "nationality": codes.harmonise_countries,
    "main-language": codes.harmonise_languages,
}


def check_names(
    field: str,
    coded: pd.Series,
    named: pd.Series,
    name_letter: str,
    live: pd.Series,
    problems: ProblemLog,
    reference: codes.Reference,
) -> None:
    both = live & (coded != "") & (named != "")
    shown = coded + " / " + named
    if field in _RESOLVERS:
        # Both sides read through the reference: 'PL' beside 'Romania' are two countries.
        resolve = _RESOLVERS[field]
        left, right = resolve(coded, reference), resolve(named, reference)
        read = ~left["unmapped"] & ~right["unmapped"] & left["code"].notna() & right["code"].notna()
        differ = both & read & (left["code"] != right["code"]).fillna(False)
        problems.add_rows(
            differ,
            shown,
            type="code-name-mismatch",
            severity=ERROR,
            column=name_letter,
            message=lambda v: (
                f"The code and the name on this row ('{v}') are not the same. Correct whichever is wrong: the "
                "code is what is stored."
            ),
        )
        return
    # No list of names to check against (the areas' names are not in the reference): a code must
    # at least have one name throughout the file.
    keys = codes.normalised(named)
    pairs = pd.DataFrame({"code": coded, "name": keys})[both]
    if pairs.empty:
        return
    sizes = pairs.groupby(["code", "name"], sort=False).size().reset_index(name="rows")
    usual = sizes.sort_values("rows", ascending=False, kind="stable").drop_duplicates("code").set_index("code")["name"]
    expected = coded.map(usual)
    differ = both & expected.notna() & (keys != expected)
    if not differ.any():
        return
    written = named.where(keys == expected).groupby(coded).first()
    problems.add_rows(
        differ,
        shown,
        type="code-name-mismatch",
        severity=ERROR,
        column=name_letter,
        message=lambda v: (
            f"'{v}': the code is named '{written.get(v.split(' / ')[0], '')}' on other rows of this file. Correct "
            "whichever is wrong: the code is what is stored."
        ),
    )
