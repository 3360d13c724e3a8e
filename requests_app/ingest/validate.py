"""The whole pipeline for one file: bytes in, clean observations and a validation report out."""

from dataclasses import dataclass, field

import pandas as pd

from requests_app.ingest import codes, counts, headers, mapping, periods, personal, read
from requests_app.ingest.problems import ERROR, WARNING, Problem, column_letter

# Rows whose label says they sum other rows; kept out of the observations and reported.
TOTAL_LABELS = {
    "total",
    "totals",
    "grand total",
    "sub total",
    "subtotal",
    "sub-total",
    "all",
    "all persons",
    "all people",
    "all ages",
    "all nationalities",
    "all countries",
    "all areas",
    "all wards",
    "all languages",
    "overall",
    "total all",
}
# Values that mean the field was not recorded for those people.
UNKNOWN_CODES = {"UNKNOWN", "NOT-RECORDED"}
KEY_FIELDS = ("country-of-birth", "nationality", "immigration-status", "main-language")
# Dimensions with their own observation column; any other requested field goes into `other`.
DIMENSION_COLUMNS = {
    "country-of-birth": "country_of_birth",
    "nationality": "nationality",
    "immigration-status": "immigration_status",
    "main-language": "main_language",
    "age": "age_band",
    "gender": "gender",
    "ward": "geography_code",
}
OBSERVATION_COLUMNS = [
    "period_start",
    "period_end",
    "geography_code",
    "country_of_birth",
    "nationality",
    "nationality_group",
    "immigration_status",
    "main_language",
    "age_band",
    "gender",
    "other",
    "count",
    "suppressed",
]
# Categorical dimensions whose category lists are compared across agencies (the coverage report's
# "same categories across agencies" check); more distinct values than CATEGORY_LIMIT are not a code list.
CATEGORY_COLUMNS = ["nationality_group", "immigration_status", "main_language", "age_band", "gender"]
CATEGORY_LIMIT = 60
# Only this many problems of each type are kept in detail; the rest are counted.
DETAIL_LIMIT = 1000


@dataclass(frozen=True)
class Context:
    requested: list[str]  # canonical field codes asked for
    aliases: dict[str, list[str]]  # field code -> [display name, other headings]
    geography_level: str  # "" accepts any level
    aggregate_only: bool
    reference: codes.Reference


@dataclass
class Result:
    valid: bool
    quarantine: bool
    rows_read: int
    observations: pd.DataFrame
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # problems per type, including those not kept in detail
    completeness: dict[str, float] = field(default_factory=dict)
    sheet: str = ""

    @property
    def total(self) -> int:
        return (
            int(self.observations.loc[~self.observations["suppressed"], "count"].sum()) if len(self.observations) else 0
        )

    @property
    def categories(self) -> dict[str, list[str]]:
        """The distinct categories used in each categorical column, and which country columns
        were coded at country level."""
        out = {}
        for column in CATEGORY_COLUMNS:
            if column not in self.observations:
                continue
            values = sorted({str(v) for v in self.observations[column].dropna().unique() if str(v)})
            if values and len(values) <= CATEGORY_LIMIT:
                out[column] = values
        for column in ("country_of_birth", "nationality"):
            if column in self.observations and (self.observations[column].fillna("") != "").any():
                out[column] = ["country"]
        return out

    def report(self, with_observations: bool = False) -> dict:
        out = {
            "valid": self.valid,
            "quarantine": self.quarantine,
            "sheet": self.sheet,
            "rows_read": self.rows_read,
            "observations": len(self.observations),
            "total": self.total,
            "errors": [p.as_dict() for p in self.errors],
            "warnings": [p.as_dict() for p in self.warnings],
            "problem_counts": self.counts,
            "completeness": self.completeness,
            "categories": self.categories,
        }
        if with_observations:
            frame = self.observations.copy()
            for column in ("period_start", "period_end"):
                frame[column] = pd.to_datetime(frame[column]).dt.strftime("%Y-%m-%d")
            out["observations"] = frame.astype(object).where(frame.notna(), None).to_dict("records")
        return out


class _Problems:
    def __init__(self, sheet: str, row_numbers: pd.Series | None = None):
        self.sheet, self.errors, self.warnings, self.counts = sheet, [], [], {}
        self.row_numbers = row_numbers  # position -> spreadsheet row (rows repeat when periods were melted)

    def add(self, problem: Problem) -> None:
        self.counts[problem.type] = self.counts.get(problem.type, 0) + 1
        if self.counts[problem.type] <= DETAIL_LIMIT:
            (self.errors if problem.severity == ERROR else self.warnings).append(problem)

    def add_rows(self, mask: pd.Series, values: pd.Series, *, type: str, severity: str, column: str, message) -> None:
        """One problem per flagged row, built only for the rows kept in detail."""
        flagged = mask[mask].index
        if not len(flagged):
            return
        already = self.counts.get(type, 0)
        room = max(DETAIL_LIMIT - already, 0)
        for position in flagged[:room]:
            value = str(values.at[position])
            row = int(self.row_numbers.at[position]) if self.row_numbers is not None else int(position)
            problem = Problem(type, severity, message(value), sheet=self.sheet, row=row, column=column, value=value)
            (self.errors if severity == ERROR else self.warnings).append(problem)
        self.counts[type] = already + len(flagged)


