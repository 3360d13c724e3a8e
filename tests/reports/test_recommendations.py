"""One test per rule, each on the smallest fixture that shows its gap, plus the ranking."""

import datetime

from catalogue.models import Source, SourceAvailability, SourceRefresh
from reports import recommendations as rules
from reports.coverage import coverage_build
from reports.recommendations.items import ITEMS
from tests.factories import answer, force_status

TODAY = datetime.date(2026, 11, 21)


def run(rule, area):
    return rule(coverage_build(area=area, today=TODAY))


def test_every_rule_is_listed_and_serves_a_checklist_item():
    assert len(rules.RULES) == len({r.__name__ for r in rules.RULES}) == 13
    assert all(rule.__doc__ for rule in rules.RULES)


def test_an_agency_that_does_not_record_a_key_field_is_told_to_start(agency_a, make_request):
    request = make_request(agency_a, fields=("nationality", "main-language", "ward", "period"))
    answer(request, "main-language", "no")
    found = {r.title: r for r in run(rules.key_field_not_collected, agency_a.area)}
    language = found["Start recording main language in 1 agency"]
    assert language.item == "fields"
    assert language.evidence[0].subject == "Agency A School"
    assert "checklist answer" in language.evidence[0].detail
    assert language.impact == 1


def test_agencies_never_asked_are_not_blamed_for_a_field(agency_b):
    assert run(rules.key_field_not_collected, agency_b.area) == []


def test_a_key_field_below_half_complete_is_flagged_with_its_figure(agency_a, agency_b, make_request):
    answer(make_request(agency_a), "nationality", "partly", measured=31.5, recorded_as="measured")
    answer(make_request(agency_b), "nationality", "yes", completeness=45)
    answer(make_request(agency_b, title="Again"), "main-language", "yes", completeness=80)
    [found] = run(rules.low_completeness, agency_a.area)
    assert found.item == "standards"
    assert [(e.subject, e.detail) for e in found.evidence] == [
        ("Agency A School", "31.5% complete (measured in a return)"),
        ("Agency B Trust", "45% complete (estimated by the agency)"),
    ]
    assert found.impact == 2


def test_an_optional_key_field_asks_for_a_mandate(agency_a, make_request):
    answer(make_request(agency_a), "nationality", "yes", mandatory="no")
    [found] = run(rules.not_mandatory, agency_a.area)
    assert (found.item, found.evidence[0].detail) == ("mandate", "optional: nationality")


def test_a_field_that_cannot_be_extracted_asks_for_standards(agency_a, make_request):
    answer(make_request(agency_a), "nationality", "yes", extractable="no")
    [found] = run(rules.not_extractable, agency_a.area)
    assert found.item == "standards"
    assert "not extractable: nationality" in found.evidence[0].detail


def test_agencies_returning_different_age_bands_are_asked_to_agree_them(agency_a, agency_b, received, add_return):
    add_return(received(agency_a), [], categories={"age_band": ["0-15", "16-64", "65+"]})
    add_return(received(agency_b), [], categories={"age_band": ["0-17", "18+"]})
    [found] = run(rules.categories_differ, agency_a.area)
    assert found.item == "categories"
    assert [e.subject for e in found.evidence] == ["Agency A School", "Agency B Trust"]
    assert found.evidence[1].detail == "0-17, 18+"


def test_the_same_categories_everywhere_raise_nothing(agency_a, agency_b, received, add_return):
    add_return(received(agency_a), [], categories={"gender": ["Female", "Male"]})
    add_return(received(agency_b), [], categories={"gender": ["Female", "Male"]})
    assert run(rules.categories_differ, agency_a.area) == []


def test_nationality_by_group_in_one_agency_and_by_country_in_another_is_flagged(
    agency_a, agency_b, received, add_return
):
    add_return(received(agency_a), [], categories={"nationality": ["country"], "nationality_group": ["EU8"]})
    add_return(received(agency_b), [], categories={"nationality_group": ["EU8", "NON-EU"]})
    [found] = run(rules.categories_differ, agency_a.area)
    assert found.title == "Report nationality by country in every agency"
    assert {(e.subject, e.detail) for e in found.evidence} == {
        ("Agency A School", "by country"),
        ("Agency B Trust", "by group only"),
    }


def test_a_provider_expecting_data_without_an_active_agreement_needs_one(agency_a, make_request, make_agreement):
    force_status(make_request(agency_a), "sent")
    make_agreement([agency_a], steps=("submit",))
    [found] = run(rules.no_active_agreement, agency_a.area)
    assert found.item == "isp-siro"
    assert found.evidence[0].detail.startswith("1 request waiting for data; ISP-")
    assert found.evidence[0].detail.endswith("is submitted for review")


def test_an_active_agreement_covering_the_request_raises_nothing(agency_a, make_request, make_agreement):
    force_status(make_request(agency_a), "sent")
    make_agreement([agency_a])
    assert run(rules.no_active_agreement, agency_a.area) == []


def test_public_data_not_taken_in_since_its_release_is_flagged(area):
    [found] = run(rules.public_data_not_refreshed, area)
    assert found.item == "refresh-public"
    # Nothing has been taken in: every source with release months or a regular frequency is behind.
    public = Source.objects.filter(stage="public")
    stale = (
        public.exclude(release_months=[]).count()
        + public.filter(
            release_months=[], frequency__in=["monthly", "quarterly", "twice-yearly", "annual", "biennial"]
        ).count()
    )
    assert found.impact == stale and found.unit == "sources"
    assert all("never recorded as taken in" in e.detail for e in found.evidence)


