import datetime

import pytest
from django.core.exceptions import ValidationError

from catalogue.models import Agency, Definition, GeographyLevel
from planning import selectors, services
from planning.models import ChecklistDecision, Engagement

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 2)


def test_the_plan_records_partners_definitions_and_geography(area, agency_a, coordinator):
    chosen = list(Definition.objects.filter(kind="migrant-definition")[:2])
    ward = GeographyLevel.objects.get(code="ward")
    plan = services.plan_update(
        area=area,
        user=coordinator,
        values={"aims": "Know who lives here.", "scope": "focused", "focus": "School places"},
        partners=[agency_a],
        definitions=chosen,
        geography_level=ward,
        benefits=["commissioning", "funding"],
    )
    plan = selectors.plan_for(area)
    assert (plan.aims, plan.scope, plan.geography_level, plan.updated_by) == (
        "Know who lives here.",
        "focused",
        ward,
        coordinator,
    )
    assert list(plan.partners.all()) == [agency_a] and set(plan.definitions.all()) == set(chosen)
    assert plan.benefit_texts[1] == "Information for grant applications and funding bids"


def test_the_plan_refuses_another_areas_agency_and_unknown_answers(area, coordinator):
    other = Agency(name="Elsewhere", area_id=area.pk + 1)
    with pytest.raises(ValidationError):
        services.plan_update(
            area=area, user=coordinator, values={}, partners=[other], definitions=[], geography_level=None, benefits=[]
        )
    with pytest.raises(ValidationError):
        services.plan_update(
            area=area,
            user=coordinator,
            values={"area": 3},
            partners=[],
            definitions=[],
            geography_level=None,
            benefits=[],
        )
    with pytest.raises(ValidationError):
        services.plan_update(
            area=area, user=coordinator, values={}, partners=[], definitions=[], geography_level=None, benefits=["x"]
        )


def test_overdue_milestones_are_the_open_ones_past_their_date(area):
    late = services.milestone_add(area=area, title="Partners meet", owner="Sam", due_on=DAY)
    services.milestone_add(area=area, title="Report", owner="Sam", due_on=DAY + datetime.timedelta(days=30))
    done = services.milestone_add(area=area, title="Kick-off", owner="Sam", due_on=DAY - datetime.timedelta(days=9))
    services.milestone_complete(milestone=done, on=DAY)
    assert list(selectors.overdue_milestones(area, DAY + datetime.timedelta(days=1))) == [late]


def test_a_milestone_cannot_be_done_in_the_future(area):
    milestone = services.milestone_add(area=area, title="Report", owner="Sam", due_on=DAY)
    with pytest.raises(ValidationError):
        services.milestone_complete(milestone=milestone, on=datetime.date.today() + datetime.timedelta(days=1))


def test_a_new_decision_on_a_checklist_item_replaces_the_old_one(area, coordinator):
    services.checklist_decide(area=area, item="jsna", decision="accepted", note="", on=DAY, user=coordinator)
    services.checklist_decide(
        area=area, item="jsna", decision="done", note="In the 2026 JSNA", on=DAY, user=coordinator
    )
    [row] = ChecklistDecision.objects.filter(area=area)
    assert (row.decision, row.note) == ("done", "In the 2026 JSNA")
    progress = selectors.checklist_progress(area)
    assert (progress.done, progress.undecided, progress.total) == (1, 18, 19)


def test_a_decision_needs_a_known_item_a_known_decision_and_a_past_date(area, coordinator):
    for item, decision, on in [
        ("no-such-item", "done", DAY),
        ("jsna", "maybe", DAY),
        ("jsna", "done", datetime.date.today() + datetime.timedelta(days=1)),
    ]:
        with pytest.raises(ValidationError):
            services.checklist_decide(area=area, item=item, decision=decision, note="", on=on, user=coordinator)
    assert not ChecklistDecision.objects.exists()


def add(area, coordinator, title, community, day, **extra):
    values = {"title": title, "kind": "focus-group", "community": community, "owner": "CVS", "starts_on": day}
    return services.engagement_add(area=area, user=coordinator, values={**values, **extra})


def test_two_engagements_with_the_same_community_close_together_are_flagged(area, coordinator, settings):
    settings.TRACKER_ENGAGEMENT_GAP_DAYS = 30
    first = add(area, coordinator, "Parents' focus group", "Romanian parents", DAY)
    second = add(area, coordinator, "Parents' survey", "romanian parents ", DAY + datetime.timedelta(days=29))
    add(area, coordinator, "Later interviews", "Romanian parents", DAY + datetime.timedelta(days=70))
    add(area, coordinator, "Elders' event", "Polish elders", DAY)
    close = {row.engagement.title: [e.title for e in row.too_close] for row in selectors.engagement_register(area)}
    assert close == {
        first.title: [second.title],
        second.title: [first.title],
        "Later interviews": [],
        "Elders' event": [],
    }


def test_the_gap_is_counted_from_the_end_of_work_that_runs_over_days(area, coordinator, settings):
    settings.TRACKER_ENGAGEMENT_GAP_DAYS = 14
    add(area, coordinator, "Survey", "Students", DAY, kind="survey", ends_on=DAY + datetime.timedelta(days=30))
    add(area, coordinator, "Interviews", "Students", DAY + datetime.timedelta(days=40), kind="interviews")
    assert all(row.too_close for row in selectors.engagement_register(area))
    settings.TRACKER_ENGAGEMENT_GAP_DAYS = 7
    assert not any(row.too_close for row in selectors.engagement_register(area))


def test_an_engagement_cannot_end_before_it_starts(area, coordinator):
    with pytest.raises(ValidationError):
        add(area, coordinator, "Survey", "All", DAY, ends_on=DAY - datetime.timedelta(days=1))
    assert not Engagement.objects.exists()
