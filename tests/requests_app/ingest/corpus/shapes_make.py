"""Writes the shapes_*.xlsx files of the corpus (run it from anywhere; the files are committed).

Only the workbooks are made here: merged header cells cannot be written in a CSV.
"""

from pathlib import Path

import openpyxl

HERE = Path(__file__).parent


def lami_flows() -> openpyxl.Workbook:
    """ONS Local Area Migration Indicators, 'Migration Flows': three header rows, period over measure over flow."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Migration Flows"
    periods = ["Mid-2021 to Mid-2022", "Mid-2022 to Mid-2023"]
    top, middle, bottom = ["Area Code", "Area Name"], ["", ""], ["", ""]
    for period in periods:
        year = period[-4:]
        top += [period, "", "", "", ""]
        middle += [
            f"Mid-{year} Population Estimate",
            "Long-Term International Migration",
            "",
            "Internal Migration\n (within UK)",
            "",
        ]
        bottom += ["", "Inflow", "Outflow", "Inflow", "Outflow"]
    for row in (top, middle, bottom, []):
        sheet.append(row)
    for i in range(len(periods)):
        first = 3 + 5 * i
        sheet.merge_cells(start_row=1, start_column=first, end_row=1, end_column=first + 4)
        sheet.merge_cells(start_row=2, start_column=first + 1, end_row=2, end_column=first + 2)
        sheet.merge_cells(start_row=2, start_column=first + 3, end_row=2, end_column=first + 4)
    sheet.append(
        ["E06000099", "Teesmouth", 141250.0, 1320.0, 610.0, 4870.0, 5120.0, 141900.0, 1480.0, 590.0, 4760.0, 5010.0]
    )
    return book


def ltim_inflows_by_sex() -> openpyxl.Workbook:
    """One measure only: period over measure over sex, the measure merged over the sexes."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Table 3"
    sheet.append(["Long-term international immigration to Teesmouth, by sex, years ending June"])
    sheet.append([])
    sheet.append(["Area code", "Area name", "YE Jun 2023", "", "", "YE Jun 2024", "", ""])
    sheet.append(["", "", "Long-term immigration", "", "", "Long-term immigration", "", ""])
    sheet.append(["", "", "Males", "Females", "Persons", "Males", "Females", "Persons"])
    sheet.append(["E06000099", "Teesmouth", 710, 640, 1350, 820, 700, 1520])
    sheet.append([])
    sheet.append(["Source: ONS, experimental estimates."])
    for first in (3, 6):
        sheet.merge_cells(start_row=3, start_column=first, end_row=3, end_column=first + 2)
        sheet.merge_cells(start_row=4, start_column=first, end_row=4, end_column=first + 2)
    return book


def college_gender() -> openpyxl.Workbook:
    """A college's enrolment monitoring: a merged "Gender" over Male / Female / Other, and a Total."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Enrolments"
    sheet.append(["Teesmouth College: ESOL and other enrolments by level, 2024/25"])
    sheet.append(["Course level", "Gender", None, None, "Total"])
    sheet.append([None, "Male", "Female", "Other", None])
    rows = [
        ["ESOL Entry 1", 34, 51, 1, 86],
        ["ESOL Entry 2", 28, 40, 0, 68],
        ["ESOL Entry 3", 19, 33, 2, 54],
        ["Level 1", 45, 39, 1, 85],
    ]
    for row in rows:
        sheet.append(row)
    sheet.merge_cells("B2:D2")
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("E2:E3")
    return book


if __name__ == "__main__":
    for name, make in {
        "shapes_ons_lami_migration_flows.xlsx": lami_flows,
        "shapes_ons_immigration_by_sex_three_header_rows.xlsx": ltim_inflows_by_sex,
        "shapes_college_enrolments_merged_gender_heading.xlsx": college_gender,
    }.items():
        make().save(HERE / name)
