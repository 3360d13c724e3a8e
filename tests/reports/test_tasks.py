"""The worker protects a source's indicator tables once its return is processed, so nobody waits."""

from unittest import mock

import pytest

from catalogue.models import Source
from reports import indicators
from reports.indicators import TOTAL, Query, build_table
from reports.tasks import protect_indicators
from requests_app.models import Return
from requests_app.tasks import process_return
from tests.reports.conftest import Q1

EAL = "school-census-eal-pupils"

pytestmark = pytest.mark.django_db


def test_after_the_worker_has_run_a_page_needs_no_solving(agency_a, received, add_return, monkeypatch):
    add_return(received(agency_a), [{"nationality_group": "EU8", "geography_code": "", "period_start": Q1[0],
                                     "period_end": Q1[1], "count": 40}])
    source = Source.objects.get(slug=EAL)
    protect_indicators.apply(args=[agency_a.area_id, source.pk])
    protect_indicators.apply(args=[agency_a.area_id, source.pk])  # safe to run twice

    def refuse(*args, **kwargs):
        raise AssertionError("the page solved again")

    monkeypatch.setattr(indicators, "protect", refuse)
    assert build_table(agency_a.area, source, Query(sources=(EAL,), rows="main_language")).value(TOTAL, TOTAL) == 40


def test_a_source_or_area_gone_since_is_skipped(db):
    protect_indicators.apply(args=[999999, 999999]).get()


def test_a_processed_return_asks_the_worker_to_protect_its_sources_tables(agency_a, received, add_return):
    request = received(agency_a)
    stored = add_return(request, [], status=Return.Status.DONE)
    with mock.patch("requests_app.tasks.current_app.send_task") as send:
        process_return.apply(args=[stored.pk])  # already done: processing leaves it, the tables are asked for
    send.assert_called_once_with("reports.tasks.protect_indicators", args=[agency_a.area_id, request.source_id])


def test_a_failed_return_asks_for_nothing(agency_a, received, add_return):
    stored = add_return(received(agency_a), [], status=Return.Status.FAILED)
    with mock.patch("requests_app.tasks.current_app.send_task") as send:
        process_return.apply(args=[stored.pk])
    send.assert_not_called()
