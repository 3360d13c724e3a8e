import io

import pytest
from openpyxl import load_workbook

from requests_app.collection_template import INSTRUCTIONS_SHEET, build_xlsx
from requests_app.selectors.template import template_spec

pytestmark = pytest.mark.django_db


def columns(spec):
    return {c.header: c.note for c in spec.columns}


def test_a_field_description_is_given_whole_not_cut_mid_word(make_request, agency_a):
    spec = template_spec(make_request(agency_a, fields=("country-of-birth", "period")))
    sheet = load_workbook(io.BytesIO(build_xlsx(spec)))[INSTRUCTIONS_SHEET]
    line = next(c.value for c in sheet["A"] if c.value and c.value.startswith("Country of birth:"))
    assert len(line) > 140 and line.endswith("whatever their later citizenship.")


def test_a_monthly_request_says_it_counts_by_month_and_gives_months_as_examples(make_request, agency_a):
    spec = template_spec(make_request(agency_a, granularity="month"))
    assert any(line.endswith("counted by month.") for line in spec.instructions)
    assert not any("monthly period" in line for line in spec.instructions)
    period = columns(spec)["Period"]
    assert "2025-04" in period and "Q1" not in period and "quarter" not in period


def test_a_quarterly_request_gives_its_own_quarters_as_examples(make_request, agency_a):
    spec = template_spec(make_request(agency_a, granularity="quarter"))
    assert any(line.endswith("counted by quarter.") for line in spec.instructions)
    assert "2025 Q2" in columns(spec)["Period"]
