"""The geography column: GSS codes checked for their shape, the requested level and the area."""

import pandas as pd

from requests_app.ingest import codes
from requests_app.ingest.problems import ERROR, ProblemLog


def check_areas(
    frame: pd.DataFrame,
    dims: dict[str, pd.Series],
    letter_of: dict[str, str],
    live: pd.Series,
    problems: ProblemLog,
    level: str,
    reference: codes.Reference,
) -> None:
    """Fills the geography_code column of frame; level "" accepts a code of any level."""
    if "ward" in dims:
        geography = codes.check_geography(dims["ward"], level or "ward", reference)
        if not level:
            # No level was asked for: any valid GSS code will do.
            geography.loc[geography["problem"] == "level", "problem"] = ""
        level_word = (level or "area").replace("-", " ")
        problems.add_rows(
            live & (geography["problem"] == "format"),
            dims["ward"],
            type="unknown-code",
            severity=ERROR,
            column=letter_of["ward"],
            message=lambda v: f"'{v}' is not a {level_word} code. Use the 9-character GSS code, e.g. E05001234.",
        )
        problems.add_rows(
            live & (geography["problem"] == "level"),
            dims["ward"],
            type="level-mismatch",
            severity=ERROR,
            column=letter_of["ward"],
            message=lambda v: (
                f"'{v}' is the code of a different kind of area; this request asks for {level_word} codes."
            ),
        )
        problems.add_rows(
            live & (geography["problem"] == "area"),
            dims["ward"],
            type="unknown-code",
            severity=ERROR,
            column=letter_of["ward"],
            message=lambda v: f"'{v}' is not in this council's area.",
        )
        frame["geography_code"] = geography["code"]
    else:
        frame["geography_code"] = pd.NA
