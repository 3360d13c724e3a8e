"""The council's own team: coordinators and DPOs, brought in and let go by a coordinator (or a
superuser) without the admin site. Each step is written to the audit log."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404

from partners.services import hand_over, invitation_send
from project import roles
from project.lib.text import display_name
from sharing.models import AuditEntry
from sharing.services import audit_record

TEAM_ROLES = (roles.COORDINATOR, roles.DPO)


def may_manage_team(user) -> bool:
    return (
        user.is_authenticated
        and not roles.is_agency_contact(user)
        and (roles.is_coordinator(user) or user.is_superuser)
    )


def require_team_manager(user) -> None:
    """The team page names the council's people: to anyone else it does not exist."""
    if not may_manage_team(user):
        raise Http404("No such page.")


def team_members() -> QuerySet:
    """Coordinators and DPOs, active first; an agency contact is never among them."""
    return (
        get_user_model()
        .objects.filter(groups__name__in=TEAM_ROLES)
        .exclude(groups__name=roles.AGENCY_CONTACT)
        .prefetch_related("groups")
        .distinct()
        .order_by("-is_active", "last_name", "first_name", "username")
    )


def colleague_get(by, user_id: int) -> AbstractBaseUser:
    require_team_manager(by)
    try:
        return team_members().get(pk=user_id)
    except get_user_model().DoesNotExist:
        raise Http404("No such person.") from None


def team_role(user) -> str:
    return roles.COORDINATOR if roles.is_coordinator(user) else roles.DPO


@transaction.atomic
def colleague_invite(
    *, email: str, first_name: str, last_name: str, role: str, by: AbstractBaseUser | None
) -> tuple[AbstractBaseUser, str]:
    """Creates a coordinator's or DPO's account with no password and emails them a one-time link
    to choose one (the agency contacts' invitation). Inviting again someone who has not chosen a
    password yet sends a new link and ends the old one. Returns the account and its link."""
    if role not in TEAM_ROLES:
        raise ValidationError(f"Invite a {' or a '.join(TEAM_ROLES)}.")
    User = get_user_model()
    email = User.objects.normalize_email(email.strip()).lower()
    user = User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).first()
    if user is None:
        user = User(username=email, email=email)
    elif user.has_usable_password() or not team_members().filter(pk=user.pk).exists():
        raise ValidationError(f"{email} already has an account.", code="exists")
    user.first_name, user.last_name = first_name.strip(), last_name.strip()
    user.set_unusable_password()
    user.full_clean()
    user.save()
    user.groups.remove(*Group.objects.filter(name__in=TEAM_ROLES))
    user.groups.add(Group.objects.get(name=role))
    link = invitation_send(
        user=user,
        subject="Your account on the Migration data tracker",
        template="partners/colleague_invitation_email.txt",
        context={"by": by, "role": roles.NAMES[role]},
    )
    audit_record(
        user=by,
        action=AuditEntry.Action.COLLEAGUE_INVITED,
        object_type="auth.user",
        object_id=user.pk,
        detail=f"Invited {display_name(user)} <{email}> as {roles.NAMES[role]}.",
    )
    return user, link


@transaction.atomic
def colleague_deactivate(*, user: AbstractBaseUser, by: AbstractBaseUser, to: AbstractBaseUser | None = None) -> None:
    """Stops a coordinator or DPO signing in; what they hold goes to `to`, a coordinator. The team
    never loses its last active coordinator, and nobody deactivates themselves."""
    if user.pk == by.pk:
        raise ValidationError("You cannot deactivate yourself: ask another coordinator.")
    if not user.is_active:
        raise ValidationError(f"{display_name(user)} is already deactivated.")
    # Locked, so that two coordinators deactivating each other at once cannot both succeed.
    others = list(
        get_user_model()
        .objects.select_for_update()
        .filter(is_active=True, groups__name=roles.COORDINATOR)
        .exclude(pk=user.pk)
        .values_list("pk", flat=True)
    )
    if roles.is_coordinator(user) and not others:
        raise ValidationError(f"{display_name(user)} is the last active coordinator: invite another first.")
    _set_active(user=user, by=by, active=False)
    hand_over(user=user, to=to, by=by)


@transaction.atomic
def colleague_reactivate(*, user: AbstractBaseUser, by: AbstractBaseUser) -> None:
    if user.is_active:
        raise ValidationError(f"{display_name(user)} is already active.")
    _set_active(user=user, by=by, active=True)


def _set_active(*, user: AbstractBaseUser, by: AbstractBaseUser, active: bool) -> None:
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(
        user=by,
        action=AuditEntry.Action.COLLEAGUE_REACTIVATED if active else AuditEntry.Action.COLLEAGUE_DEACTIVATED,
        object_type="auth.user",
        object_id=user.pk,
        detail=f"{'Reactivated' if active else 'Deactivated'} {display_name(user)}, {roles.NAMES[team_role(user)]}.",
    )
