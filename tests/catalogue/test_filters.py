import pytest
from django.http import QueryDict

from catalogue.models import Source, SourceField
from catalogue.selectors import source_filter

pytestmark = pytest.mark.django_db


def results(query: str) -> list[Source]:
    return list(source_filter(QueryDict(query)).qs)


def test_ward_and_nationality_finds_only_sources_that_have_both():
    found = results("geography=ward&field=nationality")
    assert found
    for source in found:
        assert source.geography_levels.filter(code="ward").exists()
        assert source.source_fields.filter(field__code="nationality", availability__in=SourceField.HELD).exists()
    expected = {
        s.pk
        for s in Source.objects.all()
        if s.geography_levels.filter(code="ward").exists()
        and s.source_fields.filter(field__code="nationality", availability__in=SourceField.HELD).exists()
    }
    assert {s.pk for s in found} == expected


def test_a_field_the_agency_must_be_asked_about_does_not_count_as_carried():
    asked = SourceField.objects.filter(field__code="country-of-birth", availability="check").values_list(
        "source_id", flat=True
    )
    assert asked
    found = {s.pk for s in results("field=country-of-birth")}
    assert not found & set(asked)


def test_ticked_stages_combine_with_or():
    found = results("stage=public&stage=qualitative")
    assert {s.stage for s in found} == {"public", "qualitative"}
    assert len(found) == Source.objects.exclude(stage="local").count()


def test_ticked_fields_combine_with_and():
    both = {s.pk for s in results("field=nationality&field=main-language")}
    nationality = {s.pk for s in results("field=nationality")}
    language = {s.pk for s in results("field=main-language")}
    assert both == nationality & language
    assert both < nationality


def test_theme_frequency_measure_and_definition_filter():
    assert {s.theme.code for s in results("theme=education")} == {"education"}
    assert {s.frequency for s in results("frequency=quarterly")} == {"quarterly"}
    assert {s.measure for s in results("measure=flow")} == {"flow"}
    for source in results("definition=un-long-term"):
        assert source.migrant_definitions.filter(code="un-long-term").exists()
    assert any(s.appendix == "LTIM" for s in results("definition=un-long-term"))


def test_search_matches_every_word_in_title_text_or_holder():
    found = results("q=asylum")
    assert found
    for source in found:
        text = " ".join(
            [
                source.title,
                source.summary,
                source.caveats,
                source.comparability,
                source.publisher,
                source.relevance_condition,
                source.theme.name,
                *source.holding_agency_types.values_list("name", flat=True),
            ]
        ).lower()
        assert "asylum" in text
    assert len(results("q=asylum+GP")) < len(found)
    assert results("q=Mental+Health+Trust")
    assert results("q=zzzz-no-such-word") == []


def test_an_unknown_facet_value_is_ignored_rather_than_crashing():
    filterset = source_filter(QueryDict("geography=atlantis"))
    assert not filterset.is_valid()
    assert "geography" in filterset.errors
