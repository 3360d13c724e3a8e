"""The worker protects a source's indicator tables once its return is processed, so nobody waits."""

import logging
from dataclasses import replace
from unittest import mock

import pytest
from celery.exceptions import Retry, SoftTimeLimitExceeded
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catalogue.models import Source
from reports import indicators
from reports.indicators import TOTAL, Preparation, Query, build_table, caching, indicators_prepare, protection, state
from reports.models import Protection
from reports.tasks import BUSY_RETRY_AFTER, protect_indicators, refresh_indicators
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
    protect_indicators.apply(args=[agency_a.area_id, source.pk, 0])
    protect_indicators.apply(args=[agency_a.area_id, source.pk, 0])  # safe to run twice

    def refuse(*args, **kwargs):
        raise AssertionError("the page solved again")

    monkeypatch.setattr(protection, "protect", refuse)
    assert build_table(agency_a.area, source, Query(sources=(EAL,), rows="main_language")).value(TOTAL, TOTAL) == 40


def test_a_source_or_area_gone_since_is_logged_and_skipped(db, caplog):
    caplog.set_level(logging.INFO, logger="reports.tasks")
    protect_indicators.apply(args=[999999, 999999, 1]).get()
    refresh_indicators.apply(args=[999999, 999999]).get()
    assert caplog.text.count("Area 999999 or source 999999 is gone") == 2


def test_a_processed_return_asks_the_worker_to_protect_its_sources_tables(agency_a, received, add_return):
    request = received(agency_a)
    stored = add_return(request, [], status=Return.Status.DONE)
    with mock.patch("requests_app.tasks.current_app.send_task") as send:
        process_return.apply(args=[stored.pk])  # already done: processing leaves it, the tables are asked for
    send.assert_called_once_with(refresh_indicators.name, args=[agency_a.area_id, request.source_id])


def test_a_failed_return_asks_for_nothing(agency_a, received, add_return):
    stored = add_return(received(agency_a), [], status=Return.Status.FAILED)
    with mock.patch("requests_app.tasks.current_app.send_task") as send:
        process_return.apply(args=[stored.pk])
    send.assert_not_called()


# -- Sources too large to protect while someone waits ---------------------------------------------

QUERY = Query(sources=(EAL,), rows="nationality_group", columns="quarter")


@pytest.fixture
def large(settings, agency_a, received, add_return):
    """A source whose returns count as large: more than two counts."""
    settings.TRACKER_INDICATORS_INLINE_COUNTS = 2
    add_return(received(agency_a), rows(("EU8", "", Q1, 40), ("EU2", "", Q1, 4), ("NON-EU", "", Q1, 61)))
    return Source.objects.get(slug=EAL)


@pytest.fixture
def delay():
    """What a page sends the worker."""
    with mock.patch("reports.indicators.caching.current_app.send_task") as sent:
        yield sent


def keys(area, source):
    return indicators._keys(area, source, indicators._threshold(area, source), None)


def refuse(*args, **kwargs):
    raise AssertionError("solved in the request")


def test_a_large_source_is_queued_for_the_worker_once_and_shows_nothing_meanwhile(agency_a, large, delay, monkeypatch):
    monkeypatch.setattr(protection, "protect", refuse)

    first, again = build_table(agency_a.area, large, QUERY), build_table(agency_a.area, large, QUERY)

    delay.assert_called_once_with(protect_indicators.name, args=[agency_a.area_id, large.pk, 0])
    assert first.preparing.stage == "queued" and first.preparing.counts == 3
    assert again.preparing is not None and not again.published
    assert "still being protected" in again.refused


def test_a_queued_preparation_that_was_lost_is_queued_again(agency_a, large, delay):
    build_table(agency_a.area, large, QUERY)
    cache.delete(keys(agency_a.area, large).preparing)  # as when it expires, the worker having died

    build_table(agency_a.area, large, QUERY)

    assert delay.call_count == 2


def test_once_the_worker_has_protected_a_large_source_its_tables_are_shown(agency_a, large, delay):
    build_table(agency_a.area, large, QUERY)
    protect_indicators.apply(args=[agency_a.area_id, large.pk, 0])

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
    monkeypatch.setattr(state, "_PROGRESS_EVERY", 0)
    recording = Recording(state.cache)
    monkeypatch.setattr(state, "cache", recording)

    indicators_prepare(area=agency_a.area, source=large)

    first, last = recording.reports[0], recording.reports[-1]
    assert first.stage == "reading" and first.cells == 0 and first.counts == 3
    assert {report.stage for report in recording.reports} == {"reading", "choosing", "checking"}
    assert last.stage == "checking" and last.done == last.of > 0 and last.percent == 100
    assert last.cells > 10 and last.queued_at == recording.reports[0].queued_at
    assert cache.get(keys(agency_a.area, large).preparing) is None


