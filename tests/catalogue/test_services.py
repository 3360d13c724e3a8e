import datetime

import pytest
from django.core.exceptions import ValidationError

from catalogue.models import Source, SourceAvailability
from catalogue.services import AvailabilityAnswer, availability_record, source_refresh_record

pytestmark = pytest.mark.django_db


def answer(slug, available, notes=""):
    return AvailabilityAnswer(source=Source.objects.get(slug=slug), available=available, notes=notes)


def test_availability_record_writes_only_what_changed(area, coordinator, dpo):
    assert (
        availability_record(area=area, user=coordinator, answers=[answer("joint-strategic-needs-assessment", "yes")])
        == 1
    )
    changed = availability_record(
        area=area,
        user=dpo,
        answers=[
            answer("joint-strategic-needs-assessment", "yes"),
            answer("la-community-survey", "no", "Last run in 2019"),
        ],
    )
    assert changed == 1
    assert SourceAvailability.objects.get(source__slug="joint-strategic-needs-assessment").updated_by == coordinator


def test_availability_is_only_for_appendix_3_sources_and_is_all_or_nothing(area, coordinator):
    with pytest.raises(ValidationError):
        availability_record(
            area=area,
            user=coordinator,
            answers=[
                answer("joint-strategic-needs-assessment", "yes"),
                answer("census-2011", "yes"),
            ],
        )
    assert not SourceAvailability.objects.exists()


def test_an_invalid_answer_is_refused(area, coordinator):
    with pytest.raises(ValidationError):
        availability_record(area=area, user=coordinator, answers=[answer("joint-strategic-needs-assessment", "maybe")])


def test_a_public_release_taken_in_is_recorded(area, coordinator):
    source = Source.objects.filter(stage="public").first()
    refresh = source_refresh_record(
        area=area, source=source, user=coordinator, on=datetime.date(2026, 1, 5), note="mid-2025"
    )
    assert (refresh.refreshed_on, refresh.recorded_by, refresh.note) == (
        datetime.date(2026, 1, 5),
        coordinator,
        "mid-2025",
    )


@pytest.mark.parametrize(
    "stage,days,message", [("local", 0, "not a public source"), ("public", 3, "cannot be in the future")]
)
def test_a_refresh_is_refused_for_a_local_source_or_a_future_date(area, coordinator, stage, days, message):
    source = Source.objects.filter(stage=stage).first()
    with pytest.raises(ValidationError, match=message):
        source_refresh_record(
            area=area, source=source, user=coordinator, on=datetime.date.today() + datetime.timedelta(days=days)
        )
