import datetime

from reports.forms import MonthInput


def test_a_month_box_writes_its_date_as_year_and_month():
    assert 'value="2025-04"' in MonthInput().render("since", datetime.date(2025, 4, 1))
