"""Who may see and change the plan and the calendar: the coordinator edits, the DPO reads, and
anyone else is told nothing exists (404)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from project import roles


def require_reader(user) -> None:
    if not (roles.is_coordinator(user) or roles.is_dpo(user)):
        raise Http404


def require_editor(user) -> None:
    require_reader(user)
    if not roles.is_coordinator(user):
        raise PermissionDenied("Only the coordinator changes the plan; the DPO can read it.")
