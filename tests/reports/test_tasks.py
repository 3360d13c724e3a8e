"""The worker protects a source's indicator tables once its return is processed, so nobody waits."""

import logging
from dataclasses import replace
from unittest import mock

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.cache import cache
from django.urls import reverse

from catalogue.models import Source
from reports import indicators
from reports.indicators import TOTAL, Preparation, Query, build_table, indicators_prepare
from reports.tasks import protect_indicators
from requests_app.models import Return
from requests_app.tasks import process_return
from tests.factories import Q1, rows

EAL = "school-census-eal-pupils"

pytestmark = pytest.mark.django_db


def test_after_the_worker_has_run_a_page_needs_no_solving(agency_a, received, add_return, monkeypatch):
    add_return(
        received(agency_a),
        [{"nationality_group": "EU8", "geography_code": "", "period_start": Q1[0], "period_end": Q1[1], "count": 40}],
    )
    source = Source.objects.get(slug=EAL)
    protect_indicators.apply(args=[agency_a.area_id, source.pk])
    protect_indicators.apply(args=[agency_a.area_id, source.pk])  # safe to run twice

    def refuse(*args, **kwargs):
        raise AssertionError("the page solved again")

    monkeypatch.setattr(indicators, "protect", refuse)
    assert build_table(agency_a.area, source, Query(sources=(EAL,), rows="main_language")).value(TOTAL, TOTAL) == 40


def test_a_source_or_area_gone_since_is_logged_and_skipped(db, caplog):
    caplog.set_level(logging.INFO, logger="reports.tasks")
    protect_indicators.apply(args=[999999, 999999]).get()
    assert "Area 999999 or source 999999 is gone" in caplog.text


def test_a_processed_return_asks_the_worker_to_protect_its_sources_tables(agency_a, received, add_return):
    request = received(agency_a)
    stored = add_return(request, [], status=Return.Status.DONE)
    with mock.patch("requests_app.tasks.current_app.send_task") as send:
        process_return.apply(args=[stored.pk])  # already done: processing leaves it, the tables are asked for
    send.assert_called_once_with(protect_indicators.name, args=[agency_a.area_id, request.source_id])


def test_a_failed_return_asks_for_nothing(agency_a, received, add_return):
    stored = add_return(received(agency_a), [], status=Return.Status.FAILED)
    with mock.patch("requests_app.tasks.current_app.send_task") as send:
        process_return.apply(args=[stored.pk])
    send.assert_not_called()


# -- Sources too large to protect while someone waits ---------------------------------------------

QUERY = Query(sources=(EAL,), rows="nationality_group", columns="quarter")


@pytest.fixture
def large(settings, agency_a, received, add_return):
    """A source whose tables count as large: every test table has more than 10 cells."""
    settings.TRACKER_INDICATORS_INLINE_CELLS = 10
    add_return(received(agency_a), rows(("EU8", "", Q1, 40), ("EU2", "", Q1, 4), ("NON-EU", "", Q1, 61)))
    return Source.objects.get(slug=EAL)


@pytest.fixture
def delay():
    with mock.patch("reports.tasks.protect_indicators.delay") as sent:
        yield sent


def keys(area, source):
    return indicators._keys(area, source, indicators._threshold(area, source), None)


def refuse(*args, **kwargs):
    raise AssertionError("solved in the request")


def test_a_large_source_is_queued_for_the_worker_once_and_shows_nothing_meanwhile(agency_a, large, delay, monkeypatch):
    monkeypatch.setattr(indicators, "protect", refuse)

    first, again = build_table(agency_a.area, large, QUERY), build_table(agency_a.area, large, QUERY)

    delay.assert_called_once_with(agency_a.area_id, large.pk)
    assert first.preparing.stage == "queued" and first.preparing.cells > 10
    assert again.preparing is not None and not again.published
    assert "still being protected" in again.refused


def test_a_queued_preparation_that_was_lost_is_queued_again(agency_a, large, delay):
    build_table(agency_a.area, large, QUERY)
    cache.delete(keys(agency_a.area, large)[1])  # as when it expires, the worker having died

    build_table(agency_a.area, large, QUERY)

    assert delay.call_count == 2


def test_once_the_worker_has_protected_a_large_source_its_tables_are_shown(agency_a, large, delay):
    build_table(agency_a.area, large, QUERY)
    protect_indicators.apply(args=[agency_a.area_id, large.pk])

    table = build_table(agency_a.area, large, QUERY)

    assert table.preparing is None and not table.refused
    assert table.value(TOTAL, TOTAL) == 105 and table.value("EU2", TOTAL) is None


