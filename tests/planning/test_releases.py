import datetime

import pytest

from catalogue.models import Source
from planning.releases import Status, release_months_between, releases_for

TODAY = datetime.date(2026, 12, 2)


@pytest.fixture
def ltim():
    return Source(slug="ltim", title="LTIM", release_months=[5, 11])


def statuses(releases):
    return [(r.month, r.status) for r in releases]


def test_release_months_run_from_the_first_months_start_to_the_last():
    assert release_months_between([5, 11], datetime.date(2026, 5, 20), datetime.date(2027, 5, 1)) == [
        datetime.date(2026, 5, 1),
        datetime.date(2026, 11, 1),
        datetime.date(2027, 5, 1),
    ]


def test_the_latest_release_not_taken_in_is_overdue_and_older_ones_were_replaced(ltim):
    assert statuses(releases_for(ltim, [], TODAY, back=12, ahead=6)) == [
        (datetime.date(2026, 5, 1), Status.REPLACED),
        (datetime.date(2026, 11, 1), Status.OVERDUE),
        (datetime.date(2027, 5, 1), Status.UPCOMING),
    ]


def test_a_release_out_this_month_and_not_taken_in_is_due(ltim):
    [release] = [r for r in releases_for(ltim, [], datetime.date(2026, 11, 3), back=0, ahead=0)]
    assert (release.status, release.awaited) == (Status.DUE, True)


def test_a_take_in_after_a_release_and_before_the_next_counts_for_it(ltim):
    found = releases_for(ltim, [datetime.date(2026, 6, 3)], TODAY, back=7, ahead=0)
    assert statuses(found) == [
        (datetime.date(2026, 5, 1), Status.TAKEN_IN),
        (datetime.date(2026, 11, 1), Status.OVERDUE),
    ]
    assert found[0].taken_in_on == datetime.date(2026, 6, 3)
    assert not found[0].awaited


def test_a_take_in_before_the_release_does_not_count_for_it(ltim):
    found = releases_for(ltim, [datetime.date(2026, 10, 31)], TODAY, back=1, ahead=0)
    assert statuses(found) == [(datetime.date(2026, 11, 1), Status.OVERDUE)]


def test_a_source_without_release_months_has_no_calendar():
    assert releases_for(Source(slug="census", release_months=[]), [], TODAY) == []


def test_each_release_has_an_id_of_source_and_month(ltim):
    assert releases_for(ltim, [], TODAY, back=1, ahead=0)[0].uid == "ltim-2026-11"
