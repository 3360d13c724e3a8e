"""The coordinator edits the plan, the checklist decisions and the register; the DPO reads them;
agency contacts are told none of it exists."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue.models import Definition
from planning import services
from planning.models import ChecklistDecision, Engagement, Milestone, Plan
from planning.toolkit import CHECKLIST

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 2)


@pytest.fixture
def milestone(area):
    return services.milestone_add(area=area, title="Partners meet", owner="Sam", due_on=DAY)


@pytest.fixture
def entry(area, coordinator):
    values = {"title": "Focus group", "kind": "focus-group", "community": "Parents", "owner": "CVS", "starts_on": DAY}
    return services.engagement_add(area=area, user=coordinator, values=values)


def urls(milestone, entry):
    return [
        ("get", reverse("planning:plan")),
        ("get", reverse("planning:edit")),
        ("post", reverse("planning:edit")),
        ("post", reverse("planning:milestone-add")),
        ("post", reverse("planning:milestone-done", args=[milestone.pk])),
        ("post", reverse("planning:milestone-delete", args=[milestone.pk])),
        ("get", reverse("planning:checklist")),
        ("post", reverse("planning:decide", args=["jsna"])),
        ("get", reverse("planning:register")),
        ("post", reverse("planning:register")),
        ("get", reverse("planning:engagement", args=[entry.pk])),
        ("post", reverse("planning:engagement", args=[entry.pk])),
        ("post", reverse("planning:engagement-delete", args=[entry.pk])),
    ]


def test_an_agency_contact_gets_404_from_every_plan_page(contact_a_client, milestone, entry):
    for method, url in urls(milestone, entry):
        assert getattr(contact_a_client, method)(url, {}).status_code == 404, url
    assert Milestone.objects.count() == 1 and Engagement.objects.count() == 1


def test_the_dpo_reads_the_plan_pages_and_changes_nothing(dpo_client, milestone, entry):
    for method, url in urls(milestone, entry):
        expected = 200 if method == "get" and "edit" not in url and "register/" + str(entry.pk) not in url else 403
        assert getattr(dpo_client, method)(url, {}).status_code == expected, url
    assert Milestone.objects.get().done_on is None and Engagement.objects.count() == 1
    assert not Plan.objects.filter(aims__gt="").exists()


def test_the_plan_page_says_what_to_do_first_when_empty(area, coordinator_client, dpo_client):
    assert b"Start with step 1" in coordinator_client.get(reverse("planning:plan")).content
    assert b"The coordinator writes it" in dpo_client.get(reverse("planning:plan")).content


def test_the_coordinator_writes_the_plan_in_three_steps(area, agency_a, coordinator_client):
    form = coordinator_client.get(reverse("planning:edit"))
    assert [len(form.context[s]) for s in ("step1", "step2", "step3")] == [7, 10, 4]
    definition = Definition.objects.filter(kind="migrant-definition").first()
    answer = coordinator_client.post(
        reverse("planning:edit"),
        {
            "lead_name": "Sam Lead",
            "sponsor_name": "Director of Public Health",
            "aims": "Understand new arrivals.",
            "scope": "comprehensive",
            "partners": [agency_a.pk],
            "definitions": [definition.pk],
            "definitions_reason": "Matches the census.",
            "benefits": ["funding"],
        },
    )
    assert answer.status_code == 302
    page = coordinator_client.get(reverse("planning:plan")).content.decode()
    for text in ("Sam Lead", "Understand new arrivals.", agency_a.name, definition.term, "Matches the census."):
        assert text in page


def test_a_focused_plan_must_say_its_focus(area, coordinator_client):
    answer = coordinator_client.post(reverse("planning:edit"), {"scope": "focused"})
    assert answer.status_code == 200 and "focus" in answer.context["form"].errors
    assert not Plan.objects.exists()


def test_the_coordinator_adds_and_completes_a_milestone_and_an_overdue_one_shows_at_home(area, coordinator_client):
    coordinator_client.post(
        reverse("planning:milestone-add"), {"title": "Stage 1 done", "owner": "Sam", "due_on": "2026-01-05"}
    )
    milestone = Milestone.objects.get()
    home = coordinator_client.get(reverse("home"))
    assert [m.title for m in home.context["overdue_milestones"]] == ["Stage 1 done"]
    assert b"1 plan milestone overdue" in home.content
    coordinator_client.post(reverse("planning:milestone-done", args=[milestone.pk]), {"done_on": "2026-01-06"})
    assert Milestone.objects.get().done_on == datetime.date(2026, 1, 6)
    assert coordinator_client.get(reverse("home")).context["overdue_milestones"] == []


def test_the_dpos_home_shows_no_milestones(area, dpo_client, milestone):
    assert dpo_client.get(reverse("home")).context["overdue_milestones"] == []


def test_the_coordinator_records_a_checklist_decision(area, coordinator_client):
    answer = coordinator_client.post(
        reverse("planning:decide", args=["jsna"]),
        {"jsna-decision": "in-progress", "jsna-note": "Chapter drafted", "jsna-decided_on": "2026-02-01"},
    )
    assert answer.status_code == 302 and answer["Location"].endswith("#item-jsna")
    assert ChecklistDecision.objects.get(item="jsna").decision == "in-progress"
    page = coordinator_client.get(reverse("planning:checklist"))
    assert b"0 of 19 done" in page.content and b"Chapter drafted" in page.content


def test_an_unknown_checklist_item_is_404(area, coordinator_client):
    assert coordinator_client.post(reverse("planning:decide", args=["nope"]), {}).status_code == 404


def test_the_register_flags_the_same_community_asked_twice_close_together(area, coordinator_client, entry):
    answer = coordinator_client.post(
        reverse("planning:register"),
        {
            "title": "Parents survey",
            "kind": "survey",
            "status": "planned",
            "community": "parents",
            "owner": "Council",
            "starts_on": "2026-03-20",
        },
    )
    assert answer.status_code == 302
    page = coordinator_client.get(reverse("planning:register")).content.decode()
    assert "consultation fatigue" in page and "Parents survey" in page


def test_the_register_says_what_to_do_when_empty(area, coordinator_client):
    assert b"Add the local research" in coordinator_client.get(reverse("planning:register")).content


def test_the_coordinator_edits_and_removes_a_register_entry(area, coordinator_client, entry):
    data = {"title": "Renamed", "kind": "interviews", "status": "done", "owner": "CVS", "starts_on": "2026-03-02"}
    assert coordinator_client.post(reverse("planning:engagement", args=[entry.pk]), data).status_code == 302
    assert Engagement.objects.get().title == "Renamed"
    coordinator_client.post(reverse("planning:engagement-delete", args=[entry.pk]))
    assert not Engagement.objects.exists()


@pytest.mark.parametrize("name", ["planning:plan", "planning:checklist", "planning:register"])
def test_plan_pages_run_as_many_queries_for_many_rows_as_for_one(
    area, agency_a, agency_b, coordinator, coordinator_client, name
):
    def grow(n):
        for i in range(n):
            services.milestone_add(area=area, title=f"Step {i}", owner="Sam", due_on=DAY)
            values = {
                "title": f"Group {i}",
                "kind": "focus-group",
                "community": "Parents",
                "owner": "CVS",
                "starts_on": DAY,
            }
            services.engagement_add(area=area, user=coordinator, values=values)
            services.checklist_decide(
                area=area, item=list(CHECKLIST)[i], decision="done", note="", on=DAY, user=coordinator
            )

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert coordinator_client.get(reverse(name)).status_code == 200
        return len(queries)

    services.plan_update(
        area=area, user=coordinator, values={}, partners=[agency_a], definitions=[], geography_level=None, benefits=[]
    )
    grow(1)
    few = count()
    grow(5)
    Plan.objects.get().partners.add(agency_b)
    assert count() == few
