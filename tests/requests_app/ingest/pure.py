"""The pipeline with a hand-built Context, no database: for tests that make many small tables."""

import json

from requests_app.ingest import codes, validate

FIELDS = {
    "nationality": ["Nationality", "nationality group"],
    "main-language": ["Main language", "first language"],
    "ward": ["Ward or small area", "ward code", "geography code"],
    "period": ["Period", "quarter", "date", "month"],
    "age": ["Age or age band", "age band", "age"],
    "gender": ["Gender", "sex"],
    "ethnicity": ["Ethnicity", "ethnic group"],
}
REFERENCE = codes.Reference(
    country_aliases={
        "polish": "PL",
        "romanian": "RO",
        "syrian": "SY",
        "eritrean": "ER",
        "british": "GB",
        "not recorded": "NOT-RECORDED",
        "unknown": "UNKNOWN",
    },
    group_members=[],
    residual_group="NON-EU",
    language_aliases={"polish": "pol", "arabic": "ara", "english": "eng", "tigrinya": "tir", "not": "not"},
    gss_levels={"E05": "ward", "E01": "lsoa", "E02": "msoa"},
)


def run(text: str, requested: list[str], level: str = "ward", aggregate_only: bool = True) -> tuple:
    context = validate.Context(
        requested=requested, aliases=FIELDS, geography_level=level, aggregate_only=aggregate_only, reference=REFERENCE
    )
    result = validate.run(text.encode(), "return.csv", context)
    report = result.report(with_observations=True)
    json.dumps(report)  # the command line prints it
    return result, report


def types(report: dict, severity: str) -> set[str]:
    return {p["type"] for p in report[severity]}


def messages(report: dict, kind: str) -> list[str]:
    return [p["message"] for p in [*report["errors"], *report["warnings"]] if p["type"] == kind]
