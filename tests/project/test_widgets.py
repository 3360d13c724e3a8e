import datetime

from project.lib.widgets import DateInput


def test_a_date_input_renders_the_only_format_the_browser_accepts():
    html = DateInput().render("on", datetime.date(2026, 11, 1))
    assert 'type="date"' in html and 'value="2026-11-01"' in html
