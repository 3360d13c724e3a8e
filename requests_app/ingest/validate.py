"""The whole pipeline for one file: bytes in, clean observations and a validation report out."""

from dataclasses import dataclass

import pandas as pd

from requests_app.ingest import (
    area_totals,
    checks,
    codes,
    completeness,
    counts,
    declared,
    geography,
    harmonise,
    headers,
    layout,
    mapping,
    pairs,
    period_columns,
    personal,
    read,
    reconcile,
    sheets,
    tables,
    totals,
)
from requests_app.ingest.problems import ERROR, Problem, ProblemLog, row_list
from requests_app.ingest.result import DIMENSION_COLUMNS, OBSERVATION_COLUMNS, Result, combined, refused


@dataclass(frozen=True)
class Context:
    requested: list[str]  # canonical field codes asked for
    aliases: dict[str, list[str]]  # field code -> [display name, other headings]
    geography_level: str  # "" accepts any level
    aggregate_only: bool
    reference: codes.Reference
    stock: bool = False  # the source counts people at a point in time, never summed over time
    limits: read.Limits = read.Limits()  # the caps on what one file may hold (settings.py)


def run(data: bytes, filename: str, context: Context) -> Result:
    workbook, found = read.read_file(data, filename, limits=context.limits)
    return run_sheets(workbook, found, context)


def run_sheets(workbook: list[read.RawSheet], found: list[Problem], context: Context) -> Result:
    """The pipeline from the sheets as read, for callers that first adjust what a publisher's
    conventions mean (releases/published.py)."""
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
        reasons = personal.record_level_signals(naive.labels, naive.body, False) if naive is not None else []
        if reasons:
            return _quarantine(naive, found, reasons)
    if not located:
        return refused(sheet=best.name, problems=found)
    candidates = [_candidate(item, context) for item in located]
    for candidate in candidates if context.aggregate_only else []:
        # Judged on the table as sent, before categories across its columns become rows.
        sent, has_count = candidate.located.table, candidate.column_map.count is not None
        reasons = personal.record_level_signals(sent.labels, sent.body, has_count)
        if reasons:
            return _quarantine(sent, found + candidate.problems, reasons)
    names = {code: words[0] for code, words in context.aliases.items() if words}
    chosen, chose = sheets.choose(candidates, context.requested, names)
    found += chose
    if not chosen:
        return refused(problems=found)
    return combined([_read(c, context, found if i == 0 else []) for i, c in enumerate(chosen)])


def _candidate(located: layout.Located, context: Context) -> sheets.Candidate:
    """A table as it will be read: its columns mapped to the fields, categories across its columns
    turned into rows, its period taken from its title or its sheet's name when nothing else gives one."""
    table = located.table
    column_map, mapped = _mapped(table, context)
    problems = list(located.problems)
    if not _has_period(column_map):
        label = context.aliases.get("period", ["Period"])[0]
        named = sheets.named_period(table, label, from_title="period" in context.requested)
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
    table, column_map = candidate.table, candidate.column_map
    rows_read = len(candidate.located.table.body)  # the sheet's rows, before categories became rows
    if any(p.severity == ERROR for p in found):
        return refused(rows_read, table.sheet, found)
    rows = pd.Series(table.body.index, index=range(len(table.body)))  # the spreadsheet row of each
    body = table.body.reset_index(drop=True)
    count_text = body[column_map.count].astype(str)
    parsed = counts.parse_counts(count_text)
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
        return refused(rows_read, table.sheet, found)
    cleaned = Cleaning(rows, parsed, said, columns, keys, set_aside, candidate.timing, rows_read)
    return _clean(body, table, column_map, cleaned, context, found)


@dataclass(frozen=True)
class Cleaning:
    """What _read worked out about a table that the checks go on from."""

    rows: pd.Series  # the spreadsheet row of each body row
    parsed: pd.DataFrame  # the counts, read once
    said: declared.Declared  # what the file's notes declare (rounding, noise, suppression)
    columns: dict[int, pd.Series]  # every column's text, stripped
    keys: dict[int, pd.Series]  # the same, as compared with total labels
    set_aside: totals.SetAside  # the total rows
    timing: object  # period_columns.Timing
    rows_read: int


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


def _kept_areas(located: geography.Located, live: pd.Series) -> pd.Series:
    """The rows, totals among them, of the areas whose rows are kept, and the rows that name no
    area of a known level (a grand total)."""
    if located.places is None:
        return pd.Series(True, index=live.index)
    codes_of = located.places.codes
    return codes_of.isin(set(codes_of[live])) | (located.places.levels == "")


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
    table: headers.Table,
    column_map: mapping.Mapping,
    cleaned: Cleaning,
    context: Context,
    found: list[Problem],
) -> Result:
    problems = ProblemLog(table.sheet, cleaned.rows)
    for p in found:
        problems.add(p)
    letters = table.letters
    columns, set_aside = cleaned.columns, cleaned.set_aside
    dims = {code: columns[position] for position, code in column_map.fields.items()}
    letter_of = {code: column_map.letter(position, letters) for position, code in column_map.fields.items()}

    located, live = geography.locate(
        body,
        table.labels,
        letters,
        fields=column_map.fields,
        count=column_map.count,
        dims=dims,
        live=~set_aside.rows,
        problems=problems,
        level=context.geography_level,
        ref=context.reference,
        names=frozenset(column_map.names.values()),
    )
    frame = pd.DataFrame(index=body.index)
    raw_counts = body[column_map.count].astype(str)
    checks.check_counts(frame, raw_counts, column_map.letter(column_map.count, letters), live, problems, cleaned.parsed)
    totals.report(set_aside, columns, letters, problems)
    reconcile.check(
        columns=columns,
        keys=cleaned.keys,
        mapped=sorted(column_map.fields),
        labels=set_aside.labels,
        arithmetic=set_aside.arithmetic != "",
        counts=frame["count"],
        suppressed=frame["suppressed"],
        raw=raw_counts,
        said=cleaned.said,
        count_letter=letters[column_map.count],
        problems=problems,
        within=_kept_areas(located, live),
    )
    for code, position in column_map.names.items():
        pairs.check_names(code, dims[code], columns[position], letters[position], live, problems, context.reference)
    checks.check_periods(frame, cleaned.timing, body, live, problems, context.stock)
    harmonise.country_columns(frame, dims, letter_of, live, problems, context.reference)
    harmonise.language_column(frame, dims, letter_of, live, problems, context.reference)
    geography.check_areas(frame, located, dims, letter_of, live, problems, context.geography_level, context.reference)
    area_totals.reconcile(
        frame, located, body, column_map.count, letters[column_map.count], live, problems, context.reference
    )
    if set_aside.rows.all():
        problems.add(_nothing_to_store(table, cleaned.rows, set_aside.rows))

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
        cleaned.rows_read,
        observations,
        problems.errors,
        problems.warnings,
        problems.counts,
        completeness.of_fields(frame, dims, live),
        table.sheet,
    )
