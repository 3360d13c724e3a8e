"""Country, nationality and language columns to standard codes; a value the reference does not know
is reported on its row."""

import pandas as pd

from requests_app.ingest import categories, codes
from requests_app.ingest.problems import ERROR, WARNING, ProblemLog


def country_columns(
    frame: pd.DataFrame,
    dims: dict[str, pd.Series],
    letter_of: dict[str, str],
    live: pd.Series,
    problems: ProblemLog,
    reference: codes.Reference,
) -> None:
    """Fills the country_of_birth, nationality and nationality_group columns of frame; the groups
    depend on the period, so frame already holds period_start."""
    group_date = frame["period_start"].fillna(pd.Timestamp.today().normalize())
    for code, column in (("country-of-birth", "country_of_birth"), ("nationality", "nationality")):
        if code not in dims:
            frame[column] = pd.NA
            continue
        harmonised = codes.harmonise_countries(dims[code], reference)
        if code == "nationality":
            # A nationality group ("EU8", "Non-EU") is an answer too, at a coarser grain.
            groups = categories.groups_named(dims[code], reference).where(harmonised["unmapped"])
            harmonised["unmapped"] &= groups.isna()
        problems.add_rows(
            live & harmonised["unmapped"],
            dims[code],
            type="unknown-code",
            severity=ERROR,
            column=letter_of[code],
            message=lambda v: (
                f"'{v}' is not a country or nationality the tracker knows. Use the country's "
                "name or ISO code, or 'Not recorded'."
            ),
        )
        frame[column] = harmonised["code"]
    if "nationality" in dims:
        grouped = codes.nationality_groups(frame["nationality"], group_date, reference)
        frame["nationality_group"] = grouped.where(groups.isna(), groups.astype("string"))
    else:
        frame["nationality_group"] = pd.NA


def language_column(
    frame: pd.DataFrame,
    dims: dict[str, pd.Series],
    letter_of: dict[str, str],
    live: pd.Series,
    problems: ProblemLog,
    reference: codes.Reference,
) -> None:
    """Fills the main_language column of frame; an unknown language is kept as written."""
    if "main-language" in dims:
        languages = codes.harmonise_languages(dims["main-language"], reference)
        problems.add_rows(
            live & languages["unmapped"],
            dims["main-language"],
            type="unknown-code",
            severity=WARNING,
            column=letter_of["main-language"],
            message=lambda v: f"'{v}' is not a language name or ISO 639 code the tracker knows; it is kept as written.",
        )
        frame["main_language"] = languages["code"].where(~languages["unmapped"], dims["main-language"])
    else:
        frame["main_language"] = pd.NA
