import copy
import datetime
import json

import pytest
from django.core.management import call_command

from catalogue.dcat import catalogue_jsonld
from catalogue.models import Source
from catalogue.selectors import sources_with_details
from tests.catalogue.dcat_shape import assert_valid_dcat3

BASE = "https://tracker.example/catalogue/"


@pytest.fixture
def exported(db, capsys):
    call_command("export_catalogue", "--format", "jsonld")
    return json.loads(capsys.readouterr().out)


def test_the_command_writes_the_whole_catalogue_as_valid_dcat3(exported):
    assert_valid_dcat3(exported)
    identifiers = {n["dct:identifier"] for n in exported["dcat:dataset"]}
    assert identifiers == set(Source.objects.values_list("slug", flat=True))


def test_a_regular_release_is_a_series_with_its_latest_release_in_it(exported):
    annual = Source.objects.filter(frequency="annual").first()
    nodes = [n for n in exported["dcat:dataset"] if n["dct:identifier"] == annual.slug]
    assert sorted(n["@type"] for n in nodes) == ["dcat:Dataset", "dcat:DatasetSeries"]
    series = next(n for n in nodes if n["@type"] == "dcat:DatasetSeries")
    release = next(n for n in nodes if n["@type"] == "dcat:Dataset")
    assert release["dcat:inSeries"] == {"@id": series["@id"]}
    assert series["dct:accrualPeriodicity"]["@id"].endswith("/ANNUAL")


def test_a_one_off_source_is_a_single_dataset(db):
    source = Source.objects.first()
    Source.objects.filter(pk=source.pk).update(frequency="one-off")
    [node] = catalogue_jsonld(sources_with_details(Source.objects.filter(pk=source.pk)), base=BASE)["dcat:dataset"]
    assert node["@type"] == "dcat:Dataset" and "dcat:inSeries" not in node


def test_the_temporal_coverage_given_is_a_period_of_time(db):
    source = Source.objects.order_by("pk").first()
    period = (datetime.date(2025, 4, 1), datetime.date(2026, 3, 31))
    out = catalogue_jsonld(
        sources_with_details(Source.objects.filter(pk=source.pk)), base=BASE, temporal={source.pk: period}
    )
    assert_valid_dcat3(out)
    assert {n["dct:temporal"]["dcat:startDate"] for n in out["dcat:dataset"]} == {"2025-04-01"}


@pytest.mark.parametrize(
    ("path", "value"),
    [("dct:publisher", "ONS"), ("dcat:theme", None), ("dct:accrualPeriodicity", {"@id": "annual"})],
)
def test_the_schema_refuses_a_dataset_without_what_the_model_asks(exported, path, value):
    """The schema can fail: a publisher as plain text, a missing theme, a frequency outside the vocabulary."""
    broken = copy.deepcopy(exported)
    node = broken["dcat:dataset"][0]
    if value is None:
        del node[path]
    else:
        node[path] = value
    with pytest.raises(AssertionError):
        assert_valid_dcat3(broken)


def test_a_release_pointing_at_no_series_is_refused(exported):
    broken = copy.deepcopy(exported)
    broken["dcat:dataset"] = [n for n in broken["dcat:dataset"] if n["@type"] != "dcat:DatasetSeries"]
    assert any("dcat:inSeries" in n for n in broken["dcat:dataset"])
    with pytest.raises(AssertionError):
        assert_valid_dcat3(broken)
