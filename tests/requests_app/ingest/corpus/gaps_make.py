"""Writes the corpus's gaps_*.xlsx files (run it from the repository root:
`.venv/bin/python tests/requests_app/ingest/corpus/gaps_make.py`). What each file means is in its
.yaml; the layouts follow the agencies' own workbooks."""

from pathlib import Path

import openpyxl

HERE = Path(__file__).parent


def save(name: str, sheets: dict[str, dict[int, list]]) -> None:
    """Each sheet as {row number: cells from column A}, so that tables can start on any row."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for number, cells in rows.items():
            for column, value in enumerate(cells, start=1):
                if value is not None:
                    sheet.cell(number, column, value)
    book.save(HERE / name)


save(
    "gaps_college_notes_sheet_first_then_data_and_chart.xlsx",
    {
        "Notes": {
            1: ["Teesmouth College: learners by country of birth, 2024/25"],
            3: ["This workbook is the college's return to the council's migration data request."],
            4: ["Counts are of learners enrolled on 1 December 2024, by age on 31 August 2024."],
            5: ["Learners who did not give a country of birth are shown as Not known."],
        },
        "Data": {
            1: ["Academic year", "Country of birth", "Age band", "Learners"],
            2: ["2024/25", "Poland", "16-18", 22],
            3: ["2024/25", "Poland", "19+", 41],
            4: ["2024/25", "Romania", "16-18", 15],
            5: ["2024/25", "Romania", "19+", 30],
            6: ["2024/25", "Syria", "16-18", 7],
            7: ["2024/25", "Not known", "19+", 5],
        },
        "Chart": {1: ["Learners by country of birth"], 2: ["Poland", 63], 3: ["Romania", 45], 4: ["Syria", 7]},
    },
)

save(
    "gaps_charity_side_by_side_tables_headers_on_different_rows.xlsx",
    {
        "Summary": {
            1: ["Clients by nationality, 2024 Q1"],
            2: ["Nationality", "Clients"],
            3: ["Polish", 31, None, "Clients by ward, 2024 Q1"],
            4: ["Romanian", 22, None, "Ward code", "Clients"],
            5: ["Syrian", 9, None, "E05009901", 20],
            6: ["Eritrean", 6, None, "E05009902", 18],
            7: [None, None, None, "E05009903", 16],
            8: [None, None, None, "E05009904", 14],
        }
    },
)

quarters = {"Q1 2024-25": (18, 11, 4), "Q2 2024-25": (21, 9, 6), "Q3 2024-25": (17, 12, 5), "Q4 2024-25": (20, 10, 7)}
sheets = {}
for name, (polish, syrian, eritrean) in quarters.items():
    sheets[name] = {
        1: ["Nationality", "New clients"],
        2: ["Polish", polish],
        3: ["Syrian", syrian],
        4: ["Eritrean", eritrean],
    }
sheets["Year to date 2024-25"] = {
    1: ["Nationality", "New clients"],
    2: ["Polish", sum(q[0] for q in quarters.values())],
    3: ["Syrian", sum(q[1] for q in quarters.values())],
    4: ["Eritrean", sum(q[2] for q in quarters.values())],
}
save("gaps_charity_quarter_sheets_and_a_year_to_date_sheet.xlsx", sheets)
