import pytest
from django.core.exceptions import ValidationError

from catalogue.models import Source, SourceAvailability
from catalogue.services import AvailabilityAnswer, availability_record

pytestmark = pytest.mark.django_db


def answer(slug, available, notes=""):
    return AvailabilityAnswer(source=Source.objects.get(slug=slug), available=available, notes=notes)


def test_availability_record_writes_only_what_changed(area, coordinator, dpo):
    assert availability_record(area=area, user=coordinator, answers=[answer("joint-strategic-needs-assessment", "yes")]) == 1
    changed = availability_record(area=area, user=dpo, answers=[
        answer("joint-strategic-needs-assessment", "yes"),
        answer("la-community-survey", "no", "Last run in 2019"),
    ])
    assert changed == 1
    assert SourceAvailability.objects.get(source__slug="joint-strategic-needs-assessment").updated_by == coordinator


def test_availability_is_only_for_appendix_3_sources_and_is_all_or_nothing(area, coordinator):
    with pytest.raises(ValidationError):
        availability_record(area=area, user=coordinator, answers=[
            answer("joint-strategic-needs-assessment", "yes"),
            answer("census-2011", "yes"),
        ])
    assert not SourceAvailability.objects.exists()


def test_an_invalid_answer_is_refused(area, coordinator):
    with pytest.raises(ValidationError):
        availability_record(area=area, user=coordinator, answers=[answer("joint-strategic-needs-assessment", "maybe")])