def _refused(rows_read=0, sheet="", problems=None, quarantine=False) -> Result:
    """A result with nothing to store: the file could not be read, or has blocking errors."""
    problems = problems or []
    errors = [p for p in problems if p.severity == ERROR]
    counts = {}
    for p in problems:
        counts[p.type] = counts.get(p.type, 0) + 1
    return Result(
        False,
        quarantine,
        rows_read,
        pd.DataFrame(columns=OBSERVATION_COLUMNS),
        errors,
        [p for p in problems if p.severity == WARNING],
        counts,
        {},
        sheet,
    )


def run(data: bytes, filename: str, context: Context) -> Result:
    sheets, found = read.read_file(data, filename)
    if any(p.severity == ERROR for p in found):
        return _refused(problems=found)
    sheet, picked = read.pick_sheet(sheets)
    found += picked
    if sheet is None:
        return _refused(problems=found)
    table, located = headers.locate_table(sheet)
    if table is None:
        # A list of people has no figures under its headings, so no table is found; it must
        # still be caught as personal data rather than reported as unreadable.
        naive = _first_row_table(sheet)
        if (
            context.aggregate_only
            and naive is not None
            and personal.looks_record_level(naive.labels, naive.body, False)
        ):
            return _quarantine(naive, found)
        return _refused(sheet=sheet.name, problems=found + located)
    found += located
    table = _melt_period_columns(table, context)
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
        return _refused(len(body), table.sheet, found)
    return _clean(body, table, column_map, context, found)


def _stripped(values: pd.Series) -> pd.Series:
    positions, uniques = pd.factorize(values.astype(str))
    return pd.Series(
        pd.array([u.strip() for u in uniques], dtype=object).take(positions), index=values.index, dtype=object
    )


def _normalised(values: pd.Series) -> pd.Series:
    """codes.normalise once per distinct value: a million rows hold a few hundred distinct values."""
    return values.map({value: codes.normalise(value) for value in values.unique()})


def _first_row_table(sheet: read.RawSheet) -> headers.Table | None:
    cells = sheet.cells
    filled = cells[(cells != "").any(axis=1)]
    if len(filled) < 2:
        return None
    labels = [str(v).strip() for v in filled.iloc[0]]
    letters = [column_letter(i) for i in range(len(labels))]
    return headers.Table(sheet.name, [int(filled.index[0])], labels, letters, filled.iloc[1:], [])


def _quarantine(table: headers.Table, found: list[Problem], has_count: bool = False) -> Result:
    reasons = personal.record_level_signals(table.labels, table.body, has_count)
    return _refused(
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
                "nothing was stored, the file is held for the Data Protection Officer, and you should send counts instead.",
                sheet=table.sheet,
            )
        ],
        quarantine=True,
    )


def _melt_period_columns(table: headers.Table, context: Context) -> headers.Table:
    """Public tables often put periods across the columns ("2024 Q1", "2024 Q2", ...) with no count
    column. Such a table becomes one row per period, with the period from the heading."""
    keys = [mapping.label_key(label) for label in table.labels]
    known = {
        mapping.label_key(w) for code, words in context.aliases.items() for w in [code, *words]
    } | mapping.COUNT_ALIASES
    if any(key in mapping.COUNT_ALIASES for key in keys):
        return table
    candidates = [i for i, key in enumerate(keys) if key and key not in known]
    if len(candidates) < 2:
        return table
    spans = periods.parse_periods(pd.Series([table.labels[i] for i in candidates]))
    if spans["start"].isna().any():
        return table
    kept = [i for i in range(len(table.labels)) if i not in candidates]
    period_label = context.aliases.get("period", ["Period"])[0]
    parts = []
    for i in candidates:
        part = table.body[kept].copy()
        part.columns = range(len(kept))
        part[len(kept)] = table.labels[i]
        part[len(kept) + 1] = table.body[i]
        parts.append(part)
    body = pd.concat(parts)
    # The count's column differs per period; the report names the row and the period instead.
    letters = [table.letters[i] for i in kept] + ["", ""]
    return headers.Table(
        table.sheet,
        table.header_rows,
        [table.labels[i] for i in kept] + [period_label, "Count"],
        letters,
        body,
        table.notes,
    )


