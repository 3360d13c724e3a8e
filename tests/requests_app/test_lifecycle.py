import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from project.lib.lifecycle import Stale
from requests_app.lifecycle import EDGES, allowed_actions, deadline_for, offered_actions
from requests_app.models import DataRequest, RequestEvent, Status
from requests_app.services.requests import request_transition
from tests.factories import force_status, rolled_back

pytestmark = pytest.mark.django_db

PERSONAS = ["coordinator", "contact_a", "contact_b", "dpo"]
ROLE_OF = {"coordinator": "Coordinator", "contact_a": "Agency contact", "contact_b": "Agency contact", "dpo": "DPO"}


def expected(persona: str, action: str, status: str) -> str:
    edge = EDGES[action]
    if status not in edge.sources:
        return "wrong-state"
    if ROLE_OF[persona] not in edge.roles or persona == "contact_b":  # contact_b belongs to another agency
        return "forbidden"
    return "ok"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", list(EDGES))
def test_each_action_is_allowed_only_from_its_states_and_for_its_roles(
    persona, action, request, agency_a, contact_a, contact_b, make_request
):
    user = request.getfixturevalue(persona)
    made = make_request(agency_a)
    for status in Status:
        with rolled_back():  # each state starts from the request as made
            data_request = force_status(DataRequest.objects.get(pk=made.pk), status)
            outcome = expected(persona, action, status)
            if outcome == "ok":
                target = EDGES[action].target_for(data_request)
                done = request_transition(request=data_request, action=action, user=user, note="Because.")
                assert done.status == target
                event = done.events.get(kind=RequestEvent.Kind.TRANSITION)
                assert (event.actor, event.from_status, event.action) == (user, status, action)
            else:
                error = ValidationError if outcome == "wrong-state" else PermissionDenied
                with pytest.raises(error):
                    request_transition(request=data_request, action=action, user=user, note="Because.")
                assert DataRequest.objects.get(pk=data_request.pk).status == status
                assert not data_request.events.filter(kind=RequestEvent.Kind.TRANSITION).exists()


def test_allowed_actions_match_the_table_for_each_role(agency_a, coordinator, contact_a, contact_b, dpo, make_request):
    data_request = force_status(make_request(agency_a), Status.SENT)
    assert {name for name, _ in allowed_actions(coordinator, data_request)} == {
        "acknowledge",
        "ask_clarification",
        "mark_received",
        "not_held",
        "refuse",
        "withdraw",
    }
    assert {name for name, _ in allowed_actions(contact_a, data_request)} == {
        "acknowledge",
        "ask_clarification",
        "mark_received",
        "not_held",
        "refuse",
    }
    assert allowed_actions(contact_b, data_request) == []
    assert allowed_actions(dpo, data_request) == []


def test_each_side_is_offered_only_its_own_moves(agency_a, coordinator, contact_a, dpo, make_request):
    sent = force_status(make_request(agency_a), Status.SENT)
    assert [name for name, _ in offered_actions(coordinator, sent)] == ["withdraw"]
    assert {name for name, _ in offered_actions(contact_a, sent)} == {
        name for name, _ in allowed_actions(contact_a, sent)
    }
    assert offered_actions(dpo, sent) == []
    asked = force_status(make_request(agency_a), Status.CLARIFICATION)
    assert [name for name, _ in offered_actions(coordinator, asked)] == ["answer_clarification", "withdraw"]
    assert "answer_clarification" not in {name for name, _ in offered_actions(contact_a, asked)}


def test_actions_that_need_a_reason_refuse_a_blank_note(agency_a, coordinator, make_request):
    data_request = force_status(make_request(agency_a), Status.SENT)
    with pytest.raises(ValidationError, match="Why can the data not be shared"):
        request_transition(request=data_request, action="refuse", user=coordinator, note="  ")


def test_reopening_returns_to_where_the_work_was(agency_a, coordinator, make_request):
    finished_with_data = force_status(make_request(agency_a), Status.COMPLETED)
    assert (
        request_transition(request=finished_with_data, action="reopen", user=coordinator, note="Figures revised").status
        == Status.UNDER_QUERY
    )
    refused = force_status(make_request(agency_a), Status.REFUSED)
    refused.received_on = None
    assert (
        request_transition(request=refused, action="reopen", user=coordinator, note="Agreement now signed").status
        == Status.ACKNOWLEDGED
    )
    withdrawn_draft = force_status(make_request(agency_a), Status.DRAFT)
    request_transition(request=withdrawn_draft, action="withdraw", user=coordinator, note="Not needed")
    assert (
        request_transition(request=withdrawn_draft, action="reopen", user=coordinator, note="Needed after all").status
        == Status.DRAFT
    )


