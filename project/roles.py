"""The three roles of the tracker, held as Django groups (created by a migration)."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

COORDINATOR = "Coordinator"
AGENCY_CONTACT = "Agency contact"
DPO = "DPO"
ALL = (COORDINATOR, AGENCY_CONTACT, DPO)


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
