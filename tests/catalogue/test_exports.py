import csv
import io
import json

import pytest
from django.core.management import call_command

from catalogue.models import Source

pytestmark = pytest.mark.django_db


def run(fmt):
    out = io.StringIO()
    call_command("export_catalogue", "--format", fmt, stdout=out)
    return out.getvalue()


def test_json_export_has_every_source_with_dcat_names_and_the_stage():
    data = json.loads(run("json"))
    datasets = data["dataset"]
    assert {d["identifier"] for d in datasets} == set(Source.objects.values_list("slug", flat=True))
    census = next(d for d in datasets if d["identifier"] == "census-2011")
    for key in (
        "title",
        "description",
        "publisher",
        "accrualPeriodicity",
        "spatial",
        "theme",
        "landingPage",
        "keyword",
    ):
        assert key in census
    assert census["stage"] == "public"
    assert census["accrualPeriodicity"].endswith("/DECENNIAL")
    assert census["landingPage"].startswith("https://www.nomisweb.co.uk")
    assert all("stage" in d and "caveats" in d for d in datasets)
    assert data["@context"]["title"] == "dct:title"


def test_csv_export_has_every_source():
    rows = list(csv.DictReader(io.StringIO(run("csv"))))
    assert len(rows) == Source.objects.count() == 78
    assert {r["identifier"] for r in rows} == set(Source.objects.values_list("slug", flat=True))
    nino = next(r for r in rows if r["identifier"] == "nino-registrations")
    assert "Nationality" in nino["fields_carried"]
    assert nino["caveats"]


def test_csv_export_neutralises_text_that_a_spreadsheet_would_run():
    Source.objects.filter(slug="census-2011").update(summary='=HYPERLINK("http://evil")')
    rows = list(csv.DictReader(io.StringIO(run("csv"))))
    census = next(r for r in rows if r["identifier"] == "census-2011")
    assert census["description"].startswith("'=")
