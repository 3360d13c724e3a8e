"""The agreement edge table as the engine takes it: who hears about each edge, how it is audited,
and the one stale-page error for edits and actions alike. (Which roles take which edge from which
state: test_services.)"""

import pytest

from notifications.models import Notification
from project.lib.lifecycle import Stale
from sharing.lifecycle import EDGES, allowed_actions
from sharing.models import AuditEntry, SharingAgreement, Status
from sharing.services import agreement_transition, agreement_update
from tests.factories import START, force_agreement_status

pytestmark = pytest.mark.django_db

HEARD_BY = {
    "dpo": {"dpo"},
    "dpo_and_coordinators": {"dpo", "coordinator"},
    "coordinators": {"coordinator"},  # the agreement's author is the coordinator persona
}


def take(agreement, action, *, user, note="Because."):
    return agreement_transition(
        agreement=agreement, action=action, user=user, note=note, on=START, siro_name="Pat Senior", siro_signed_on=START
    )


@pytest.mark.parametrize("action", [name for name, edge in EDGES.items() if edge.notify])
def test_each_edge_tells_the_people_it_names(action, make_agreement, agency_a, coordinator, dpo):
    edge = EDGES[action]
    actor = None if not edge.roles else dpo if "DPO" in edge.roles else coordinator
    agreement = force_agreement_status(make_agreement([agency_a], steps=()), sorted(edge.sources)[0])
    Notification.objects.all().delete()
    take(agreement, action, user=actor)
    people = {"dpo": dpo, "coordinator": coordinator}
    told = {name for name, user in people.items() if Notification.objects.filter(user=user).exists()}
    assert told == HEARD_BY[edge.notify]


def test_the_one_who_took_the_edge_is_not_told_about_it(make_agreement, agency_a, coordinator):
    agreement = make_agreement([agency_a])
    Notification.objects.all().delete()
    take(agreement, "terminate", user=coordinator)
    assert not Notification.objects.filter(user=coordinator).exists()


def test_a_version_replaced_by_a_newer_one_tells_nobody(make_agreement, agency_a):
    agreement = make_agreement([agency_a])
    Notification.objects.all().delete()
    assert take(agreement, "supersede", user=None).status == Status.SUPERSEDED
    assert not Notification.objects.exists()


def test_approval_is_audited_as_an_approval_and_other_edges_as_a_status_change(make_agreement, agency_a, dpo):
    agreement = make_agreement([agency_a], steps=("submit",))
    take(agreement, "start_review", user=dpo)
    take(agreement, "approve", user=dpo)
    actions = list(AuditEntry.objects.filter(agreement=agreement).order_by("pk").values_list("action", flat=True))
    assert actions[-2:] == [AuditEntry.Action.AGREEMENT_TRANSITION, AuditEntry.Action.AGREEMENT_APPROVED]


def test_a_stale_edit_and_a_stale_action_raise_the_same_error(make_agreement, agency_a, coordinator):
    agreement = make_agreement([agency_a], steps=())
    seen = agreement.lock_version
    take(SharingAgreement.objects.get(pk=agreement.pk), "submit", user=coordinator)
    with pytest.raises(Stale, match="Someone changed this agreement after you opened the page"):
        agreement_transition(agreement=agreement, action="submit", user=coordinator, expected_version=seen)
    draft = make_agreement([agency_a], steps=())
    with pytest.raises(Stale, match="Someone changed this agreement after you opened the page"):
        agreement_update(
            agreement=draft,
            user=coordinator,
            data_items=list(draft.data_items.all()),
            providers=[agency_a],
            expected_version=draft.lock_version - 1,
            title="New title",
        )


def test_the_buttons_offered_are_the_edges_a_role_may_take_from_the_state(coordinator, dpo):
    assert {name for name, _ in allowed_actions(dpo, Status.SUBMITTED)} == {
        "start_review",
        "request_changes",
        "reject",
        "approve",
    }
    assert {name for name, _ in allowed_actions(coordinator, Status.ACTIVE)} == {"terminate"}
