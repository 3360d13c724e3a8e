"""Who may do what in the catalogue. The catalogue itself holds no agency data: any signed-in
user may read it. Only coordinators record their area's Appendix 3 answers; DPOs may read them."""

from django.core.exceptions import PermissionDenied

from project import roles


def can_edit_availability(user) -> bool:
    return roles.is_coordinator(user)


def require_area_reader(user) -> None:
    if not (roles.is_coordinator(user) or roles.is_dpo(user)):
        raise PermissionDenied("Only the coordinator and the DPO see the area's local sources checklist.")
