"""load_public_table SOURCE FILE [--area SLUG] [--dry-run] [--json]."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from releases.models import PublicRelease

FIXTURES = Path(__file__).parent / "fixtures"
MYE = str(FIXTURES / "ons_mid_year_estimates.csv")


def run(*args, capsys):
    code = 0
    try:
        call_command("load_public_table", *args)
    except SystemExit as exc:
        code = exc.code
    return code, capsys.readouterr().out


def test_it_stores_the_table_and_prints_the_check_return_report_as_json(area, capsys):
    code, out = run("mid-year-population-estimates", MYE, "--area", area.slug, "--json", capsys=capsys)
    report = json.loads(out)
    assert code == 0 and report["valid"] and report["stock_totals"] == {"2023-06-30": 143100}
    for key in ("rows_read", "observations", "total", "errors", "warnings", "completeness"):
        assert key in report
    assert report["publication"]["unit"] == "persons"
    assert PublicRelease.objects.get().edition == "ons_mid_year_estimates"


def test_a_dry_run_stores_nothing_and_succeeds_when_it_would_store(area, capsys):
    code, out = run("mid-year-population-estimates", MYE, "--dry-run", capsys=capsys)
    assert code == 0 and "WOULD STORE: 2 counts" in out
    assert not PublicRelease.objects.exists()


def test_it_exits_1_when_nothing_is_stored(area, tmp_path, capsys):
    empty = tmp_path / "totals.csv"
    empty.write_text("ward,Total\nNorthgate,Total\n")
    code, out = run("census-2021", str(empty), "--json", capsys=capsys)
    assert code == 1 and json.loads(out)["valid"] is False
    assert not PublicRelease.objects.exists()


def test_an_unknown_source_or_area_is_an_error(area):
    with pytest.raises(CommandError, match="No catalogue source"):
        call_command("load_public_table", "no-such-source", MYE)
    with pytest.raises(CommandError, match="No area"):
        call_command("load_public_table", "census-2021", MYE, "--area", "nowhere")
