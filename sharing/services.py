"""Writes for sharing agreements and the audit log. Status changes only in `agreement_transition`,
through the lifecycle engine (`project.lib.lifecycle`)."""

import logging
from datetime import date

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from catalogue.models import Agency, Area, Field
from notifications.services import notify
from project import roles
from project.lib.lifecycle import Edge, Lifecycle, Transition, transition_take
from project.lib.text import display_name, lower_first
from sharing import lifecycle
from sharing.models import AgreementEvent, AgreementParty, AuditEntry, SharingAgreement, Status

log = logging.getLogger(__name__)
EDITABLE = {Status.DRAFT, Status.CHANGES_REQUESTED}
# The fields a coordinator fills in; copied to a new version when an agreement is amended.
CONTENT_FIELDS = [
    "title",
    "controller_relationship",
    "purpose",
    "necessity",
    "data_form",
    "reporting_threshold",
    "legal_power",
    "article6_basis",
    "article9_condition",
    "schedule1_condition",
    "dpia_status",
    "dpia_reference",
    "security",
    "retention",
    "disposal",
    "privacy_notice_url",
    "start_date",
    "end_date",
    "review_interval_months",
]


def people_with_role(role: str):
    return get_user_model().objects.filter(groups__name=role, is_active=True)


def agreement_url(agreement: SharingAgreement) -> str:
    return reverse("sharing:detail", args=[agreement.public_id])


def audit_record(
    *,
    user,
    action: str,
    object_type: str,
    object_id,
    agreement=None,
    agency=None,
    request_reference: str = "",
    detail: str = "",
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=user,
        actor_name=(user.get_username() if user else "system"),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        agreement=agreement,
        agency=agency,
        request_reference=request_reference,
        detail=detail,
    )


def _check_special_category(agreement: SharingAgreement) -> None:
    special = [f.name for f in agreement.data_items.all() if f.special_category]
    has_conditions = bool(agreement.article9_condition and agreement.schedule1_condition)
    if special and not has_conditions:
        raise ValidationError(
            f"{', '.join(special)} {'is' if len(special) == 1 else 'are'} special category data: give an Article 9 "
            "condition and a DPA 2018 Schedule 1 condition."
        )
    if not special and (agreement.article9_condition or agreement.schedule1_condition):
        raise ValidationError(
            "No special category field is covered, so leave the Article 9 and Schedule 1 conditions empty."
        )


def _set_parties(agreement: SharingAgreement, providers: list[Agency], recipients: list[Agency]) -> None:
    if not providers:
        raise ValidationError("Name at least one agency that provides data.")
    if set(providers) & set(recipients):
        raise ValidationError("An agency is either a provider or a recipient in one agreement, not both.")
    agreement.parties.all().delete()
    parties = [AgreementParty(agreement=agreement, is_local_authority=True, role=AgreementParty.Role.RECIPIENT)]
    parties += [AgreementParty(agreement=agreement, agency=a, role=AgreementParty.Role.PROVIDER) for a in providers]
    parties += [AgreementParty(agreement=agreement, agency=a, role=AgreementParty.Role.RECIPIENT) for a in recipients]
    AgreementParty.objects.bulk_create(parties)


def _save_content(agreement, *, values: dict, data_items: list[Field], providers, recipients) -> SharingAgreement:
    for key, value in values.items():
        setattr(agreement, key, value)
    if not agreement.next_review_date or agreement.status in EDITABLE:
        agreement.next_review_date = agreement.start_date + relativedelta(months=agreement.review_interval_months)
    agreement.full_clean(exclude=["reference", "next_review_date"])
    agreement.save()
    if not agreement.reference:
        agreement.reference = f"ISP-{agreement.created_at:%Y}-{agreement.pk:04d}"
        agreement.save(update_fields=["reference"])
    agreement.data_items.set(data_items)
    _set_parties(agreement, providers, recipients)
    _check_special_category(agreement)
    return agreement


@transaction.atomic
def agreement_create(
    *, area: Area, user, data_items: list[Field], providers: list[Agency], recipients: list[Agency] = (), **values
) -> SharingAgreement:
    roles.require(user, roles.COORDINATOR, reason="Coordinators draft sharing agreements; the DPO reviews them.")
    agreement = SharingAgreement(area=area, created_by=user, reference="")
    _save_content(agreement, values=values, data_items=data_items, providers=providers, recipients=list(recipients))
    AgreementEvent.objects.create(agreement=agreement, action="created", to_status=agreement.status, actor=user)
    return agreement


