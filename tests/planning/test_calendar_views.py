import datetime

import icalendar
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue.models import Source, SourceRefresh
from planning.models import CalendarFeed
from planning.services import calendar_feed_reset
from project import roles

pytestmark = pytest.mark.django_db
CALENDAR = reverse("planning:calendar")


def test_the_coordinator_sees_releases_overdue_and_can_record_a_take_in(area, coordinator_client):
    page = coordinator_client.get(CALENDAR)
    assert page.status_code == 200
    overdue = page.context["page"].overdue
    assert overdue and all(r.awaited for r in overdue)
    assert b"Taken in on" in page.content
    assert b"Sources without a release month" in page.content and b"2011 Census" in page.content


def test_recording_a_take_in_from_the_calendar_moves_the_release_to_taken_in(area, coordinator_client):
    source = Source.objects.get(slug="ltim-estimates")
    today = datetime.date.today()
    answer = coordinator_client.post(
        reverse("planning:taken-in", args=[source.slug]), {"refreshed_on": today.isoformat(), "note": "Nov"}
    )
    assert answer.status_code == 302 and answer["Location"] == CALENDAR
    assert SourceRefresh.objects.filter(area=area, source=source, refreshed_on=today).exists()
    taken = coordinator_client.get(CALENDAR).context["page"].taken_in
    assert source in [r.source for r in taken]


def test_the_dpo_reads_the_calendar_without_take_in_forms_and_cannot_record_one(area, dpo_client):
    page = dpo_client.get(CALENDAR)
    assert page.status_code == 200 and b'name="refreshed_on"' not in page.content
    answer = dpo_client.post(reverse("planning:taken-in", args=["ltim-estimates"]), {"refreshed_on": "2026-01-05"})
    assert answer.status_code == 403
    assert not SourceRefresh.objects.exists()


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", CALENDAR),
        ("post", reverse("planning:taken-in", args=["ltim-estimates"])),
        ("post", reverse("planning:feed-reset")),
    ],
)
def test_an_agency_contact_finds_no_calendar(area, contact_a_client, method, url):
    assert getattr(contact_a_client, method)(url, {"refreshed_on": "2026-01-05"}).status_code == 404
    assert not SourceRefresh.objects.exists() and not CalendarFeed.objects.exists()


def test_getting_a_calendar_address_shows_it_and_resetting_it_retires_the_old_one(
    area, coordinator, coordinator_client
):
    coordinator_client.post(reverse("planning:feed-reset"))
    first = CalendarFeed.objects.get(user=coordinator).token
    assert first in coordinator_client.get(CALENDAR).context["feed_url"]
    coordinator_client.post(reverse("planning:feed-reset"))
    second = CalendarFeed.objects.get(user=coordinator).token
    assert second != first
    anonymous = Client()
    assert anonymous.get(reverse("planning:feed", args=[first])).status_code == 404
    assert anonymous.get(reverse("planning:feed", args=[second])).status_code == 200


def test_the_feed_is_an_icalendar_file_with_one_all_day_event_per_release(area, coordinator):
    token = calendar_feed_reset(user=coordinator).token
    answer = Client().get(reverse("planning:feed", args=[token]))
    assert answer["Content-Type"] == "text/calendar; charset=utf-8"
    cal = icalendar.Calendar.from_ical(answer.content)
    events = cal.walk("VEVENT")
    ltim = [e for e in events if str(e["uid"]).startswith("ltim-estimates-")]
    assert len(ltim) in (4, 5)  # May and November over two years, whatever today's month
    first = ltim[0]
    start = first.decoded("dtstart")
    assert start.day == 1 and not isinstance(start, datetime.datetime)
    assert "ONS long-term international migration" in str(first["summary"])
    assert "/plan/calendar/" in str(first["description"])


def test_the_feed_stops_answering_when_its_owner_loses_the_role(area, coordinator):
    token = calendar_feed_reset(user=coordinator).token
    coordinator.groups.clear()
    assert Client().get(reverse("planning:feed", args=[token])).status_code == 404


def test_an_agency_contacts_address_or_a_guessed_one_answers_404(area, contact_a):
    token = calendar_feed_reset(user=contact_a).token
    assert roles.is_agency_contact(contact_a)
    assert Client().get(reverse("planning:feed", args=[token])).status_code == 404
    assert Client().get(reverse("planning:feed", args=["not-a-token"])).status_code == 404


def test_the_calendar_runs_as_many_queries_for_many_take_ins_as_for_one(area, coordinator, coordinator_client):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert coordinator_client.get(CALENDAR).status_code == 200
        return len(queries)

    sources = list(Source.objects.filter(stage="public").exclude(release_months=[]))
    today = datetime.date.today()
    SourceRefresh.objects.create(area=area, source=sources[0], refreshed_on=today, recorded_by=coordinator)
    few = count()
    SourceRefresh.objects.bulk_create(
        SourceRefresh(area=area, source=s, refreshed_on=today, recorded_by=coordinator) for s in sources[1:]
    )
    assert count() == few