class Recording:
    """The cache, noting each progress report written to it."""

    def __init__(self, real):
        self.real, self.reports = real, []

    def __getattr__(self, name):
        return getattr(self.real, name)

    def set(self, key, value, **kwargs):
        if isinstance(value, Preparation):
            self.reports.append(value)
        return self.real.set(key, value, **kwargs)


def test_the_worker_reports_its_progress_and_clears_it_when_done(agency_a, large, delay, monkeypatch):
    build_table(agency_a.area, large, QUERY)
    monkeypatch.setattr(indicators, "_PROGRESS_EVERY", 0)
    recording = Recording(indicators.cache)
    monkeypatch.setattr(indicators, "cache", recording)

    indicators_prepare(area=agency_a.area, source=large)

    last = recording.reports[-1]
    assert {report.stage for report in recording.reports} == {"choosing", "checking"}
    assert last.stage == "checking" and last.done == last.of > 0 and last.percent == 100
    assert last.cells > 10 and last.queued_at == recording.reports[0].queued_at
    assert cache.get(keys(agency_a.area, large)[1]) is None


def test_a_second_worker_leaves_a_source_another_is_protecting(agency_a, large, monkeypatch):
    cache.add(keys(agency_a.area, large)[2], True)
    monkeypatch.setattr(indicators, "protect", refuse)

    indicators_prepare(area=agency_a.area, source=large)

    assert cache.get(keys(agency_a.area, large)[0]) is None


def test_a_worker_out_of_time_leaves_a_reason_instead_of_a_wait(agency_a, large, delay, monkeypatch):
    build_table(agency_a.area, large, QUERY)

    def too_long(**kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr("reports.tasks.indicators_prepare", too_long)
    protect_indicators.apply(args=[agency_a.area_id, large.pk])

    table = build_table(agency_a.area, large, QUERY)
    assert table.preparing is None and not table.published
    assert "took longer than the 55 minutes" in table.refused


def test_a_worker_that_fails_says_so_and_queues_again_after_a_quarter_of_an_hour(agency_a, large, delay, monkeypatch):
    build_table(agency_a.area, large, QUERY)
    monkeypatch.setattr(indicators, "protect", mock.Mock(side_effect=RuntimeError("solver crashed")))

    with pytest.raises(RuntimeError):
        protect_indicators.apply(args=[agency_a.area_id, large.pk], throw=True)

    table = build_table(agency_a.area, large, QUERY)
    assert table.preparing is None and not table.published
    assert "stopped with an error" in table.refused
    assert cache.get(keys(agency_a.area, large)[2]) is None  # the lock went with the failure
    with mock.patch.object(indicators.cache, "set", wraps=indicators.cache.set) as written:
        indicators.indicators_failed(area=agency_a.area, source=large)
    assert written.call_args.kwargs["timeout"] == 15 * 60
    cache.delete(keys(agency_a.area, large)[0])  # as when the reason expires

    build_table(agency_a.area, large, QUERY)

    assert delay.call_count == 2


def test_the_indicators_page_shows_the_progress_and_reloads_itself(coordinator_client, agency_a, large, delay):
    query = {"source": EAL, "rows": "nationality_group", "columns": "quarter"}
    page = coordinator_client.get(reverse("reports:indicators"), query).content.decode()
    assert "Being protected" in page and "Waiting for the background worker" in page
    assert '<meta http-equiv="refresh" content="15">' in page and 'class="suppressed"' not in page

    preparing = keys(agency_a.area, large)[1]
    cache.set(preparing, replace(cache.get(preparing), part=1, parts=2, stage="checking", done=3, of=8))
    page = coordinator_client.get(reverse("reports:indicators"), query).content.decode()
    assert "Final check of every suppressed cell (part 1 of 2): 3 of 8 suppressed cells shown safe" in page


def test_exports_of_a_source_being_protected_say_so(coordinator_client, agency_a, large, delay):
    query = {"source": EAL, "rows": "nationality_group", "columns": "quarter"}
    assert "still being protected" in coordinator_client.get(reverse("reports:indicators-csv"), query).content.decode()
    table = coordinator_client.get(reverse("reports:indicators-json"), query).json()["tables"][0]
    assert table["preparing"] is True and table["rows"] == []