@transaction.atomic
def agreement_update(
    *,
    agreement: SharingAgreement,
    user,
    data_items: list[Field],
    providers: list[Agency],
    recipients: list[Agency] = (),
    expected_version: int | None = None,
    **values,
) -> SharingAgreement:
    locked = SharingAgreement.objects.select_for_update().get(pk=agreement.pk)
    roles.require(user, roles.COORDINATOR, reason="Only coordinators edit agreements.")
    if locked.status not in EDITABLE:
        raise ValidationError(
            f"An agreement that is {lower_first(locked.get_status_display())} cannot be edited; "
            "amend it to make a new version."
        )
    AGREEMENTS.check_version(locked, expected_version)
    locked.lock_version += 1
    _save_content(locked, values=values, data_items=data_items, providers=providers, recipients=list(recipients))
    AgreementEvent.objects.create(agreement=locked, action="edited", actor=user)
    return locked


@transaction.atomic
def agreement_amend(*, agreement: SharingAgreement, user) -> SharingAgreement:
    """Starts a new version of an agreement in force; the old one stays in force until the new
    one is activated."""
    roles.require(user, roles.COORDINATOR, reason="Only coordinators amend agreements.")
    locked = SharingAgreement.objects.select_for_update().get(pk=agreement.pk)
    if locked.status not in lifecycle.LIVE:
        raise ValidationError("Only an agreement in force can be amended; edit a draft directly.")
    if SharingAgreement.objects.filter(previous_version=locked).exists():
        raise ValidationError("This agreement already has a new version in progress.")
    new = SharingAgreement(
        area=locked.area,
        created_by=user,
        reference=locked.reference,
        version=locked.version + 1,
        previous_version=locked,
        **{name: getattr(locked, name) for name in CONTENT_FIELDS},
    )
    new.next_review_date = new.start_date + relativedelta(months=new.review_interval_months)
    new.full_clean()
    new.save()
    new.data_items.set(locked.data_items.all())
    AgreementParty.objects.bulk_create(
        AgreementParty(agreement=new, agency=p.agency, is_local_authority=p.is_local_authority, role=p.role)
        for p in locked.parties.all()
    )
    AgreementEvent.objects.create(
        agreement=new, action="amended", to_status=Status.DRAFT, actor=user, note=f"New version of {locked.label}."
    )
    return new


def agreement_transition(
    *,
    agreement: SharingAgreement,
    action: str,
    user,
    note: str = "",
    on: date | None = None,
    siro_name: str = "",
    siro_signed_on: date | None = None,
    signed_document=None,
    expected_version: int | None = None,
) -> SharingAgreement:
    """Moves an agreement along one edge; records who, when and why in its timeline and the audit
    log, and tells the people concerned. `user` None is the daily task. A stale page raises
    `project.lib.lifecycle.Stale`."""
    return transition_take(
        lifecycle=AGREEMENTS,
        obj=agreement,
        action=action,
        user=user,
        note=note,
        expected_version=expected_version,
        on=on,
        siro_name=siro_name,
        siro_signed_on=siro_signed_on,
        signed_document=signed_document,
    )


def _may(user, agreement: SharingAgreement, edge: Edge) -> bool:
    return lifecycle.may_take(user, edge) if user is not None else not edge.roles


# The audit log's action for an edge, when it is not the plain AGREEMENT_TRANSITION.
AUDITED_AS = {"approve": AuditEntry.Action.AGREEMENT_APPROVED}


def _record(transition: Transition) -> None:
    agreement, before = transition.obj, transition.from_status
    AgreementEvent.objects.create(
        agreement=agreement,
        action=transition.action,
        from_status=before,
        to_status=agreement.status,
        actor=transition.user,
        note=transition.note,
    )
    audit_record(
        user=transition.user,
        action=AUDITED_AS.get(transition.action, AuditEntry.Action.AGREEMENT_TRANSITION),
        object_type="sharing.agreement",
        object_id=agreement.pk,
        agreement=agreement,
        detail=f"{Status(before).label} → {agreement.get_status_display()}"
        + (f": {transition.note}" if transition.note else ""),
    )