def test_a_stale_page_cannot_overwrite_a_newer_change(agency_a, coordinator, contact_a, make_request):
    data_request = force_status(make_request(agency_a), Status.SENT)
    seen_version = data_request.version
    stale_copy = DataRequest.objects.get(pk=data_request.pk)
    request_transition(request=data_request, action="acknowledge", user=contact_a, expected_version=seen_version)
    with pytest.raises(Stale):
        request_transition(
            request=stale_copy, action="withdraw", user=coordinator, note="x", expected_version=seen_version
        )
    assert DataRequest.objects.get(pk=data_request.pk).status == Status.ACKNOWLEDGED


def test_two_changes_from_the_same_state_cannot_both_happen(agency_a, coordinator, contact_a, make_request):
    data_request = force_status(make_request(agency_a), Status.SENT)
    copy_one, copy_two = DataRequest.objects.get(pk=data_request.pk), DataRequest.objects.get(pk=data_request.pk)
    request_transition(request=copy_one, action="refuse", user=contact_a, note="No agreement")
    with pytest.raises(ValidationError):
        request_transition(request=copy_two, action="acknowledge", user=contact_a)
    assert DataRequest.objects.get(pk=data_request.pk).status == Status.REFUSED


def test_sending_sets_a_working_day_due_date_that_skips_easter(agency_b, coordinator, make_request):
    data_request = make_request(agency_b)  # an acute trust: 20 working days
    sent = request_transition(request=data_request, action="send", user=coordinator, on=datetime.date(2026, 3, 23))
    # 23 March + 20 working days, skipping Good Friday (3 April) and Easter Monday (6 April) = 22 April.
    assert sent.sent_on == datetime.date(2026, 3, 23)
    assert sent.due_date == datetime.date(2026, 4, 22)


def test_schools_get_longer_by_default(agency_a, make_request):
    assert make_request(agency_a).response_working_days == 30


def test_a_clarification_pauses_the_clock_until_it_is_answered(agency_b, coordinator, contact_b, make_request):
    data_request = make_request(agency_b)
    request_transition(request=data_request, action="send", user=coordinator, on=datetime.date(2026, 3, 23))
    request_transition(
        request=data_request,
        action="ask_clarification",
        user=contact_b,
        note="Which wards?",
        on=datetime.date(2026, 3, 25),
    )
    request_transition(
        request=data_request,
        action="answer_clarification",
        user=coordinator,
        note="Current wards.",
        on=datetime.date(2026, 3, 30),
    )
    data_request.refresh_from_db()
    # Paused 26, 27 and 30 March: three working days, so 22 April moves to 27 April (weekend in between).
    assert data_request.due_date == datetime.date(2026, 4, 27)
    deadline = deadline_for(data_request, today=datetime.date(2026, 4, 1))
    assert deadline.paused_working_days == 3
    assert any("Good Friday" in line for line in deadline.explanation)
    assert any("stopped for 3 working days" in line for line in deadline.explanation)


@pytest.mark.parametrize("action", [name for name, edge in EDGES.items() if edge.notify])
def test_each_edge_tells_the_side_it_names(action, agency_a, coordinator, contact_a, make_request):
    edge = EDGES[action]
    # The agency takes what it may, so that each side hears only from the other.
    actor = contact_a if edge.notify == "coordinator" else coordinator
    data_request = force_status(make_request(agency_a), sorted(edge.sources)[0])
    request_transition(request=data_request, action=action, user=actor, note="Because.")
    told = {
        name for name, user in {"agency": contact_a, "coordinator": coordinator}.items() if user.notifications.exists()
    }
    assert told == {edge.notify}


def test_marking_data_received_keeps_the_first_day_it_arrived(agency_a, coordinator, make_request):
    data_request = force_status(make_request(agency_a), Status.UNDER_QUERY)
    first = data_request.received_on
    received = request_transition(request=data_request, action="mark_received", user=coordinator)
    assert received.received_on == first
    fresh = force_status(make_request(agency_a), Status.SENT)
    day = datetime.date(2026, 3, 20)
    assert request_transition(request=fresh, action="mark_received", user=coordinator, on=day).received_on == day


def test_a_request_reopened_to_draft_is_no_longer_sent(agency_a, coordinator, make_request):
    data_request = make_request(agency_a)
    request_transition(request=data_request, action="withdraw", user=coordinator, note="Not needed")
    reopened = request_transition(request=data_request, action="reopen", user=coordinator, note="Needed after all")
    assert (reopened.status, reopened.sent_on, reopened.due_date) == (Status.DRAFT, None, None)
