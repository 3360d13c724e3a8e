import pytest
from django.db import IntegrityError, transaction

from catalogue.models import Area, Source, SourceField

pytestmark = pytest.mark.django_db


def test_an_appendix_row_belongs_to_one_stage():
    with pytest.raises(IntegrityError), transaction.atomic():
        Source.objects.filter(slug="census-2011").update(stage="local")


def test_two_sources_cannot_claim_the_same_appendix_row():
    census = Source.objects.get(slug="census-2011")
    with pytest.raises(IntegrityError), transaction.atomic():
        Source.objects.filter(slug="ltim-estimates").update(appendix=census.appendix, appendix_row=census.appendix_row)


def test_a_locally_added_source_needs_no_appendix_but_cannot_have_a_row_alone():
    census = Source.objects.get(slug="census-2011")
    with pytest.raises(IntegrityError), transaction.atomic():
        Source.objects.filter(pk=census.pk).update(appendix="")
    Source.objects.filter(pk=census.pk).update(appendix="", appendix_row=None)


def test_field_availability_is_constrained():
    link = SourceField.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        SourceField.objects.filter(pk=link.pk).update(availability="maybe")


def test_area_codes_must_look_like_gss_codes():
    with pytest.raises(IntegrityError), transaction.atomic():
        Area.objects.create(name="Nowhere", slug="nowhere", gss_code="X123")


def test_caveats_split_into_paragraphs():
    assert Source(caveats="One.\n\nTwo.\n \nThree.").caveat_list == ["One.", "Two.", "Three."]
