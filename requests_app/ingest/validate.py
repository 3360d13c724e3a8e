"""The whole pipeline for one file: bytes in, clean observations and a validation report out."""

from dataclasses import dataclass

import pandas as pd

from requests_app.ingest import (
    checks,
    codes,
    completeness,
    counts,
    declared,
    geography,
    harmonise,
    headers,
    mapping,
    personal,
    read,
    reconcile,
    tables,
    totals,
)
from requests_app.ingest.problems import ERROR, Problem, ProblemLog, row_list
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
        if context.aggregate_only and naive is not None:
            reasons = personal.record_level_signals(naive.labels, naive.body, False)
            if reasons:
                return _quarantine(naive, found, reasons)
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
    rows = pd.Series(table.body.index, index=range(len(table.body)))  # the spreadsheet row of each
    body = table.body.reset_index(drop=True)
    count_text = body[column_map.count].astype(str) if column_map.count is not None else None
    parsed = counts.parse_counts(count_text) if count_text is not None else None
    columns = {p: _stripped(body[p]) for p in body.columns if p != column_map.count}
    keys = totals.comparable(columns)
    said = declared.from_notes(table.notes)
    set_aside = _totals(keys, parsed, count_text, said, sorted(column_map.fields), rows)
    if context.aggregate_only:
        reasons, repeats = personal.table_signals(
            table.labels, body, keys, count_text, set(column_map.fields), set_aside.rows
        )
        if reasons:
            return _quarantine(table, found, reasons)
        found += personal.repeat_problems(repeats, rows, columns, table.sheet)
    if any(p.severity == ERROR for p in found):
        return refused(len(body), table.sheet, found)
    return _clean(body, rows, parsed, said, table, column_map, context, found, columns, keys, set_aside)


def _totals(
    keys: dict[int, pd.Series],
    parsed: pd.DataFrame | None,
    count_text: pd.Series | None,
    said: declared.Declared,
    mapped: list[int],
    rows: pd.Series,
) -> totals.SetAside:
    """Totals by label (a label that only may be a total confirmed by its arithmetic), then
    subtotals by arithmetic alone."""
    labels = totals.labelled(keys)
    if parsed is not None and labels.maybe_rows.any():
        confirmed = reconcile.confirm(
            keys=keys,
            mapped=mapped,
            labels=labels,
            counts=parsed["count"],
            suppressed=parsed["suppressed"],
            raw=count_text,
            said=said,
            row_numbers=rows,
        )
        labels = labels.with_maybes(confirmed)
    return totals.find(keys, parsed, labels)


def _nothing_to_store(table: headers.Table, rows: pd.Series, set_aside: pd.Series) -> Problem:
    numbers = [int(rows[p]) for p in set_aside[set_aside].index[:12]]
    listed = row_list(numbers) + (" and more" if set_aside.sum() > 12 else "")
    return Problem(
        "empty-file",
        ERROR,
        f'Every row of the table on the sheet "{table.sheet}" is a total ({listed}), so there are no '
        "counts to store. Send the counts the total is made of, one row for each combination of the "
        "requested fields (for example each ward, nationality and period); a total row below them may stay.",
        sheet=table.sheet,
        row=int(rows[set_aside.idxmax()]),
    )


def _stripped(values: pd.Series) -> pd.Series:
    positions, uniques = pd.factorize(values.astype(str))
    return pd.Series(
        pd.array([u.strip() for u in uniques], dtype=object).take(positions), index=values.index, dtype=object
    )


def _quarantine(table: headers.Table, found: list[Problem], reasons: list[str]) -> Result:
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
    body: pd.DataFrame,
    rows: pd.Series,
    parsed: pd.DataFrame,
    said: declared.Declared,
    table: headers.Table,
    column_map: mapping.Mapping,
    context: Context,
    found: list[Problem],
    columns: dict[int, pd.Series],
    keys: dict[int, pd.Series],
    set_aside: totals.SetAside,
) -> Result:
    problems = ProblemLog(table.sheet, rows)
    for p in found:
        problems.add(p)
    letters = table.letters
    dims = {code: columns[position] for position, code in column_map.fields.items()}
    letter_of = {code: letters[position] for position, code in column_map.fields.items()}

    live = ~set_aside.rows
    frame = pd.DataFrame(index=body.index)
    raw_counts = body[column_map.count].astype(str)
    count_letter = letters[column_map.count]
    checks.check_counts(frame, raw_counts, count_letter, live, problems, parsed)
    totals.report(set_aside, columns, letters, problems)
    reconcile.check(
        columns=columns,
        keys=keys,
        mapped=sorted(column_map.fields),
        labels=set_aside.labels,
        arithmetic=set_aside.arithmetic != "",
        counts=frame["count"],
        suppressed=frame["suppressed"],
        raw=raw_counts,
        said=said,
        count_letter=count_letter,
        problems=problems,
    )
    checks.check_periods(frame, dims, letter_of, live, problems)
    harmonise.country_columns(frame, dims, letter_of, live, problems, context.reference)
    harmonise.language_column(frame, dims, letter_of, live, problems, context.reference)
    geography.check_areas(frame, dims, letter_of, live, problems, context.geography_level, context.reference)
    if set_aside.rows.all():
        problems.add(_nothing_to_store(table, rows, set_aside.rows))

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
