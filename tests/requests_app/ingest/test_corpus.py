"""Every file of the corpus is judged as its meaning says (see corpus/README.md)."""

from pathlib import Path

import pandas as pd
import pytest
import yaml

from requests_app.ingest import validate
from requests_app.services.processing import ingest_context_for

CORPUS = Path(__file__).parent / "corpus"
AREA = yaml.safe_load((CORPUS / "area.yaml").read_text())
CASES = sorted(path for path in CORPUS.glob("*.yaml") if path.name != "area.yaml")
EXPECTATIONS = {
    "valid",
    "quarantine",
    "observations",
    "total",
    "periods",
    "errors",
    "warnings",
    "says",
    "sums",
    "values",
    "stock",
    "stock_totals",
    "completeness",
}


def area_codes() -> frozenset[str]:
    return frozenset([AREA["local_authority"], *AREA["wards"], *AREA["msoas"], *AREA["lsoas"]])


def council() -> dict:
    """The council as the upload's context knows it: its codes, region, name and lookup years."""
    return {
        "area_codes": area_codes(),
        "local_authority": AREA["local_authority"],
        "region": AREA["region"],
        "area_name": AREA["name"],
        "vintages": AREA["vintages"],
    }


def read(case: dict) -> validate.Result:
    asked = case.get("request", {})
    context = ingest_context_for(
        requested=asked.get("fields", []),
        geography_level=asked.get("geography_level", ""),
        aggregate_only=asked.get("aggregate_only", True),
        stock=asked.get("measure") == "stock",
        **(council() if asked.get("area", True) else {}),
    )
    return validate.run((CORPUS / case["file"]).read_bytes(), case["file"], context)


def spans(observations: pd.DataFrame) -> list[str]:
    found = observations[["period_start", "period_end"]].drop_duplicates().dropna()
    return sorted(f"{start:%Y-%m-%d}/{end:%Y-%m-%d}" for start, end in found.itertuples(index=False))


def sliced(observations: pd.DataFrame, where: dict) -> int:
    rows = observations[~observations["suppressed"]]
    for column, value in where.items():
        rows = rows[rows[column].astype(str) == str(value)]
    return int(rows["count"].sum())


def test_the_corpus_holds_forty_files_shaped_like_real_ones():
    assert len(CASES) >= 40, f"{len(CASES)} files"


@pytest.mark.parametrize("path", CASES, ids=lambda path: path.stem)
def test_the_file_is_judged_as_its_meaning_says(db, path):
    case = yaml.safe_load(path.read_text())
    expect = case["expect"]
    assert set(expect) <= EXPECTATIONS, f"unknown expectations: {set(expect) - EXPECTATIONS}"
    result = read(case)
    report = result.report()
    problems = [*report["errors"], *report["warnings"]]
    seen = f"errors: {[(p['type'], p['message']) for p in report['errors']]}"

    assert all(p["message"].strip() for p in problems), "every problem explains itself"
    if "valid" in expect:
        assert report["valid"] is expect["valid"], seen
    if not report["valid"]:
        assert report["errors"], "a refused file says why"
    if "quarantine" in expect:
        assert report["quarantine"] is expect["quarantine"], seen
    if "observations" in expect:
        assert report["observations"] == expect["observations"], seen
    if "total" in expect:
        assert report["total"] == expect["total"], seen
    if "stock_totals" in expect:
        assert report["stock_totals"] == {str(day): n for day, n in expect["stock_totals"].items()}, report
    if "periods" in expect:
        assert spans(result.observations) == sorted(expect["periods"])
    if "errors" in expect:
        assert {p["type"] for p in report["errors"]} == set(expect["errors"]), seen
    if "warnings" in expect:
        assert set(expect["warnings"]) <= {p["type"] for p in report["warnings"]}, report["warnings"]
    for words in expect.get("says", []):
        assert any(words.lower() in p["message"].lower() for p in problems), f"no message says {words!r}: {problems}"
    for part in expect.get("sums", []):
        assert sliced(result.observations, part["where"]) == part["total"], part
    if "stock" in expect:
        stored = set(result.observations["point_in_time"].astype(bool))
        assert stored == {expect["stock"]}, f"point_in_time stored as {stored}"
    for code, share in expect.get("completeness", {}).items():
        assert report["completeness"].get(code) == pytest.approx(share, abs=1e-4), report["completeness"]
    for column, values in expect.get("values", {}).items():
        stored = result.observations[column].dropna().astype(str).unique()
        assert sorted(stored) == sorted(str(v) for v in values), column