def _clean(
    body: pd.DataFrame, table: headers.Table, column_map: mapping.Mapping, context: Context, found: list[Problem]
) -> Result:
    problems = _Problems(table.sheet, pd.Series(body.index, index=range(len(body))))
    body = body.reset_index(drop=True)
    for p in found:
        problems.add(p)
    letters = table.letters
    dims = {code: _stripped(body[position]) for position, code in column_map.fields.items()}
    letter_of = {code: letters[position] for position, code in column_map.fields.items()}

    is_total = pd.Series(False, index=body.index)
    for values in dims.values():
        keys = _normalised(values)
        is_total |= keys.isin(TOTAL_LABELS) | keys.str.startswith("total ")
    first_dim = next(iter(dims.values()), pd.Series("", index=body.index))
    problems.add_rows(
        is_total,
        first_dim,
        type="total-row",
        severity=WARNING,
        column="",
        message=lambda v: f"'{v}' looks like a total; the row was left out so nothing is counted twice.",
    )

    raw_counts = body[column_map.count].astype(str)
    parsed = counts.parse_counts(raw_counts)
    count_letter = letters[column_map.count]
    live = ~is_total
    problems.add_rows(
        live & parsed["error"].isin(["not-a-number", "not-whole", "blank"]),
        raw_counts,
        type="type-error",
        severity=ERROR,
        column=count_letter,
        message=lambda v: (
            f"'{v}' is not a whole number of people. Write the count as a whole number, "
            "or a suppression marker such as 'c' if it cannot be shared."
        ),
    )
    problems.add_rows(
        live & (parsed["error"] == "negative"),
        raw_counts,
        type="constraint-error",
        severity=ERROR,
        column=count_letter,
        message=lambda v: f"'{v}' is negative; counts cannot be below zero.",
    )
    problems.add_rows(
        live & parsed["suppressed"],
        raw_counts,
        type="suppressed-cell",
        severity=WARNING,
        column=count_letter,
        message=lambda v: (
            f"'{v}' marks a suppressed count: it is kept as suppressed, never as 0. "
            "Send the true number: the council suppresses small numbers before publishing."
        ),
    )

    frame = pd.DataFrame(index=body.index)
    frame["count"] = parsed["count"]
    frame["suppressed"] = parsed["suppressed"].astype(bool)

    if "period" in dims:
        spans = periods.parse_periods(dims["period"])
        bad = live & spans["start"].isna() & (dims["period"] != "")
        problems.add_rows(
            bad,
            dims["period"],
            type="type-error",
            severity=ERROR,
            column=letter_of["period"],
            message=lambda v: (
                f"'{v}' is not a period the tracker understands. Use forms like '2024 Q1', "
                "'Apr-24', '2024/25' or a date."
            ),
        )
        frame["period_start"], frame["period_end"] = spans["start"], spans["end"]
    else:
        frame["period_start"] = frame["period_end"] = pd.NaT

    group_date = frame["period_start"].fillna(pd.Timestamp.today().normalize())
    for code, column in (("country-of-birth", "country_of_birth"), ("nationality", "nationality")):
        if code not in dims:
            frame[column] = pd.NA
            continue
        harmonised = codes.harmonise_countries(dims[code], context.reference)
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
        frame["nationality_group"] = codes.nationality_groups(frame["nationality"], group_date, context.reference)
    else:
        frame["nationality_group"] = pd.NA

    if "main-language" in dims:
        languages = codes.harmonise_languages(dims["main-language"], context.reference)
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

    if "ward" in dims:
        geography = codes.check_geography(dims["ward"], context.geography_level or "ward", context.reference)
        if not context.geography_level:
            # No level was asked for: any valid GSS code will do.
            geography.loc[geography["problem"] == "level", "problem"] = ""
        level_word = (context.geography_level or "area").replace("-", " ")
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

    for code, column in (("immigration-status", "immigration_status"), ("age", "age_band"), ("gender", "gender")):
        frame[column] = dims[code].replace("", pd.NA) if code in dims else pd.NA
    extra = [code for code in dims if code not in DIMENSION_COLUMNS and code != "period"]
    if extra:
        frame["other"] = (
            pd.DataFrame({code: dims[code] for code in extra}).to_json(orient="records", lines=True).splitlines()
        )
    else:
        frame["other"] = "{}"

    completeness = {}
    for code in KEY_FIELDS:
        if code not in dims:
            continue
        values = dims[code][live]
        known = values != ""
        if code in ("country-of-birth", "nationality"):
            known &= ~frame.loc[live, DIMENSION_COLUMNS[code]].isin(UNKNOWN_CODES).fillna(False)
        else:
            known &= ~_normalised(values).isin({"unknown", "not recorded", "not known", "not stated"})
        completeness[code] = round(float(known.mean()), 4) if len(values) else 0.0

    observations = frame.loc[live, OBSERVATION_COLUMNS].reset_index(drop=True)
    return Result(
        not problems.errors,
        False,
        len(body),
        observations,
        problems.errors,
        problems.warnings,
        problems.counts,
        completeness,
        table.sheet,
    )
