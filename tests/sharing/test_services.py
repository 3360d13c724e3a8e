import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from catalogue.models import Field
from notifications.models import Notification
from sharing.lifecycle import EDGES
from sharing.models import AgreementEvent, AuditEntry, SharingAgreement, Status
from sharing.selectors import agreement_diff
from sharing.services import CONTENT_FIELDS, agreement_amend, agreement_transition, agreement_update, agreements_refresh
from tests.factories import START, force_agreement_status, rolled_back

pytestmark = pytest.mark.django_db

PERSONAS = ["coordinator", "dpo", "contact_a", "system"]
ROLE_OF = {"coordinator": "Coordinator", "dpo": "DPO", "contact_a": "Agency contact", "system": None}


def expected(persona, action, status):
    edge = EDGES[action]
    if status not in edge.sources:
        return "wrong-state"
    if persona == "system":
        return "ok" if not edge.roles else "forbidden"
    return "ok" if ROLE_OF[persona] in edge.roles else "forbidden"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", list(EDGES))
def test_each_action_is_allowed_only_from_its_states_and_for_its_roles(
    persona, action, request, make_agreement, agency_a, contact_a
):
    user = None if persona == "system" else request.getfixturevalue(persona)
    made = make_agreement([agency_a], steps=())
    for status in Status:
        with rolled_back():  # each state starts from the agreement as made
            agreement = force_agreement_status(SharingAgreement.objects.get(pk=made.pk), status)
            outcome = expected(persona, action, status)
            if outcome == "ok":
                done = agreement_transition(
                    agreement=agreement,
                    action=action,
                    user=user,
                    note="Because.",
                    on=START,
                    siro_name="Pat Senior",
                    siro_signed_on=START,
                )
                assert done.status == EDGES[action].target
                event = done.events.get(action=action)
                assert (event.actor, event.from_status) == (user, status)
                # The log is read by people: state names, not codes.
                change = f"{status.label} → {Status(EDGES[action].target).label}"
                assert AuditEntry.objects.filter(agreement=done, detail__startswith=change).exists()
            else:
                with pytest.raises(ValidationError if outcome == "wrong-state" else PermissionDenied):
                    agreement_transition(
                        agreement=agreement,
                        action=action,
                        user=user,
                        note="Because.",
                        on=START,
                        siro_name="Pat Senior",
                        siro_signed_on=START,
                    )
                assert SharingAgreement.objects.get(pk=agreement.pk).status == status


def test_only_the_dpo_approves_rejects_or_suspends():
    for action in ("approve", "reject", "suspend"):
        assert EDGES[action].roles == {"DPO"}


def test_a_special_category_field_needs_article_9_and_schedule_1_conditions(make_agreement, agency_a):
    with pytest.raises(ValidationError, match="Ethnicity is special category data"):
        make_agreement([agency_a], fields=("nationality", "ethnicity"), steps=())
    assert not SharingAgreement.objects.exists()
    agreement = make_agreement(
        [agency_a],
        fields=("nationality", "ethnicity"),
        steps=("submit",),
        article9_condition="9(2)(g)",
        schedule1_condition="2-8",
    )
    assert agreement.status == Status.SUBMITTED


def test_conditions_are_refused_when_no_special_category_field_is_covered(make_agreement, agency_a):
    with pytest.raises(ValidationError, match="leave the Article 9 and Schedule 1 conditions empty"):
        make_agreement([agency_a], steps=(), article9_condition="9(2)(g)", schedule1_condition="2-8")


def test_activation_needs_the_siro_sign_off(make_agreement, agency_a, dpo):
    agreement = make_agreement([agency_a], steps=("submit", "approve"))
    with pytest.raises(ValidationError, match="SIRO"):
        agreement_transition(agreement=agreement, action="activate", user=dpo)
    assert SharingAgreement.objects.get(pk=agreement.pk).status == Status.APPROVED


