import pytest
import yaml
from django.core.management import call_command

from catalogue.loading.codes import normalise_alias
from catalogue.loading.seed import DATA_DIR, CatalogueDataError
from catalogue.models import (
    Country,
    CountryAlias,
    Definition,
    GssPrefix,
    Language,
    NationalityGroup,
    NationalityGroupMember,
    Source,
    SourceField,
)
from catalogue.services import catalogue_load

pytestmark = pytest.mark.django_db

# Counted by hand in the toolkit: Appendix 1 has 23 rows in its main table and 9 in "other
# public statistical data sources"; Appendix 2 has 27 rows; Appendix 3 has 15. The ONS LTIM
# estimates come from the methodology document; "current" sources were published since the toolkit.
ROWS_PER_APPENDIX = {"current": 3, "A1": 23, "A1-other": 9, "LTIM": 1, "A2": 27, "A3": 15}
SOURCES_PER_STAGE = {"public": 36, "local": 27, "qualitative": 15}


def counts(field):
    return {
        value: Source.objects.filter(**{field: value}).count()
        for value in Source.objects.values_list(field, flat=True).distinct()
    }


def test_the_catalogue_has_one_source_per_appendix_row():
    assert counts("appendix") == ROWS_PER_APPENDIX
    for appendix, rows in ROWS_PER_APPENDIX.items():
        numbers = sorted(Source.objects.filter(appendix=appendix).values_list("appendix_row", flat=True))
        assert numbers == list(range(1, rows + 1))


def test_the_catalogue_has_the_counted_sources_per_stage():
    assert counts("stage") == SOURCES_PER_STAGE


def test_every_source_has_stage_theme_frequency_and_a_geography_level():
    for source in Source.objects.prefetch_related("geography_levels"):
        assert source.stage and source.theme_id and source.frequency, source.slug
        assert source.geography_levels.exists(), source.slug
        assert source.summary.strip(), source.slug


def test_every_local_source_says_what_it_holds_of_each_key_field():
    for source in Source.objects.filter(stage=Source.Stage.LOCAL):
        keys = set(source.source_fields.filter(field__kind="key").values_list("field__code", flat=True))
        assert keys == {"country-of-birth", "nationality", "immigration-status", "main-language"}, source.slug


def test_the_ltim_estimates_follow_the_ons_methodology():
    ltim = Source.objects.get(appendix="LTIM")
    assert ltim.release_months == [5, 11]
    assert ltim.migrant_definitions.filter(code="un-long-term").exists()
    assert ltim.measure == Source.Measure.FLOW
    text = (ltim.summary + ltim.caveats).lower()
    assert "thousand" in text and "provisional" in text


def test_loading_twice_changes_nothing():
    before = {s.slug: (s.seed_fingerprint, s.updated_at) for s in Source.objects.all()}
    tables = [Source, SourceField, Definition, Country, CountryAlias, Language, GssPrefix, NationalityGroupMember]
    sizes = {model: model.objects.count() for model in tables}

    report = catalogue_load()

    assert not report.created and not report.updated and not report.kept
    assert {s.slug: (s.seed_fingerprint, s.updated_at) for s in Source.objects.all()} == before
    assert {model: model.objects.count() for model in tables} == sizes


def test_loading_keeps_a_source_a_user_edited():
    source = Source.objects.get(slug="census-2011")
    source.caveats = "Our own caveat, written after a workshop."
    source.save()
    source.geography_levels.remove(*source.geography_levels.filter(code="ward"))

    report = catalogue_load()

    source.refresh_from_db()
    assert source.caveats == "Our own caveat, written after a workshop."
    assert not source.geography_levels.filter(code="ward").exists()
    assert report.kept["sources"] == 1


def test_loading_keeps_edited_reference_data_too():
    definition = Definition.objects.get(code="eal")
    definition.text = "Our area's wording."
    definition.save()

    catalogue_load()

    definition.refresh_from_db()
    assert definition.text == "Our area's wording."


def test_loading_updates_rows_nobody_edited_when_the_content_changes(tmp_path, settings):
    for path in DATA_DIR.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text())
    rows = yaml.safe_load((tmp_path / "sources_public.yaml").read_text())
    rows[0]["summary"] = "A corrected summary."
    (tmp_path / "sources_public.yaml").write_text(yaml.safe_dump(rows))

    report = catalogue_load(data_dir=tmp_path)

    assert Source.objects.get(slug=rows[0]["slug"]).summary == "A corrected summary."
    assert report.updated["sources"] == 1


