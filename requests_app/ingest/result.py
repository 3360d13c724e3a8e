"""What the pipeline hands back for one file: the observations it would store and the validation report."""

from dataclasses import dataclass, field

import pandas as pd

from requests_app.ingest.problems import ERROR, WARNING, Problem

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
    "point_in_time",
]
# Categorical dimensions whose category lists are compared across agencies (the coverage report's
# "same categories across agencies" check); more distinct values than CATEGORY_LIMIT are not a code list.
CATEGORY_COLUMNS = ["nationality_group", "immigration_status", "main_language", "age_band", "gender"]
CATEGORY_LIMIT = 60


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
        """Flows add up over their periods; a stock (people counted on a day) is given at its latest
        date only, since adding its counts on several dates would count the same people again."""
        return _total(*self._sums())

    @property
    def stock_totals(self) -> dict[str, int]:
        """The stock's total on each date it was counted (its period's last day), oldest first."""
        return self._sums()[1]

    def _sums(self) -> tuple[int, dict[str, int]]:
        """The flows' sum, and the stock's total on each date."""
        if not len(self.observations):
            return 0, {}
        kept = self.observations[~self.observations["suppressed"].astype(bool)]
        at_a_point = kept["point_in_time"].astype(bool)
        flows = int(kept.loc[~at_a_point, "count"].sum())
        stock = kept[at_a_point]
        if stock.empty:
            return flows, {}
        days = pd.to_datetime(stock["period_end"].fillna(stock["period_start"]))
        sums = stock["count"].fillna(0).astype("int64").groupby(days.to_numpy(), dropna=False).sum()
        return flows, {"" if pd.isna(day) else f"{day:%Y-%m-%d}": int(n) for day, n in sums.sort_index().items()}

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
        flows, by_date = self._sums()
        out = {
            "valid": self.valid,
            "quarantine": self.quarantine,
            "sheet": self.sheet,
            "rows_read": self.rows_read,
            "observations": len(self.observations),
            "total": _total(flows, by_date),
            "stock_totals": by_date,
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


def _total(flows: int, by_date: dict[str, int]) -> int:
    return flows + (by_date[max(by_date)] if by_date else 0)


def refused(rows_read=0, sheet="", problems=None, quarantine=False) -> Result:
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


def combined(parts: list[Result]) -> Result:
    """Tables read one by one (the same columns for different periods or areas) as one result:
    stored only if every one of them can be."""
    if len(parts) == 1:
        return parts[0]
    valid = all(part.valid for part in parts)
    counts: dict[str, int] = {}
    for part in parts:
        for key, number in part.counts.items():
            counts[key] = counts.get(key, 0) + number
    rows = sum(len(part.observations) for part in parts)
    completeness = (
        {
            key: round(sum(part.completeness.get(key, 0.0) * len(part.observations) for part in parts) / rows, 4)
            for key in parts[0].completeness
        }
        if valid and rows
        else {}
    )
    return Result(
        valid,
        any(part.quarantine for part in parts),
        sum(part.rows_read for part in parts),
        pd.concat([part.observations for part in parts], ignore_index=True)
        if valid
        else pd.DataFrame(columns=OBSERVATION_COLUMNS),
        [problem for part in parts for problem in part.errors],
        [problem for part in parts for problem in part.warnings],
        counts,
        completeness,
        ", ".join(dict.fromkeys(part.sheet for part in parts)),
    )