def test_a_second_worker_leaves_a_source_another_is_protecting(agency_a, large, monkeypatch):
    Protection.objects.create(area=agency_a.area, source=large, running=0, task_id="another", claimed_at=timezone.now())
    monkeypatch.setattr(protection, "protect", refuse)

    protect_indicators.apply(args=[agency_a.area_id, large.pk, 0])

    assert cache.get(keys(agency_a.area, large).masters) is None
    assert Protection.objects.get().task_id == "another"


def test_a_worker_out_of_time_leaves_a_reason_instead_of_a_wait(agency_a, large, delay, monkeypatch):
    build_table(agency_a.area, large, QUERY)

    def too_long(**kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr("reports.tasks.indicators_prepare", too_long)
    protect_indicators.apply(args=[agency_a.area_id, large.pk, 0])

    table = build_table(agency_a.area, large, QUERY)
    assert table.preparing is None and not table.published
    assert "took longer than the 55 minutes" in table.refused
    assert Protection.objects.get().running is None  # the claim went with it


def test_a_worker_that_fails_says_so_and_queues_again_after_a_quarter_of_an_hour(agency_a, large, delay, monkeypatch):
    build_table(agency_a.area, large, QUERY)
    monkeypatch.setattr(protection, "protect", mock.Mock(side_effect=RuntimeError("solver crashed")))

    with pytest.raises(RuntimeError):
        protect_indicators.apply(args=[agency_a.area_id, large.pk, 0], throw=True)

    table = build_table(agency_a.area, large, QUERY)
    assert table.preparing is None and not table.published
    assert "stopped with an error" in table.refused
    assert Protection.objects.get().running is None  # the claim went with the failure
    with mock.patch.object(state.cache, "set", wraps=state.cache.set) as written:
        indicators.indicators_failed(area=agency_a.area, source=large)
    assert written.call_args.kwargs["timeout"] == 15 * 60
    cache.delete(keys(agency_a.area, large).masters)  # as when the reason expires

    build_table(agency_a.area, large, QUERY)

    assert delay.call_count == 2


def test_the_indicators_page_shows_the_progress_and_reloads_itself(coordinator_client, agency_a, large, delay):
    query = {"source": EAL, "rows": "nationality_group", "columns": "quarter"}
    page = coordinator_client.get(reverse("reports:indicators"), query).content.decode()
    assert "Being protected" in page and "Waiting for the background worker" in page
    assert "This source's returns hold 3 counts" in page
    assert '<meta http-equiv="refresh" content="15">' in page and 'class="suppressed"' not in page

    preparing = keys(agency_a.area, large).preparing
    cache.set(preparing, replace(cache.get(preparing), stage="reading"))
    page = coordinator_client.get(reverse("reports:indicators"), query).content.decode()
    assert "Reading the returned counts" in page
    cache.set(preparing, replace(cache.get(preparing), cells=40, part=1, parts=2, stage="checking", done=3, of=8))
    page = coordinator_client.get(reverse("reports:indicators"), query).content.decode()
    assert "Final check of every suppressed cell (part 1 of 2): 3 of 8 suppressed cells shown safe" in page
    assert "This source's tables have 40 cells" in page


def test_exports_of_a_source_being_protected_say_so(coordinator_client, agency_a, large, delay):
    query = {"source": EAL, "rows": "nationality_group", "columns": "quarter"}
    assert "still being protected" in coordinator_client.get(reverse("reports:indicators-csv"), query).content.decode()
    table = coordinator_client.get(reverse("reports:indicators-json"), query).json()["tables"][0]
    assert table["preparing"] is True and table["rows"] == []


def test_the_name_a_page_sends_is_the_protection_task(db):
    assert caching.PROTECT_INDICATORS == protect_indicators.name


# -- Never in the web request -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "page",
    [
        "reports:indicators",
        "reports:indicators-csv",
        "reports:indicators-json",
        "reports:indicators-xlsx",
        "reports:report",
    ],
)
def test_a_page_of_a_large_source_reads_no_counts_and_queues_the_worker_once(
    coordinator_client, agency_a, large, delay, page
):
    query = {"source": EAL, "rows": "nationality_group", "columns": "quarter"}
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            assert coordinator_client.get(reverse(page), query).status_code == 200
        assert not [q["sql"] for q in queries if "requests_app_observation" in q["sql"]]

    delay.assert_called_once_with(protect_indicators.name, args=[agency_a.area_id, large.pk, 0])


