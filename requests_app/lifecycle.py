"""The data request and return state machines: the allowed transitions as data, and how the
deadline follows from the timeline. `services.requests.request_transition` is the one service that
takes a request's edge and `services.processing` takes a return's, both through the engine in
`project.lib.lifecycle`; nothing else assigns a status.

draft -> sent -> acknowledged -> clarification requested (clock paused) -> data received ->
under query -> completed | partially completed | not held | refused | withdrawn; a coordinator
may reopen a finished request.

A return: queued -> reading -> validating -> storing -> done, or failed | quarantined after
validating; a return whose task was lost goes back to queued, and one that ran out of time or
killed its worker again and again fails as too large or too complex.
"""

from datetime import date

from django.utils import timezone

from project import roles
from project.lib.lifecycle import Edge
from requests_app import deadlines
from requests_app.models import FINISHED, DataRequest, RequestEvent, Return, Status
from requests_app.permissions import ActionChecker

C, A = roles.COORDINATOR, roles.AGENCY_CONTACT


def _reopen_target(request: DataRequest) -> str:
    if request.received_on:
        return Status.UNDER_QUERY
    return Status.ACKNOWLEDGED if request.sent_on else Status.DRAFT


EDGES: dict[str, Edge] = {
    "send": Edge(
        "Send to the agency", frozenset({Status.DRAFT}), Status.SENT, frozenset({C}), notify="agency", style="primary"
    ),
    "acknowledge": Edge(
        "Acknowledge",
        frozenset({Status.SENT}),
        Status.ACKNOWLEDGED,
        frozenset({A, C}),
        notify="coordinator",
        style="primary",
    ),
    "ask_clarification": Edge(
        "Ask a question (pauses the clock)",
        frozenset({Status.SENT, Status.ACKNOWLEDGED}),
        Status.CLARIFICATION,
        frozenset({A, C}),
        note_prompt="What needs clarifying?",
        notify="coordinator",
    ),
    "answer_clarification": Edge(
        "Answer the question (restarts the clock)",
        frozenset({Status.CLARIFICATION}),
        Status.ACKNOWLEDGED,
        frozenset({C}),
        note_prompt="Your answer to the agency",
        notify="agency",
        style="primary",
    ),
    "mark_received": Edge(
        "Mark data as sent",
        frozenset({Status.SENT, Status.ACKNOWLEDGED, Status.UNDER_QUERY}),
        Status.RECEIVED,
        frozenset({A, C}),
        notify="coordinator",
        style="primary",
    ),
    "raise_query": Edge(
        "Raise a query about the data",
        frozenset({Status.RECEIVED}),
        Status.UNDER_QUERY,
        frozenset({C}),
        note_prompt="What is wrong with the data?",
        notify="agency",
    ),
    "complete": Edge(
        "Complete",
        frozenset({Status.RECEIVED, Status.UNDER_QUERY}),
        Status.COMPLETED,
        frozenset({C}),
        notify="agency",
        style="primary",
    ),
    "complete_partially": Edge(
        "Complete with gaps",
        frozenset({Status.RECEIVED, Status.UNDER_QUERY}),
        Status.PARTIALLY_COMPLETED,
        frozenset({C}),
        note_prompt="What is missing?",
        notify="agency",
    ),
    "not_held": Edge(
        "We do not hold this data",
        frozenset({Status.SENT, Status.ACKNOWLEDGED, Status.CLARIFICATION}),
        Status.NOT_HELD,
        frozenset({A, C}),
        note_prompt="Which fields are not recorded, and why?",
        notify="coordinator",
    ),
    "refuse": Edge(
        "Refuse",
        frozenset({Status.SENT, Status.ACKNOWLEDGED, Status.CLARIFICATION}),
        Status.REFUSED,
        frozenset({A, C}),
        note_prompt="Why can the data not be shared?",
        notify="coordinator",
        style="danger",
    ),
    "withdraw": Edge(
        "Withdraw",
        frozenset(
            {Status.DRAFT, Status.SENT, Status.ACKNOWLEDGED, Status.CLARIFICATION, Status.RECEIVED, Status.UNDER_QUERY}
        ),
        Status.WITHDRAWN,
        frozenset({C}),
        note_prompt="Why is it withdrawn?",
        notify="agency",
        style="danger",
    ),
    "reopen": Edge(
        "Reopen", frozenset(FINISHED), _reopen_target, frozenset({C}), note_prompt="Why reopen it?", notify="agency"
    ),
}

R = Return.Status
# A task redelivered after a crash finds its return part-way and starts again; a finished return
# is never processed twice, and a run overtaken by another stops at its next step.
UNFINISHED = frozenset(R) - frozenset(Return.FINAL)
RETURN_EDGES: dict[str, Edge] = {
    "start": Edge("Read the file", UNFINISHED, R.READING),
    "validate": Edge("Check the data", frozenset({R.READING}), R.VALIDATING),
    "quarantine": Edge("Hold as possible personal data", frozenset({R.VALIDATING}), R.QUARANTINED),
    "fail": Edge("Report the problems", frozenset({R.VALIDATING}), R.FAILED),
    "store": Edge("Store the counts", frozenset({R.VALIDATING}), R.STORING),
    "finish": Edge("Finish", frozenset({R.STORING}), R.DONE),
    "requeue": Edge("Send again", UNFINISHED, R.QUEUED),  # its task was lost
    "give_up": Edge("Refuse as too large or too complex", UNFINISHED, R.FAILED),  # out of time, or killed again
}


def pauses(request: DataRequest) -> list[deadlines.Pause]:
    """Clarification periods, from the timeline."""
    found, start = [], None
    for event in request.events.filter(kind=RequestEvent.Kind.TRANSITION).order_by("created_at", "pk"):
        if event.to_status == Status.CLARIFICATION:
            start = event.happened_on
        elif event.from_status == Status.CLARIFICATION and start is not None:
            found.append(deadlines.Pause(start, event.happened_on))
            start = None
    if start is not None:
        found.append(deadlines.Pause(start, None))
    return found


def deadline_for(request: DataRequest, today: date | None = None) -> deadlines.Deadline | None:
    if not request.sent_on:
        return None
    note = f"({request.agency.organisation_type.name}: {request.agency.allowed_working_days()} by default)"
    return deadlines.compute_deadline(
        sent_on=request.sent_on,
        working_days=request.response_working_days,
        pauses=pauses(request),
        today=today or timezone.localdate(),
        allowance_note=note,
    )


def allowed_actions(user, request: DataRequest) -> list[tuple[str, Edge]]:
    checker = ActionChecker(user)
    return [
        (name, edge)
        for name, edge in EDGES.items()
        if request.status in edge.sources and checker.may(request, edge.roles)
    ]


def offered_actions(user, request: DataRequest) -> list[tuple[str, Edge]]:
    """What the request page offers: each side only its own moves. An action the agency may take is
    the agency's, so the coordinator is not offered it, though the service still lets a coordinator
    record it for an agency that answered outside the tracker."""
    allowed = allowed_actions(user, request)
    if roles.is_agency_contact(user):
        return allowed
    return [(name, edge) for name, edge in allowed if A not in edge.roles]