def _tell(transition: Transition, users) -> None:
    agreement, before, user, note = transition.obj, transition.from_status, transition.user, transition.note
    who = display_name(user)
    now = lower_first(agreement.get_status_display())
    subject = f"{agreement.label}: {now}"
    body = f"{who} moved '{agreement.title}' from {lower_first(Status(before).label)} to {now}."
    if note:
        body += f"\n\n{note}"
    notify(
        users=[u for u in users if user is None or u.pk != user.pk],
        subject=subject,
        body=body,
        url=agreement_url(agreement),
    )


def _check_conditions(transition: Transition) -> None:
    _check_special_category(transition.obj)


def _record_sign_off(transition: Transition) -> None:
    agreement, given = transition.obj, transition.extra
    agreement.siro_name = given["siro_name"].strip() or agreement.siro_name
    agreement.siro_signed_on = given["siro_signed_on"] or agreement.siro_signed_on
    if given["signed_document"] is not None:
        agreement.signed_document = given["signed_document"]
    if not (agreement.siro_name and agreement.siro_signed_on):
        raise ValidationError("Record the SIRO's name and sign-off date before the agreement can become active.")


def _move_review_date(transition: Transition) -> None:
    agreement = transition.obj
    agreement.next_review_date = transition.on + relativedelta(months=agreement.review_interval_months)


def _supersede_previous(transition: Transition) -> None:
    previous = transition.obj.previous_version
    if previous and previous.status in lifecycle.LIVE:
        agreement_transition(
            agreement=previous,
            action="supersede",
            user=None,
            note=f"Replaced by {transition.obj.label}.",
            on=transition.on,
        )


AGREEMENTS = Lifecycle(
    model=SharingAgreement,
    edges=lifecycle.EDGES,
    noun="agreement",
    article="An",
    may=_may,
    record=_record,
    version_field="lock_version",
    clean_exclude=("next_review_date",),
    before={
        "submit": (_check_conditions,),
        "activate": (_record_sign_off,),
        "confirm_review": (_move_review_date,),
    },
    after={"activate": (_supersede_previous,)},
    audiences={
        "dpo": lambda transition: people_with_role(roles.DPO),
        "dpo_and_coordinators": lambda transition: [
            *people_with_role(roles.DPO),
            *people_with_role(roles.COORDINATOR),
        ],
        "coordinators": lambda transition: [transition.obj.created_by, *people_with_role(roles.COORDINATOR)],
    },
    tell=_tell,
)


def agreement_comment(*, agreement: SharingAgreement, user, text: str) -> AgreementEvent:
    roles.require(user, roles.COORDINATOR, roles.DPO, reason="Only the coordinator and the DPO comment on agreements.")
    if not text.strip():
        raise ValidationError("Write a comment.")
    return AgreementEvent.objects.create(agreement=agreement, action="comment", actor=user, note=text.strip())


def agreements_refresh(*, today: date) -> dict[str, int]:
    """Daily: agreements past their end date expire, those past their review date fall due for
    review. Each is a transition, so the DPO and coordinator hear about it exactly once. Each
    agreement moves in its own transaction: one that fails is logged, counted and tried again the
    next day, and never stops the others."""
    done = {"expired": 0, "review_due": 0, "failed": 0}
    ending = Q(status__in=lifecycle.LIVE, end_date__lt=today)
    reviewing = Q(status=Status.ACTIVE, next_review_date__lte=today)
    for counted, due, action, note in [
        ("expired", ending, "expire", "Passed its end date."),
        ("review_due", reviewing, "mark_review_due", "Reached its review date."),
    ]:
        for pk in list(SharingAgreement.objects.filter(due).values_list("pk", flat=True)):
            try:
                moved = _agreement_move(pk, due=due, action=action, note=note, today=today)
            except Exception:
                log.exception("Agreement %s could not take the action %r; the others still move.", pk, action)
                done["failed"] += 1
            else:
                if moved:
                    done[counted] += 1
    return done


@transaction.atomic
def _agreement_move(pk: int, *, due: Q, action: str, note: str, today: date) -> bool:
    # Locked and filtered again: someone may have moved it since the run listed it.
    agreement = SharingAgreement.objects.select_for_update().filter(due, pk=pk).first()
    if agreement is None:
        return False
    agreement_transition(agreement=agreement, action=action, user=None, on=today, note=note)
    return True