def test_the_marker_is_written_before_the_worker_reads_the_counts(agency_a, large, monkeypatch):
    seen = []
    real = state._read
    monkeypatch.setattr(
        state, "_read", lambda *args: seen.append(cache.get(keys(agency_a.area, large).preparing)) or real(*args)
    )

    indicators_prepare(area=agency_a.area, source=large)

    assert seen[0].stage == "reading" and seen[0].counts == 3


# -- One protection per source, the newest ----------------------------------------------------------


@pytest.fixture
def protect_later():
    """The protection task the worker would be sent, held back."""
    with mock.patch("reports.tasks.protect_indicators.delay") as sent:
        yield sent


def test_a_processed_return_counts_the_generation_up_and_shows_the_tables_as_queued(agency_a, large, protect_later):
    refresh_indicators.apply(args=[agency_a.area_id, large.pk])
    assert cache.get(keys(agency_a.area, large).preparing).stage == "queued"
    refresh_indicators.apply(args=[agency_a.area_id, large.pk])

    assert [c.args for c in protect_later.call_args_list] == [(agency_a.area_id, large.pk, n) for n in (1, 2)]
    assert Protection.objects.get().generation == 2


def test_a_protection_made_stale_by_a_newer_return_is_skipped(agency_a, large, protect_later, monkeypatch):
    refresh_indicators.apply(args=[agency_a.area_id, large.pk])
    refresh_indicators.apply(args=[agency_a.area_id, large.pk])
    monkeypatch.setattr(protection, "protect", refuse)

    protect_indicators.apply(args=[agency_a.area_id, large.pk, 1])

    assert cache.get(keys(agency_a.area, large).masters) is None
    assert Protection.objects.get().running is None


def test_the_newest_protection_does_the_work(agency_a, large, protect_later):
    refresh_indicators.apply(args=[agency_a.area_id, large.pk])

    protect_indicators.apply(args=[agency_a.area_id, large.pk, 1])

    assert build_table(agency_a.area, large, QUERY).value(TOTAL, TOTAL) == 105
    assert Protection.objects.get().running is None


def test_a_protection_stops_early_when_a_newer_return_is_processed_while_it_runs(
    agency_a, large, protect_later, monkeypatch
):
    refresh_indicators.apply(args=[agency_a.area_id, large.pk])
    monkeypatch.setattr(state, "_PROGRESS_EVERY", 0)
    reports = []

    def slow(table, policy, *, progress=None, **kwargs):
        if progress is None:  # the margin, protected before the tables
            return real(table, policy, **kwargs)
        progress("choosing", 0, 1)
        reports.append("before")
        refresh_indicators.apply(args=[agency_a.area_id, large.pk])  # a return processed meanwhile
        progress("choosing", 1, 1)
        reports.append("after")  # never reached: the run stops at this report
        return real(table, policy, progress=progress, **kwargs)

    real = protection.protect
    monkeypatch.setattr(protection, "protect", slow)

    protect_indicators.apply(args=[agency_a.area_id, large.pk, 1], throw=True)

    assert reports == ["before"]
    assert cache.get(keys(agency_a.area, large).masters) is None
    assert Protection.objects.get().running is None and protect_later.call_args.args[2] == 2


def test_the_newest_protection_waits_while_an_older_run_holds_the_source(agency_a, large, protect_later, monkeypatch):
    Protection.objects.create(
        area=agency_a.area, source=large, generation=2, running=1, task_id="older", claimed_at=timezone.now()
    )
    monkeypatch.setattr(protection, "protect", refuse)

    with mock.patch.object(protect_indicators, "retry", return_value=Retry()) as retry:
        protect_indicators.apply(args=[agency_a.area_id, large.pk, 2])

    retry.assert_called_once_with(countdown=BUSY_RETRY_AFTER)
    assert Protection.objects.get().task_id == "older"
