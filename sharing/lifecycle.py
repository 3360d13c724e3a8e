"""The agreement review state machine as data. `services.agreement_transition` takes the edges.

draft -> submitted -> in DPO review -> changes requested (-> submitted) | rejected | approved ->
active (after SIRO sign-off) -> review due -> active again | suspended | expired | terminated.
Edges with no roles are taken only by the daily task. Who hears about an edge: the DPO when there
is something to review, the DPO and coordinators when a date passes, otherwise the agreement's
author and the coordinators; nobody when a newer version replaces it (its activation said so).
"""

from project import roles
from project.lib.lifecycle import Edge
from sharing.models import Status

C, D = roles.COORDINATOR, roles.DPO
IN_FORCE = {Status.ACTIVE}
LIVE = {Status.ACTIVE, Status.REVIEW_DUE, Status.SUSPENDED}


EDGES: dict[str, Edge] = {
    "submit": Edge(
        "Submit for DPO review",
        frozenset({Status.DRAFT, Status.CHANGES_REQUESTED}),
        Status.SUBMITTED,
        frozenset({C}),
        notify="dpo",
        style="primary",
    ),
    "start_review": Edge(
        "Start review",
        frozenset({Status.SUBMITTED}),
        Status.IN_REVIEW,
        frozenset({D}),
        notify="coordinators",
        style="primary",
    ),
    "request_changes": Edge(
        "Request changes",
        frozenset({Status.SUBMITTED, Status.IN_REVIEW}),
        Status.CHANGES_REQUESTED,
        frozenset({D}),
        note_prompt="What must change?",
        notify="coordinators",
    ),
    "reject": Edge(
        "Reject",
        frozenset({Status.SUBMITTED, Status.IN_REVIEW}),
        Status.REJECTED,
        frozenset({D}),
        note_prompt="Why is it rejected?",
        notify="coordinators",
        style="danger",
    ),
    "approve": Edge(
        "Approve",
        frozenset({Status.SUBMITTED, Status.IN_REVIEW}),
        Status.APPROVED,
        frozenset({D}),
        notify="coordinators",
        style="primary",
    ),
    "activate": Edge(
        "Record SIRO sign-off and activate",
        frozenset({Status.APPROVED}),
        Status.ACTIVE,
        frozenset({C, D}),
        notify="coordinators",
        style="primary",
    ),
    "mark_review_due": Edge(
        "Mark review due", frozenset({Status.ACTIVE}), Status.REVIEW_DUE, frozenset(), notify="dpo_and_coordinators"
    ),
    "confirm_review": Edge(
        "Confirm review: keep active",
        frozenset({Status.REVIEW_DUE}),
        Status.ACTIVE,
        frozenset({D}),
        note_prompt="What did the review find?",
        notify="coordinators",
        style="primary",
    ),
    "suspend": Edge(
        "Suspend",
        frozenset({Status.ACTIVE, Status.REVIEW_DUE}),
        Status.SUSPENDED,
        frozenset({D}),
        note_prompt="Why is sharing suspended?",
        notify="coordinators",
        style="danger",
    ),
    "resume": Edge(
        "Resume",
        frozenset({Status.SUSPENDED}),
        Status.ACTIVE,
        frozenset({D}),
        note_prompt="Why can sharing resume?",
        notify="coordinators",
    ),
    "expire": Edge("Expire", frozenset(LIVE), Status.EXPIRED, frozenset(), notify="dpo_and_coordinators"),
    "terminate": Edge(
        "Terminate",
        frozenset(LIVE),
        Status.TERMINATED,
        frozenset({C, D}),
        note_prompt="Why is the agreement ended early?",
        notify="coordinators",
        style="danger",
    ),
    "supersede": Edge("Supersede", frozenset(LIVE), Status.SUPERSEDED, frozenset()),
}


def may_take(user, edge: Edge) -> bool:
    return any(roles.has_role(user, role) for role in edge.roles)


def allowed_actions(user, status: str) -> list[tuple[str, Edge]]:
    return [(name, edge) for name, edge in EDGES.items() if status in edge.sources and may_take(user, edge)]
