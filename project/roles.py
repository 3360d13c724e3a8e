"""The three roles of the tracker, held as Django groups (created by a migration)."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

COORDINATOR = "Coordinator"
AGENCY_CONTACT = "Agency contact"
DPO = "DPO"
ALL = (COORDINATOR, AGENCY_CONTACT, DPO)
# As a sentence names them: "Only the coordinator and the DPO can do this."
NAMES = {COORDINATOR: "the coordinator", AGENCY_CONTACT: "agency contacts", DPO: "the DPO"}


def has_role(user: AbstractBaseUser | AnonymousUser, role: str) -> bool:
    if not user.is_authenticated:
        return False
    # Cached on the user object: templates and views ask several times per request.
    if not hasattr(user, "_tracker_roles"):
        user._tracker_roles = set(user.groups.filter(name__in=ALL).values_list("name", flat=True))
    return role in user._tracker_roles


def is_coordinator(user) -> bool:
    return has_role(user, COORDINATOR)


def is_dpo(user) -> bool:
    return has_role(user, DPO)


def is_agency_contact(user) -> bool:
    return has_role(user, AGENCY_CONTACT)


def require(user, *allowed: str, reason: str = "", hidden: bool = False) -> None:
    """Raises PermissionDenied (the 403 page, which shows `reason`) unless the user holds one of the
    `allowed` roles; with `hidden`, Http404 instead, for pages whose very existence would tell an
    agency contact something of other agencies. Objects of another agency are a selector's
    business: those are 404."""
    if any(has_role(user, role) for role in allowed):
        return
    if hidden:
        raise Http404("No such page.")
    raise PermissionDenied(reason or f"Only {' and '.join(NAMES[role] for role in allowed)} can do this.")
