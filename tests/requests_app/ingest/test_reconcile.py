"""A stated total is checked against the rows it totals; a gap the file cannot explain blocks it."""

from tests.requests_app.ingest.pure import messages, run, types

FIELDS = ["ward", "nationality", "period"]


def table(rows: list[str], notes: list[str] = (), total: str = "") -> str:
    lines = [*notes, *([""] if notes else []), "Ward code,Nationality,Quarter,Count", *rows]
    return "\n".join(lines + ([total] if total else [])) + "\n"


ROWS = [
    "E05009901,Polish,2025 Q1,15",
    "E05009901,Romanian,2025 Q1,10",
    "E05009902,Polish,2025 Q1,5",
    "E05009902,Syrian,2025 Q1,20",
]  # 50


def test_a_total_that_agrees_is_reported_as_checked():
    _, report = run(table(ROWS, total="Total,,2025 Q1,50"), FIELDS)
    assert report["valid"] and report["total"] == 50
    [checked] = messages(report, "total-checked")
    assert "50" in checked and "agrees" in checked


def test_a_total_that_disagrees_blocks_the_file_naming_the_rows_the_stated_and_the_summed_figure():
    _, report = run(table(ROWS, total="Total,,2025 Q1,62"), FIELDS)
    assert not report["valid"] and types(report, "errors") == {"total-mismatch"}
    [wrong] = messages(report, "total-mismatch")
    assert "says 62" in wrong and "add up to 50" in wrong and "rows 2 to 5" in wrong
    assert report["errors"][0]["row"] == 6 and report["errors"][0]["column"] == "D"


def test_a_gap_within_the_declared_rounding_is_checked_and_beyond_it_blocks():
    notes = ["Figures are rounded to the nearest 5"]
    # 4 parts and the total, each up to 2.5 out: at most 12.5 apart.
    _, report = run(table(ROWS, notes, "Total,,2025 Q1,60"), FIELDS)
    assert report["valid"] and any("rounded to multiples of 5" in m for m in messages(report, "total-checked"))
    _, report = run(table(ROWS, notes, "Total,,2025 Q1,65"), FIELDS)
    assert not report["valid"] and "at most 12" in messages(report, "total-mismatch")[0]


def test_declared_noise_allows_a_small_gap_but_not_a_breakdown_read_twice():
    notes = ["Statistical disclosure control has been applied. Totals may not equal the sum of components."]
    _, report = run(table(ROWS, notes, "Total,,2025 Q1,53"), FIELDS)
    assert report["valid"]
    _, report = run(table(ROWS, notes, "Total,,2025 Q1,25"), FIELDS)
    assert not report["valid"] and "total-mismatch" in types(report, "errors")


def test_suppressed_cells_explain_a_gap_only_up_to_what_they_can_hold():
    rows = [*ROWS, "E05009903,Polish,2025 Q1,<5", "E05009903,Syrian,2025 Q1,<5"]
    _, report = run(table(rows, total="Total,,2025 Q1,58"), FIELDS)
    assert report["valid"] and "between 0 and 8" in messages(report, "total-checked")[0]
    _, report = run(table(rows, total="Total,,2025 Q1,59"), FIELDS)
    assert not report["valid"]
    _, report = run(table(rows, total="Total,,2025 Q1,49"), FIELDS)
    assert not report["valid"], "hidden cells cannot make the known ones smaller"


def test_an_unbounded_marker_explains_any_shortfall_but_never_a_total_below_the_rows():
    rows = [*ROWS, "E05009903,Polish,2025 Q1,c"]
    _, report = run(table(rows, total="Total,,2025 Q1,75"), FIELDS)
    assert report["valid"] and "can be in the 1 suppressed cell" in messages(report, "total-checked")[0]
    _, report = run(table(rows, total="Total,,2025 Q1,40"), FIELDS)
    assert not report["valid"]


def test_a_total_covers_only_the_rows_that_agree_with_it_on_what_it_names():
    rows = [*ROWS[:2], "E05009901,Total,2025 Q1,25", *ROWS[2:], "E05009902,Total,2025 Q1,25"]
    _, report = run(table(rows, total="Total,,2025 Q1,50"), FIELDS)
    assert report["valid"] and len(messages(report, "total-checked")) == 3
    rows[2] = "E05009901,Total,2025 Q1,26"
    _, report = run(table(rows, total="Total,,2025 Q1,50"), FIELDS)
    assert not report["valid"] and "rows 2 and 3" in messages(report, "total-mismatch")[0]


def test_a_total_under_each_block_with_nothing_to_name_its_block_is_checked_against_the_rows_above_it():
    rows = [*ROWS[:2], "Total,,2025 Q1,25", *ROWS[2:], "Total,,2025 Q1,25"]
    _, report = run(table(rows), FIELDS)
    assert report["valid"] and all("directly above it" in m for m in messages(report, "total-checked"))


def test_a_named_subtotal_covers_the_rows_its_name_picks_out():
    text = (
        "Neighbourhood,Ward code,Nationality,Quarter,Count\n"
        "Northgate NPT,E05009901,Polish,2025 Q1,15\n"
        "Northgate NPT,E05009901,Romanian,2025 Q1,10\n"
        "Southbank NPT,E05009902,Polish,2025 Q1,5\n"
        "Northgate NPT Total,,,,25\n"
        "Southbank NPT Total,,,,5\n"
    )
    _, report = run(text, FIELDS)
    assert report["valid"] and len(messages(report, "total-checked")) == 2


def test_a_total_with_no_rows_of_its_own_in_the_file_is_not_judged():
    rows = [*ROWS, "Total,,2024 Q4,61"]
    _, report = run(table(rows), FIELDS)
    assert report["valid"] and report["total"] == 50 and not messages(report, "total-checked")


def test_a_suppressed_total_is_left_out_and_not_judged():
    _, report = run(table(ROWS, total="Total,,2025 Q1,c"), FIELDS)
    assert report["valid"] and report["total"] == 50 and not messages(report, "total-checked")


def test_totals_of_periods_spread_across_the_columns_are_checked_period_by_period():
    text = "Main language,2024 Q1,2024 Q2\nArabic,12,15\nTigrinya,20,18\nTotal,32,34\n"
    _, report = run(text, ["main-language", "period"], level="")
    assert not report["valid"] and len(messages(report, "total-checked")) == 1
    assert "says 34" in messages(report, "total-mismatch")[0]
