"""The whole pipeline for one file: bytes in, clean observations and a validation report out."""

from dataclasses import dataclass

import pandas as pd

from requests_app.ingest import (
    checks,
    codes,
    completeness,
    geography,
    harmonise,
    headers,
    mapping,
    personal,
    read,
    tables,
    totals,
)
from requests_app.ingest.problems import ERROR, Problem, ProblemLog
from requests_app.ingest.result import DIMENSION_COLUMNS, OBSERVATION_COLUMNS, Result, refused


@dataclass(frozen=True)
class Context:
    requested: list[str]  # canonical field codes asked for
    aliases: dict[str, list[str]]  # field code -> [display name, other headings]
    geography_level: str  # "" accepts any level
    aggregate_only: bool
    reference: codes.Reference


def run(data: bytes, filename: str, context: Context) -> Result:
    sheets, found = read.read_file(data, filename)
    if any(p.severity == ERROR for p in found):
        return refused(problems=found)
    sheet, picked = read.pick_sheet(sheets)
    found += picked
    if sheet is None:
        return refused(problems=found)
    table, located = headers.locate_table(sheet)
    if table is None:
        # A list of people has no figures under its headings, so no table is found; it must
        # still be caught as personal data rather than reported as unreadable.
        naive = tables.first_row_table(sheet)
        if (
            context.aggregate_only
            and naive is not None
            and personal.looks_record_level(naive.labels, naive.body, False)
        ):
            return _quarantine(naive, found)
        return refused(sheet=sheet.name, problems=found + located)
    found += located
    table = tables.melt_period_columns(table, context.aliases)
    header_row = table.header_rows[-1] if table.header_rows else None
    column_map, mapped = mapping.map_columns(
        table.labels,
        table.letters,
        aliases=context.aliases,
        requested=context.requested,
        sheet=table.sheet,
        header_row=header_row,
    )
    found += mapped
    body = table.body
    if context.aggregate_only and personal.looks_record_level(table.labels, body, column_map.count is not None):
        return _quarantine(table, found, has_count=column_map.count is not None)
    if any(p.severity == ERROR for p in found):
        return refused(len(body), table.sheet, found)
    return _clean(body, table, column_map, context, found)


def _stripped(values: pd.Series) -> pd.Series:
    positions, uniques = pd.factorize(values.astype(str))
    return pd.Series(
        pd.array([u.strip() for u in uniques], dtype=object).take(positions), index=values.index, dtype=object
    )


def _quarantine(table: headers.Table, found: list[Problem], has_count: bool = False) -> Result:
    reasons = personal.record_level_signals(table.labels, table.body, has_count)
    return refused(
        len(table.body),
        table.sheet,
        found
        + [
            Problem(
                "personal-data",
                ERROR,
                "This looks like one row per person ("
                + "; ".join(reasons)
                + "). Only aggregate counts were asked for: "
                "nothing was stored, the file is held for the Data Protection Officer, "
                "and you should send counts instead.",
                sheet=table.sheet,
            )
        ],
        quarantine=True,
    )


def _clean(
    body: pd.DataFrame, table: headers.Table, column_map: mapping.Mapping, context: Context, found: list[Problem]
) -> Result:
    problems = ProblemLog(table.sheet, pd.Series(body.index, index=range(len(body))))
    body = body.reset_index(drop=True)
    for p in found:
        problems.add(p)
    letters = table.letters
    dims = {code: _stripped(body[position]) for position, code in column_map.fields.items()}
    letter_of = {code: letters[position] for position, code in column_map.fields.items()}

    live = ~totals.total_rows(dims, body.index, problems)
    frame = pd.DataFrame(index=body.index)
    checks.check_counts(frame, body[column_map.count].astype(str), letters[column_map.count], live, problems)
    checks.check_periods(frame, dims, letter_of, live, problems)
    harmonise.country_columns(frame, dims, letter_of, live, problems, context.reference)
    harmonise.language_column(frame, dims, letter_of, live, problems, context.reference)
    geography.check_areas(frame, dims, letter_of, live, problems, context.geography_level, context.reference)

    for code, column in (("immigration-status", "immigration_status"), ("age", "age_band"), ("gender", "gender")):
        frame[column] = dims[code].replace("", pd.NA) if code in dims else pd.NA
    extra = [code for code in dims if code not in DIMENSION_COLUMNS and code != "period"]
    if extra:
        frame["other"] = (
            pd.DataFrame({code: dims[code] for code in extra}).to_json(orient="records", lines=True).splitlines()
        )
    else:
        frame["other"] = "{}"

    observations = frame.loc[live, OBSERVATION_COLUMNS].reset_index(drop=True)
    return Result(
        not problems.errors,
        False,
        len(body),
        observations,
        problems.errors,
        problems.warnings,
        problems.counts,
        completeness.of_fields(frame, dims, live),
        table.sheet,
    )
