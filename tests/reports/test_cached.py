"""The cached coverage: read again from the cache while nothing it is built from has changed, and
built afresh as soon as a request, an answer, an agreement, a return or the catalogue changes."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catalogue.models import OrganisationType, Source, SourceRefresh
from catalogue.services import agency_create
from reports.cached import coverage_cached
from reports.coverage.cells import CHECKLIST, NOT_COLLECTED
from requests_app.models import DataRequest
from tests.factories import Q1, TODAY, answer, force_status, rows


def cached(area, today=TODAY):
    return coverage_cached(area=area, today=today)


def cell(coverage, agency, code):
    return next(r for r in coverage.agency_rows if r.label == agency.name).cells[code]


def test_a_second_read_comes_from_the_cache_in_three_queries(agency_a, make_request):
    answer(force_status(make_request(agency_a), "sent"), "nationality", "no")
    first, recommendations = cached(agency_a.area)
    with CaptureQueriesContext(connection) as queries:
        again, again_recommendations = cached(agency_a.area)
    # The agencies, the requests summed up and the fingerprint of everything else.
    assert len(queries) == 3
    assert [r.cells for r in again.agency_rows] == [r.cells for r in first.agency_rows]
    assert [r.title for r in again_recommendations] == [r.title for r in recommendations]


def test_a_new_checklist_answer_is_in_the_next_read(agency_a, make_request):
    sent = force_status(make_request(agency_a), "sent")
    assert cell(cached(agency_a.area)[0], agency_a, "nationality").provenance != CHECKLIST
    answer(sent, "nationality", "no")
    found = cell(cached(agency_a.area)[0], agency_a, "nationality")
    assert (found.state, found.provenance) == (NOT_COLLECTED, CHECKLIST)


def test_a_request_moved_on_is_in_the_next_read(agency_a, make_request):
    moved = force_status(make_request(agency_a), "sent")
    assert next(r for r in cached(agency_a.area)[0].requests if r["agency_id"] == agency_a.pk)["status"] == "sent"
    force_status(moved, "acknowledged")
    assert [r["status"] for r in cached(agency_a.area)[0].requests] == ["acknowledged"]


def test_a_request_taken_through_its_lifecycle_is_in_the_next_read(agency_a, make_request):
    request = force_status(make_request(agency_a), "sent")
    cached(agency_a.area)
    # As the lifecycle writes it: the new status and the change time, nothing else.
    request.refresh_from_db()
    request.status = "acknowledged"
    request.save(update_fields=["status", "updated_at"])
    assert [r["status"] for r in cached(agency_a.area)[0].requests] == ["acknowledged"]


def test_a_request_moved_to_another_source_is_in_the_next_read(agency_a, make_request):
    request = force_status(make_request(agency_a), "sent")
    cached(agency_a.area)
    other = Source.objects.exclude(pk=request.source_id).first()
    # Written without its change time, as a bulk update would: the sums of ids still see it.
    DataRequest.objects.filter(pk=request.pk).update(source=other)
    assert [r["source_id"] for r in cached(agency_a.area)[0].requests] == [other.pk]


def test_a_second_request_in_the_same_status_is_in_the_next_read(agency_a, make_request):
    force_status(make_request(agency_a), "sent")
    cached(agency_a.area)
    force_status(make_request(agency_a), "sent")
    assert sum(r["n"] for r in cached(agency_a.area)[0].requests) == 2


def test_a_new_agency_is_in_the_next_read(agency_a):
    assert [r.label for r in cached(agency_a.area)[0].agency_rows] == [agency_a.name]
    agency_create(
        name="Agency C College",
        area=agency_a.area,
        organisation_type=OrganisationType.objects.get(code="secondary-school"),
    )
    assert "Agency C College" in [r.label for r in cached(agency_a.area)[0].agency_rows]


def test_an_agreement_put_in_force_is_in_the_next_read(agency_a, make_request, make_agreement):
    force_status(make_request(agency_a), "sent")
    assert [g.agency.name for g in cached(agency_a.area)[0].governance] == [agency_a.name]
    make_agreement([agency_a])
    assert cached(agency_a.area)[0].governance == []


def test_a_processed_return_is_in_the_next_read(agency_a, received, add_return):
    request = received(agency_a)
    assert "age_band" not in cached(agency_a.area)[0].categories
    add_return(request, rows(("EU8", "", Q1, 40)), categories={"age_band": ["0-15", "16+"]})
    assert cached(agency_a.area)[0].categories["age_band"] == {agency_a.pk: {"0-15", "16+"}}


def test_a_renamed_agency_is_in_the_next_read(agency_a):
    cached(agency_a.area)
    agency_a.name = "Agency A Academy"
    agency_a.save()
    assert "Agency A Academy" in [r.label for r in cached(agency_a.area)[0].agency_rows]


def test_a_public_release_taken_in_is_in_the_next_read(area, coordinator):
    source = Source.objects.filter(stage="public").exclude(release_months=[]).first()
    assert next(r for r in cached(area)[0].releases if r.source == source).refreshed_on is None
    SourceRefresh.objects.create(area=area, source=source, refreshed_on=TODAY, recorded_by=coordinator)
    assert next(r for r in cached(area)[0].releases if r.source == source).refreshed_on == TODAY


def test_each_day_gets_its_own_coverage(area):
    assert cached(area)[0].today == TODAY
    assert cached(area, TODAY + datetime.timedelta(days=1))[0].today == TODAY + datetime.timedelta(days=1)


def test_an_agency_contact_is_refused_the_coverage_the_coordinator_has_cached(
    coordinator_client, contact_a_client, contact_b_client, agency_a, make_request
):
    answer(force_status(make_request(agency_a), "sent"), "nationality", "no")
    assert coordinator_client.get(reverse("reports:coverage")).status_code == 200
    for client in (contact_a_client, contact_b_client):
        assert client.get(reverse("reports:coverage")).status_code == 404
        assert client.get(reverse("reports:recommendations")).status_code == 404


def test_the_coverage_files_are_read_again_from_the_cache_until_an_answer_changes(
    coordinator_client, agency_a, make_request, monkeypatch
):
    from reports import exports

    written = []
    write = exports.coverage_csv
    monkeypatch.setattr(exports, "coverage_csv", lambda *args: written.append(1) or write(*args))
    sent = force_status(make_request(agency_a), "sent")
    first = coordinator_client.get(reverse("reports:coverage-csv")).content
    assert coordinator_client.get(reverse("reports:coverage-csv")).content == first and len(written) == 1
    answer(sent, "nationality", "no")
    changed = coordinator_client.get(reverse("reports:coverage-csv")).content.decode()
    assert len(written) == 2 and changed != first.decode() and "Not collected" in changed
    json_rows = coordinator_client.get(reverse("reports:coverage-json")).json()["agencies"]
    assert json_rows[0]["cells"]["nationality"]["state"] == NOT_COLLECTED


def test_an_agency_contact_is_refused_the_coverage_files_the_coordinator_has_cached(
    coordinator_client, contact_a_client, contact_b_client, agency_a, make_request
):
    answer(force_status(make_request(agency_a), "sent"), "nationality", "no")
    for name in ("reports:coverage-csv", "reports:coverage-json"):
        assert coordinator_client.get(reverse(name)).status_code == 200
        for client in (contact_a_client, contact_b_client):
            assert client.get(reverse(name)).status_code == 404


def test_the_recommendations_page_reads_them_alone_from_the_cache_until_an_answer_changes(
    coordinator_client, agency_a, make_request, monkeypatch
):
    from reports import cached as module

    loaded = []
    load = module._coverage
    monkeypatch.setattr(module, "_coverage", lambda *args: loaded.append(1) or load(*args))

    def shown():
        recs = coordinator_client.get(reverse("reports:recommendations")).context["recommendations"]
        return [(r.title, [e.detail for e in r.evidence]) for r in recs]

    sent = force_status(make_request(agency_a), "sent")
    first = shown()
    assert shown() == first and len(loaded) == 1
    answer(sent, "nationality", "no")
    changed = shown()
    assert len(loaded) == 2 and changed != first
    assert changed == [
        (r.title, [e.detail for e in r.evidence]) for r in cached(agency_a.area, timezone.localdate())[1]
    ]


def test_the_report_reads_its_coverage_part_alone_from_the_cache_until_an_answer_changes(
    agency_a, make_request, monkeypatch
):
    from reports import exports, printed

    made = []
    make = printed.printed_coverage
    monkeypatch.setattr(exports, "printed_coverage", lambda *args: made.append(1) or make(*args))
    sent = force_status(make_request(agency_a), "sent")
    first = exports.report_context(area=agency_a.area, today=TODAY)["coverage"]
    again = exports.report_context(area=agency_a.area, today=TODAY)["coverage"]
    assert len(made) == 1 and again.by_field == first.by_field
    answer(sent, "nationality", "no")
    changed = exports.report_context(area=agency_a.area, today=TODAY)["coverage"]
    nationality = next(f for f in changed.by_field if f.field.code == "nationality")
    assert len(made) == 2 and nationality.states[2] == 1 and [r.label for r in changed.lacking] == [agency_a.name]
