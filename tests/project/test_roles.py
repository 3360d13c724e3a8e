import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from project import roles


def test_require_lets_a_user_with_any_of_the_roles_through(coordinator, dpo):
    roles.require(coordinator, roles.COORDINATOR)
    roles.require(dpo, roles.COORDINATOR, roles.DPO)


def test_require_refuses_another_role_naming_who_may(contact_a):
    with pytest.raises(PermissionDenied, match=r"^Only the coordinator and the DPO can do this\.$"):
        roles.require(contact_a, roles.COORDINATOR, roles.DPO)


def test_require_refuses_with_the_reason_given(dpo):
    with pytest.raises(PermissionDenied, match=r"^Coordinators draft agreements\.$"):
        roles.require(dpo, roles.COORDINATOR, reason="Coordinators draft agreements.")


def test_require_refuses_an_anonymous_user(db):
    with pytest.raises(PermissionDenied):
        roles.require(AnonymousUser(), roles.COORDINATOR, roles.AGENCY_CONTACT, roles.DPO)
