"""The whole pipeline for one file: bytes in, clean observations and a validation report out."""

from dataclasses import dataclass

import pandas as pd

from requests_app.ingest import (
    area_totals,
    checks,
    codes,
    completeness,
    geography,
    harmonise,
    headers,
    layout,
    mapping,
    pairs,
    period_columns,
    personal,
    read,
    sheets,
    tables,
    totals,
)
from requests_app.ingest.problems import ERROR, Problem, ProblemLog
from requests_app.ingest.result import DIMENSION_COLUMNS, OBSERVATION_COLUMNS, Result, combined, refused


@dataclass(frozen=True)
class Context:
    requested: list[str]  # canonical field codes asked for
    aliases: dict[str, list[str]]  # field code -> [display name, other headings]
    geography_level: str  # "" accepts any level
    aggregate_only: bool
    reference: codes.Reference
    stock: bool = False  # the source counts people at a point in time, never summed over time


def run(data: bytes, filename: str, context: Context) -> Result:
    workbook, found = read.read_file(data, filename)
    if any(p.severity == ERROR for p in found):
        return refused(problems=found)
    located, best, picked = sheets.data_tables(workbook)
    found += picked
    if best is None:
        return refused(problems=found)
    # A list of people has no figures under its headings, so no table is found on its sheet; it
    # must still be caught as personal data, whichever sheet it is on, rather than passed over.
    with_tables = {item.table.sheet for item in located}
    for sheet in workbook if context.aggregate_only else []:
        skip = sheet.hidden or sheet.name in with_tables or (sheets.set_aside(sheet) and sheet is not best)
        naive = None if skip else tables.first_row_table(sheet)
        if naive is not None and personal.looks_record_level(naive.labels, naive.body, False):
            return _quarantine(naive, found)
    if not located:
        return refused(sheet=best.name, problems=found)
    candidates = [_candidate(item, context) for item in located]
    for candidate in candidates if context.aggregate_only else []:
        # Judged on the table as sent, before categories across its columns become rows.
        sent, has_count = candidate.located.table, candidate.column_map.count is not None
        if personal.looks_record_level(sent.labels, sent.body, has_count):
            return _quarantine(sent, found + candidate.problems, has_count=has_count)
    names = {code: words[0] for code, words in context.aliases.items() if words}
    chosen, chose = sheets.choose(candidates, context.requested, names)
    found += chose
    if not chosen:
        return refused(problems=found)
    return combined([_read(c, context, found if i == 0 else []) for i, c in enumerate(chosen)])


def _candidate(located: layout.Located, context: Context) -> sheets.Candidate:
    """A table as it will be read: its columns mapped to the fields, categories across its columns
    turned into rows, its period taken from its sheet's name when nothing else gives one."""
    table = located.table
    column_map, mapped = _mapped(table, context)
    problems = list(located.problems)
    if not _has_period(column_map):
        named = sheets.sheet_period(table, context.aliases.get("period", ["Period"])[0])
        if named is not None:
            table, said = named
            column_map, mapped = _mapped(table, context)
            problems.append(said)
    if not any(p.severity == ERROR for p in mapped):
        table, column_map, reshaped = tables.reshape(table, column_map)
        mapped = mapped + reshaped
    timing, mapped = period_columns.choose(
        table.labels,
        table.letters,
        table.body,
        column_map,
        mapped,
        sheet=table.sheet,
        header_row=table.header_rows[-1] if table.header_rows else None,
        stock=context.stock,
    )
    return sheets.Candidate(located, table, column_map, problems + mapped, timing)


def _has_period(column_map: mapping.Mapping) -> bool:
    return "period" in column_map.fields.values() or any("period" in key for key in column_map.across.values())


def _mapped(table: headers.Table, context: Context) -> tuple[mapping.Mapping, list[Problem]]:
    return mapping.map_columns(
        table,
        [list(parts) for parts in table.label_parts],
        aliases=context.aliases,
        requested=context.requested,
        reference=context.reference,
        geography_level=context.geography_level,
    )


def _read(candidate: sheets.Candidate, context: Context, found: list[Problem]) -> Result:
    """One chosen table through the checks, with the problems found before it."""
    found = found + candidate.problems
    rows_read = len(candidate.located.table.body)  # the sheet's rows, before categories became rows
    if any(p.severity == ERROR for p in found):
        return refused(rows_read, candidate.table.sheet, found)
    return _clean(
        candidate.table.body, candidate.table, candidate.column_map, candidate.timing, context, found, rows_read
    )


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
    body: pd.DataFrame,
    table: headers.Table,
    column_map: mapping.Mapping,
    timing: period_columns.Timing | None,
    context: Context,
    found: list[Problem],
    rows_read: int,
) -> Result:
    problems = ProblemLog(table.sheet, pd.Series(body.index, index=range(len(body))))
    body = body.reset_index(drop=True)
    for p in found:
        problems.add(p)
    letters = table.letters
    dims = {code: _stripped(body[position]) for position, code in column_map.fields.items()}
    letter_of = {code: column_map.letter(position, letters) for position, code in column_map.fields.items()}

    live = ~totals.total_rows(dims, body.index, problems)
    located, live = geography.locate(
        body,
        table.labels,
        letters,
        fields=column_map.fields,
        count=column_map.count,
        dims=dims,
        live=live,
        problems=problems,
        level=context.geography_level,
        ref=context.reference,
        names=frozenset(column_map.names.values()),
    )
    frame = pd.DataFrame(index=body.index)
    count_letter = column_map.letter(column_map.count, letters)
    checks.check_counts(frame, body[column_map.count].astype(str), count_letter, live, problems)
    for code, position in column_map.names.items():
        pairs.check_names(
            code, dims[code], _stripped(body[position]), letters[position], live, problems, context.reference
        )
    checks.check_periods(frame, timing, body, live, problems, context.stock)
    harmonise.country_columns(frame, dims, letter_of, live, problems, context.reference)
    harmonise.language_column(frame, dims, letter_of, live, problems, context.reference)
    geography.check_areas(frame, located, dims, letter_of, live, problems, context.geography_level, context.reference)
    area_totals.reconcile(
        frame, located, body, column_map.count, letters[column_map.count], live, problems, context.reference
    )

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
        rows_read,
        observations,
        problems.errors,
        problems.warnings,
        problems.counts,
        completeness.of_key_fields(frame, dims, live),
        table.sheet,
    )
