"""Writes for bringing agencies and their contacts in: each one is written to the audit log."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from catalogue.models import Agency, Area, OrganisationType
from catalogue.services import agency_contact_add, agency_create
from partners.handover import held_summary, holdings_hand_over, holdings_of
from partners.invitations import invitation_token
from project import roles
from project.lib.text import display_name
from sharing.models import AuditEntry
from sharing.services import audit_record


@transaction.atomic
def agency_add(
    *,
    name: str,
    organisation_type: OrganisationType,
    area: Area,
    email: str = "",
    phone: str = "",
    by: AbstractBaseUser,
) -> Agency:
    agency = agency_create(name=name, organisation_type=organisation_type, area=area, email=email, phone=phone)
    audit_record(
        user=by,
        action=AuditEntry.Action.AGENCY_ADDED,
        object_type="catalogue.agency",
        object_id=agency.pk,
        agency=agency,
        detail=f"Added {agency} ({organisation_type}) in {area}.",
    )
    return agency


@transaction.atomic
def contact_invite(
    *, agency: Agency, email: str, first_name: str, last_name: str, by: AbstractBaseUser
) -> AbstractBaseUser:
    """Creates an agency contact with no password and emails them a link to choose one. Inviting
    someone again who has not yet chosen a password sends a new link and ends the old one."""
    User = get_user_model()
    email = User.objects.normalize_email(email.strip()).lower()
    user = User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).first()
    if user is None:
        user = User(username=email, email=email)
    elif user.has_usable_password() or not agency.contacts.filter(pk=user.pk).exists():
        raise ValidationError(
            f"{email} already has an account. Add them to {agency} from its agency page instead.", code="exists"
        )
    user.first_name, user.last_name = first_name.strip(), last_name.strip()
    user.set_unusable_password()
    user.full_clean()
    user.save()
    user.groups.add(Group.objects.get(name=roles.AGENCY_CONTACT))
    agency_contact_add(agency=agency, user=user)
    invitation_send(
        user=user,
        subject=f"Your account on the Migration data tracker for {agency}",
        template="partners/invitation_email.txt",
        context={"agency": agency, "by": by},
    )
    audit_record(
        user=by,
        action=AuditEntry.Action.CONTACT_INVITED,
        object_type="auth.user",
        object_id=user.pk,
        agency=agency,
        detail=f"Invited {display_name(user)} <{email}> to answer for {agency}.",
    )
    return user


def invitation_link(user: AbstractBaseUser) -> str:
    return settings.TRACKER_BASE_URL.rstrip("/") + reverse("partners:invitation", args=[invitation_token(user)])


def invitation_send(*, user: AbstractBaseUser, subject: str, template: str, context: dict) -> str:
    """Emails a fresh one-time link once the transaction commits; returns the link."""
    link = invitation_link(user)
    body = render_to_string(template, {**context, "user": user, "link": link, "days": settings.TRACKER_INVITATION_DAYS})
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email]))
    return link


@transaction.atomic
def invitation_accept(*, user: AbstractBaseUser, password: str) -> None:
    """Sets the invited contact's first password, which also ends their invitation link."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        user=user,
        action=AuditEntry.Action.INVITATION_ACCEPTED,
        object_type="auth.user",
        object_id=user.pk,
        agency=Agency.objects.filter(group__user=user).order_by("pk").first(),
        detail="Chose a password through an invitation link.",
    )


@transaction.atomic
def contact_deactivate(
    *, agency: Agency, user: AbstractBaseUser, by: AbstractBaseUser, to: AbstractBaseUser | None = None
) -> None:
    """Stops a contact signing in (their sessions end at their next page) while keeping their
    account, history and place in the agency, so they can be let back in. What they hold goes to
    `to` in the same transaction."""
    _set_active(agency=agency, user=user, by=by, active=False)
    hand_over(user=user, to=to, by=by, agency=agency)


@transaction.atomic
def contact_reactivate(*, agency: Agency, user: AbstractBaseUser, by: AbstractBaseUser) -> None:
    _set_active(agency=agency, user=user, by=by, active=True)


def hand_over(*, user: AbstractBaseUser, to: AbstractBaseUser | None, by, agency: Agency | None = None) -> None:
    """Someone who leaves holding open work must name who takes it: nothing may be left with
    a person who can no longer sign in."""
    if to is None:
        if held := holdings_of(user):
            raise ValidationError(
                f"{display_name(user)} still holds {held_summary(held)}: choose who takes them over.", code="holds"
            )
        return
    holdings_hand_over(user=user, to=to, by=by, agency=agency)


def _set_active(*, agency: Agency, user: AbstractBaseUser, by: AbstractBaseUser, active: bool) -> None:
    if not roles.is_agency_contact(user):
        raise ValidationError(f"{display_name(user)} is not an agency contact.")
    if user.is_active == active:
        raise ValidationError(f"{display_name(user)} is already {'active' if active else 'deactivated'}.")
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(
        user=by,
        action=AuditEntry.Action.CONTACT_REACTIVATED if active else AuditEntry.Action.CONTACT_DEACTIVATED,
        object_type="auth.user",
        object_id=user.pk,
        agency=agency,
        detail=f"{'Reactivated' if active else 'Deactivated'} {display_name(user)}, a contact of {agency}.",
    )