def test_a_regular_public_source_without_release_months_is_flagged_with_its_frequency_and_last_take_in(
    area, coordinator
):
    nino, schools, census, asylum = (
        Source.objects.get(slug=slug)
        for slug in ("nino-registrations", "school-census", "census-2011", "supported-asylum-seekers")
    )
    # The catalogue gives these their release months; without them the frequency is all there is.
    Source.objects.filter(pk__in=[nino.pk, schools.pk, asylum.pk]).update(release_months=[])
    SourceRefresh.objects.create(
        area=area, source=nino, refreshed_on=datetime.date(2026, 3, 10), recorded_by=coordinator
    )
    SourceRefresh.objects.create(
        area=area, source=schools, refreshed_on=datetime.date(2026, 9, 1), recorded_by=coordinator
    )
    [found] = run(rules.public_data_not_refreshed, area)
    evidence = {e.subject: e.detail for e in found.evidence}
    assert (
        evidence[nino.title]
        == "published quarterly (no fixed months); last taken in 10 March 2026, more than 4 months ago"
    )
    assert schools.title not in evidence  # taken in this year: an annual release is not owed yet
    assert census.title not in evidence  # a census has no interval to be behind on
    assert evidence[asylum.title] == "published quarterly (no fixed months); never recorded as taken in"


def test_local_sources_with_different_migrant_definitions_ask_for_one_definition(agency_a, agency_b, make_request):
    force_status(make_request(agency_a), "sent")
    make_request(agency_a, source=Source.objects.get(slug="homelessness-support-service"))  # a draft does not count
    force_status(make_request(agency_b, source=Source.objects.get(slug="vcs-migrant-support-organisations")), "sent")
    [found] = run(rules.definitions_differ, agency_a.area)
    assert found.item == "definitions"
    assert found.impact == 2


def test_one_definition_everywhere_raises_nothing(agency_a, agency_b, make_request):
    force_status(make_request(agency_a), "sent")
    force_status(make_request(agency_b), "sent")
    assert run(rules.definitions_differ, agency_a.area) == []


def test_themes_without_local_data_are_offered_for_prioritising(area):
    [found] = run(rules.theme_gaps, area)
    assert found.item == "prioritise-gaps"
    assert {e.subject for e in found.evidence} >= {"Education", "Housing"}


def test_appendix2_sources_nobody_asked_for_are_listed(agency_a, make_request):
    make_request(agency_a)
    [found] = run(rules.stage2_not_started, agency_a.area)
    assert "Pupils with English as an additional language (LA-held School Census data)" not in {
        e.subject for e in found.evidence
    }
    assert found.impact == Source.objects.filter(appendix="A2").count() - 1


def test_agencies_asked_for_data_with_no_answer_on_key_fields_are_asked_for_the_checklist(
    agency_a, agency_b, make_request
):
    make_request(agency_b, source=Source.objects.get(slug="homelessness-support-service"))
    [found] = run(rules.checklist_unanswered, agency_a.area)
    assert (found.item, found.title, found.impact) == (
        "prioritise-gaps",
        "Ask 1 agency to answer the field checklist",
        1,
    )
    # Agency A was never asked, so it is not chased for answers.
    assert [(e.subject, e.detail) for e in found.evidence] == [
        ("Agency B Trust", "1 request, no answer on the key fields")
    ]


def test_an_agency_that_answered_the_checklist_is_not_asked_again(agency_b, make_request):
    request = make_request(agency_b, source=Source.objects.get(slug="homelessness-support-service"))
    answer(request, "nationality", "yes")
    assert run(rules.checklist_unanswered, agency_b.area) == []


def test_an_agency_that_sent_data_once_is_asked_for_a_regular_snapshot(agency_a, agency_b, received, make_request):
    received(agency_a)
    force_status(make_request(agency_b, recurrence="quarterly"), "completed")
    [found] = run(rules.no_regular_snapshot, agency_a.area)
    assert (found.item, [e.subject for e in found.evidence]) == ("central-snapshots", ["Agency A School"])


def test_unchecked_appendix3_sources_ask_for_a_central_record(area, coordinator):
    total = Source.objects.filter(stage="qualitative").count()
    checked = Source.objects.filter(stage="qualitative").first()
    SourceAvailability.objects.create(area=area, source=checked, available="yes", updated_by=coordinator)
    [found] = run(rules.local_sources_unchecked, area)
    assert found.item == "register"
    assert found.impact == total - 1


def test_recommendations_are_ranked_by_how_many_they_would_improve(agency_a, agency_b, make_request):
    for agency in (agency_a, agency_b):
        answer(make_request(agency), "nationality", "no")
    answer(make_request(agency_a, title="Again"), "main-language", "no")
    ranked = rules.recommend(coverage_build(area=agency_a.area, today=TODAY))
    impacts = [r.impact for r in ranked]
    assert impacts == sorted(impacts, reverse=True)
    titles = [r.title for r in ranked]
    assert titles.index("Start recording nationality in 2 agencies") < titles.index(
        "Start recording main language in 1 agency"
    )
    assert all(r.item in ITEMS for r in ranked)