def test_an_active_agreement_cannot_be_edited_only_amended(make_agreement, agency_a, coordinator, dpo):
    v1 = make_agreement([agency_a])
    with pytest.raises(ValidationError, match="amend it"):
        agreement_update(
            agreement=v1, user=coordinator, data_items=list(v1.data_items.all()), providers=[agency_a], title="New"
        )
    v2 = agreement_amend(agreement=v1, user=coordinator)
    assert (v2.reference, v2.version, v2.status, v2.previous_version) == (v1.reference, 2, Status.DRAFT, v1)
    values = {
        name: getattr(v2, name)
        for name in (
            "title",
            "purpose",
            "necessity",
            "legal_power",
            "article6_basis",
            "security",
            "retention",
            "disposal",
            "start_date",
            "end_date",
            "data_form",
        )
    }
    values["retention"] = "Five years"
    agreement_update(
        agreement=v2,
        user=coordinator,
        providers=[agency_a],
        data_items=list(Field.objects.filter(code__in=["nationality", "ward", "period", "main-language"])),
        **values,
    )
    diff = {label: (old, new) for label, old, new in agreement_diff(SharingAgreement.objects.get(pk=v2.pk))}
    assert diff["Retention period"] == ("Two years", "Five years")
    assert "Main language" in diff["Data items"][1] and "Main language" not in diff["Data items"][0]
    with pytest.raises(ValidationError, match="already has a new version"):
        agreement_amend(agreement=v1, user=coordinator)
    for action in ("submit", "approve", "activate"):
        agreement_transition(
            agreement=v2,
            action=action,
            user=coordinator if action == "submit" else dpo,
            siro_name="Pat Senior",
            siro_signed_on=START,
        )
    assert SharingAgreement.objects.get(pk=v1.pk).status == Status.SUPERSEDED
    assert SharingAgreement.objects.get(pk=v2.pk).status == Status.ACTIVE


def test_the_diff_of_a_list_names_only_what_was_added_and_removed(make_agreement, agency_a, coordinator):
    v1 = make_agreement([agency_a], fields=("nationality", "ward", "period"))
    v2 = agreement_amend(agreement=v1, user=coordinator)
    agreement_update(
        agreement=v2,
        user=coordinator,
        providers=[agency_a],
        data_items=list(Field.objects.filter(code__in=["nationality", "period", "age"])),
    )
    diff = {label: (old, new) for label, old, new in agreement_diff(SharingAgreement.objects.get(pk=v2.pk))}
    age, ward = Field.objects.get(code="age").name, Field.objects.get(code="ward").name
    assert diff["Data items"] == (f"removed: {ward}", f"added: {age}")
    assert "Parties" not in diff


def test_a_threshold_below_1_is_refused_with_a_reason(make_agreement, agency_a):
    with pytest.raises(ValidationError, match="small-numbers threshold to 1 or more"):
        make_agreement([agency_a], steps=(), reporting_threshold=0)
    assert not SharingAgreement.objects.exists()


def test_a_new_version_keeps_the_small_numbers_threshold(make_agreement, agency_a, coordinator):
    v1 = make_agreement([agency_a], reporting_threshold=5)
    v2 = agreement_amend(agreement=v1, user=coordinator)
    assert SharingAgreement.objects.get(pk=v2.pk).reporting_threshold == 5
    assert agreement_diff(v2) == []


def test_the_threshold_of_an_active_agreement_changes_only_in_a_new_version_and_the_diff_shows_it(
    make_agreement, agency_a, coordinator
):
    v1 = make_agreement([agency_a], reporting_threshold=10)
    values = {name: getattr(v1, name) for name in CONTENT_FIELDS}
    items = list(v1.data_items.all())
    with pytest.raises(ValidationError, match="amend it"):
        agreement_update(
            agreement=v1,
            user=coordinator,
            data_items=items,
            providers=[agency_a],
            **{**values, "reporting_threshold": 20},
        )
    assert SharingAgreement.objects.get(pk=v1.pk).reporting_threshold == 10
    v2 = agreement_amend(agreement=v1, user=coordinator)
    agreement_update(
        agreement=v2, user=coordinator, data_items=items, providers=[agency_a], **{**values, "reporting_threshold": 20}
    )
    diff = {label: (old, new) for label, old, new in agreement_diff(SharingAgreement.objects.get(pk=v2.pk))}
    assert diff == {"Small-numbers threshold": ("10", "20")}


