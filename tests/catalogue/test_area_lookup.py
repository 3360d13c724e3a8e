import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from catalogue.models import AreaCode

pytestmark = pytest.mark.django_db

LOOKUP = (
    "LSOA21CD,LSOA21NM,WD24CD,WD24NM,LAD24CD,LAD24NM\n"
    "E01000001,Testborough 001A,E05000101,Central,E06000099,Testborough\n"
    "E01000002,Testborough 001B,E05000101,Central,E06000099,Testborough\n"
    "E01000003,Testborough 002A,E05000102,Riverside,E06000099,Testborough\n"
    "E01009999,Elsewhere 001A,E05009999,Elsewhere,E06000001,Elsewhere\n"
)


def load(tmp_path, text, *args):
    path = tmp_path / "lookup.csv"
    path.write_text(text, encoding="utf-8-sig")
    out = io.StringIO()
    call_command("load_area_lookup", str(path), *args, stdout=out)
    return out.getvalue()


def test_the_lookup_loads_only_the_areas_own_wards_and_lsoas(tmp_path, area):
    out = load(tmp_path, LOOKUP, "--area", area.slug)
    assert "3 lsoa, 2 ward" in out
    assert set(AreaCode.objects.filter(area=area).values_list("code", flat=True)) == {
        "E01000001",
        "E01000002",
        "E01000003",
        "E05000101",
        "E05000102",
    }
    assert AreaCode.objects.get(code="E05000102").name == "Riverside"


def test_loading_again_replaces_rather_than_adds(tmp_path, area):
    load(tmp_path, LOOKUP)
    load(tmp_path, LOOKUP)
    assert AreaCode.objects.filter(area=area).count() == 5


def test_a_lookup_without_the_area_says_so_and_keeps_what_was_loaded(tmp_path, area):
    load(tmp_path, LOOKUP)
    with pytest.raises(CommandError, match="No row of the lookup belongs to Testborough"):
        load(tmp_path, LOOKUP.replace("E06000099", "E06000098"))
    with pytest.raises(CommandError, match="no local authority code column"):
        load(tmp_path, "WD24CD,WD24NM\nE05000101,Central\n")
    assert AreaCode.objects.filter(area=area).count() == 5


def test_each_code_keeps_the_year_of_its_boundaries_and_a_region_column_gives_the_area_its_region(tmp_path, area):
    header, *rows = LOOKUP.splitlines()
    load(tmp_path, "\n".join([header + ",RGN24CD", *(row + ",E12000001" for row in rows)]) + "\n")
    assert dict(AreaCode.objects.filter(area=area).values_list("code", "vintage"))["E05000101"] == 2024
    assert AreaCode.objects.get(code="E01000001").vintage == 2021
    area.refresh_from_db()
    assert area.region_code == "E12000001"