def test_bad_content_is_refused_whole_with_the_file_and_row_named(tmp_path):
    for path in DATA_DIR.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text())
    rows = yaml.safe_load((tmp_path / "sources_local.yaml").read_text())
    rows[2]["geography_levels"] = ["ward", "parish-of-nowhere"]
    rows[0]["summary"] = "Changed, but must not be stored."
    (tmp_path / "sources_local.yaml").write_text(yaml.safe_dump(rows))

    with pytest.raises(CatalogueDataError, match=rf"sources_local.yaml: {rows[2]['slug']}.*parish-of-nowhere"):
        catalogue_load(data_dir=tmp_path)
    assert Source.objects.get(slug=rows[0]["slug"]).summary != "Changed, but must not be stored."


def test_the_command_reports_what_it_did(capsys):
    call_command("load_catalogue")
    out = capsys.readouterr().out
    assert "sources: 0 created, 0 updated, 78 unchanged" in out


def test_nationality_words_and_names_map_to_iso_codes():
    def code(alias):
        return CountryAlias.objects.get(key=normalise_alias(alias)).country.code

    assert code("Polish") == "PL"
    assert code("  polish ") == "PL"
    assert code("Czech Republic") == "CZ"
    assert code("NA") == "NA"  # Namibia, not "not available"
    assert code("Kosovan") == "XK"
    assert code("Yugoslavia") == "RS"
    assert code("Stateless") == "STATELESS"
    assert code("not recorded") == "NOT-RECORDED"


def test_every_iso_country_has_a_nationality_word():
    without = Country.objects.filter(kind=Country.Kind.ISO).exclude(aliases__kind=CountryAlias.Kind.NATIONALITY_WORD)
    assert list(without.values_list("code", flat=True)) == []


def test_ons_groups_carry_dated_membership():
    eu8 = NationalityGroup.objects.get(code="EU8")
    poland = eu8.members.get(country__code="PL")
    assert str(poland.valid_from) == "2004-05-01"
    croatia = NationalityGroupMember.objects.get(group__code="OTHER-EU", country__code="HR")
    assert str(croatia.valid_from) == "2013-07-01"
    assert NationalityGroup.objects.get(code="NON-EU").residual
    assert NationalityGroup.objects.get(code="EU14").members.count() == 14


def test_languages_and_gss_prefixes_are_loaded():
    assert Language.objects.get(alpha2="pl").name == "Polish"
    assert Language.objects.filter(code="tir").exists()  # Tigrinya
    assert GssPrefix.objects.get(prefix="E05").level.code == "ward"
    assert GssPrefix.objects.get(prefix="E01").level.code == "lsoa"
    assert GssPrefix.objects.get(prefix="E02").level.code == "msoa"


def test_census_2021_stands_beside_the_2011_census_with_its_topics_and_caveats():
    census = Source.objects.get(slug="census-2021")
    assert census.stage == Source.Stage.PUBLIC and census.measure == Source.Measure.STOCK
    assert census.toolkit_reference == "Published since the toolkit, row 1"
    carried = {sf.field.code for sf in census.source_fields.all() if sf.availability == "carried"}
    assert {"country-of-birth", "main-language", "english-proficiency", "year-of-arrival"} <= carried
    for topic in ("country of birth", "passports held", "year of arrival", "main language", "proficiency in english"):
        assert topic in census.summary.lower(), topic
    assert any("record swapping" in caveat for caveat in census.caveat_list)
    assert {level.code for level in census.geography_levels.all()} >= {"local-authority", "ward", "region"}


def test_sources_published_in_thousands_say_so():
    assert Source.objects.get(slug="ltim-estimates").unit == Source.Unit.THOUSANDS
    assert Source.objects.get(slug="census-2021").unit == Source.Unit.PERSONS


def test_every_regularly_published_public_source_has_its_release_months():
    per_year = {"annual": 1, "twice-yearly": 2, "quarterly": 4, "monthly": 12}
    regular = Source.objects.filter(stage="public", frequency__in=per_year)
    # A stopped series, and reports each organisation times for itself, have no month to give.
    assert set(regular.filter(release_months=[]).values_list("slug", flat=True)) == {
        "population-by-country-of-birth-nationality",
        "population-by-country-of-birth-nationality-individual-country",
        "annual-equality-inclusion-reports",
    }
    for source in regular.exclude(release_months=[]):
        assert len(source.release_months) == per_year[source.frequency], source.slug
