"""`live_of`: a source's processed, current returns summed up in the database, which the indicator
pages key their cached tables on and size the work by."""

from catalogue.models import Source
from reports.indicators import live_of
from requests_app.models import Return
from tests.factories import EAL, Q1, rows


def test_only_processed_current_returns_count_with_the_strictest_threshold(agency_a, agency_b, received, add_return):
    source = Source.objects.get(slug=EAL)
    add_return(received(agency_a), rows(("EU8", "", Q1, 40), ("EU2", "", Q1, 12)))
    strict = received(agency_b)
    type(strict).objects.filter(pk=strict.pk).update(reporting_threshold=20)
    add_return(strict, rows(("EU8", "", Q1, 30)))
    add_return(received(agency_b), rows(("EU8", "", Q1, 99)), superseded=True)
    add_return(received(agency_b), rows(("EU8", "", Q1, 99)), status=Return.Status.FAILED)

    live = live_of(agency_a.area, [source])[source.pk]

    assert (live.returns[0], live.agencies, live.counts, live.threshold) == (2, 2, 3, 20)


def test_a_new_return_changes_the_mark_and_a_source_without_any_has_none(agency_a, received, add_return):
    source = Source.objects.get(slug=EAL)
    other = Source.objects.exclude(pk=source.pk).first()
    request = received(agency_a)
    add_return(request, rows(("EU8", "", Q1, 40)))
    before = live_of(agency_a.area, [source, other])

    add_return(request, rows(("EU8", "", Q1, 41)))

    after = live_of(agency_a.area, [source])[source.pk]
    assert after.returns != before[source.pk].returns
    assert (before[other.pk].returns[0], before[other.pk].agencies, before[other.pk].counts) == (0, 0, 0)