def test_the_daily_refresh_expires_and_flags_reviews_and_tells_people_once(
    make_agreement, agency_a, agency_b, dpo, coordinator
):
    ending = make_agreement([agency_a], end_date=START + datetime.timedelta(days=100))
    reviewing = make_agreement([agency_b], review_interval_months=1)
    day = START + datetime.timedelta(days=101)
    assert agreements_refresh(today=day) == {"expired": 1, "review_due": 1, "failed": 0}
    assert agreements_refresh(today=day) == {"expired": 0, "review_due": 0, "failed": 0}
    assert SharingAgreement.objects.get(pk=ending.pk).status == Status.EXPIRED
    assert SharingAgreement.objects.get(pk=reviewing.pk).status == Status.REVIEW_DUE
    for user in (dpo, coordinator):
        assert Notification.objects.filter(user=user, subject=f"{ending.label}: expired").count() == 1
        assert Notification.objects.filter(user=user, subject=f"{reviewing.label}: review due").count() == 1


def test_an_agreement_that_cannot_move_is_logged_and_does_not_stop_the_others(
    make_agreement, agency_a, agency_b, caplog
):
    broken = make_agreement([agency_a], end_date=START + datetime.timedelta(days=100))
    ending = make_agreement([agency_b], end_date=START + datetime.timedelta(days=100))
    # A row saved before the link was checked: the transition's validation refuses it.
    SharingAgreement.objects.filter(pk=broken.pk).update(privacy_notice_url="on the shared drive")
    day = START + datetime.timedelta(days=101)

    assert agreements_refresh(today=day) == {"expired": 1, "review_due": 0, "failed": 1}

    assert SharingAgreement.objects.get(pk=ending.pk).status == Status.EXPIRED
    assert SharingAgreement.objects.get(pk=broken.pk).status == Status.ACTIVE
    assert f"Agreement {broken.pk} could not take the action 'expire'" in caplog.text
    SharingAgreement.objects.filter(pk=broken.pk).update(privacy_notice_url="")
    assert agreements_refresh(today=day) == {"expired": 1, "review_due": 0, "failed": 0}  # tried again, once fixed


def test_confirming_a_review_sets_the_next_review_date(make_agreement, agency_a, dpo):
    agreement = make_agreement([agency_a], review_interval_months=6)
    agreements_refresh(today=START + datetime.timedelta(days=200))
    confirmed = agreement_transition(
        agreement=agreement, action="confirm_review", user=dpo, note="Still needed.", on=datetime.date(2026, 8, 1)
    )
    assert confirmed.status == Status.ACTIVE and confirmed.next_review_date == datetime.date(2027, 2, 1)


def test_submitting_tells_the_dpo(make_agreement, agency_a, dpo):
    agreement = make_agreement([agency_a], steps=("submit",))
    assert Notification.objects.filter(user=dpo, subject__startswith=agreement.label).exists()


def test_comments_are_for_the_coordinator_and_dpo(make_agreement, agency_a, contact_a, dpo):
    from sharing.services import agreement_comment

    agreement = make_agreement([agency_a], steps=("submit",))
    agreement_comment(agreement=agreement, user=dpo, text="Which retention schedule applies?")
    assert AgreementEvent.objects.filter(agreement=agreement, action="comment", actor=dpo).exists()
    with pytest.raises(PermissionDenied):
        agreement_comment(agreement=agreement, user=contact_a, text="Hello")


def test_the_periodic_task_runs_the_daily_refresh_and_is_safe_twice(make_agreement, agency_a):
    from sharing.tasks import refresh_agreements

    make_agreement([agency_a], end_date=datetime.date.today() - datetime.timedelta(days=1), start_date=START)
    assert refresh_agreements.apply().result == {"expired": 1, "review_due": 0, "failed": 0}
    assert refresh_agreements.apply().result == {"expired": 0, "review_due": 0, "failed": 0}
