"""Who may act on a data request. Coordinators act on every request; an agency contact acts only
on requests their agency's group holds object permissions for (granted by services)."""

from guardian.core import ObjectPermissionChecker

from project import roles

RESPOND = "respond_datarequest"
VIEW = "view_datarequest"


class ActionChecker:
    """One permission cache per user and page, so listing the allowed actions costs one query."""

    def __init__(self, user):
        self.user = user
        self.is_coordinator = roles.is_coordinator(user)
        self.is_contact = roles.is_agency_contact(user)
        self._checker = ObjectPermissionChecker(user) if self.is_contact else None

    def is_agency_member(self, request) -> bool:
        return bool(self._checker) and self._checker.has_perm(RESPOND, request)

    def may(self, request, edge_roles) -> bool:
        if self.is_coordinator and roles.COORDINATOR in edge_roles:
            return True
        return self.is_contact and roles.AGENCY_CONTACT in edge_roles and self.is_agency_member(request)
