"""One lifecycle engine for every state machine in the tracker (requests, agreements, returns).

Each app keeps its own table of edges and describes its model in a `Lifecycle`: which field holds
the page's version, who may take an edge, how the event is recorded, who hears about it and what
they are told, and the side effects of particular edges as hooks. `transition_take` does the rest
once, in the same order for every table: lock the row, compare the version, check the state, the
role and the note, change the status, run the hooks, record the event, save, tell.

The save writes only the fields the edge and its hooks changed: a column another writer set in
the meantime (a worker's heartbeat renewing a return's lease, a hook's own UPDATE of the row) is
never written back as it was when the row was read.
"""

import copy
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from project.lib.text import lower_first


class Stale(ValidationError):
    """Someone changed the object after the page was loaded."""


@dataclass(frozen=True)
class Edge:
    label: str  # the button
    sources: frozenset
    target: str | Callable[[Any], str]
    roles: frozenset = frozenset()  # who may take it; the lifecycle's `may` decides what the system may take
    note_prompt: str = ""  # when set, a note is required and this is the question asked
    notify: str = ""  # one of the lifecycle's audiences: who hears about it
    style: str = "secondary"

    def target_for(self, obj) -> str:
        return self.target(obj) if callable(self.target) else self.target


@dataclass
class Transition:
    """One edge being taken, as the hooks, the recorder and the teller see it."""

    obj: models.Model  # the locked row, already in its new status
    action: str
    edge: Edge
    user: Any  # None: the system
    note: str
    on: date
    from_status: str
    extra: Mapping[str, Any]  # what the caller gave for the hooks: a signed document, a validation result


Hook = Callable[[Transition], None]


@dataclass(frozen=True)
class Lifecycle:
    model: type[models.Model]
    edges: Mapping[str, Edge]
    noun: str  # in messages: "A request that is sent cannot ..."
    may: Callable[[Any, models.Model, Edge], bool]  # user (None: the system), locked row, edge
    record: Hook  # the event row, written before the row is saved so both land together
    article: str = "A"
    version_field: str = ""  # the counter a page sends back to prove it is not stale; "" when none
    related: tuple[str, ...] = ()  # select_related for the locked row
    clean_exclude: tuple[str, ...] = ()
    # Per edge: `before` hooks change (or refuse, by raising) the row before it is saved; `after`
    # hooks run once the row and its event are stored.
    before: Mapping[str, tuple[Hook, ...]] = field(default_factory=dict)
    after: Mapping[str, tuple[Hook, ...]] = field(default_factory=dict)
    audiences: Mapping[str, Callable[[Transition], Iterable]] = field(default_factory=dict)
    tell: Callable[[Transition, Iterable], None] | None = None

    def __post_init__(self):
        # A misspelt edge name in a hook table would silently never run: refuse it at import.
        unknown = (set(self.before) | set(self.after)) - set(self.edges)
        unheard = {edge.notify for edge in self.edges.values() if edge.notify} - set(self.audiences)
        if unknown or unheard or (self.audiences and self.tell is None):
            raise ValueError(f"{self.noun} lifecycle: unknown edges {unknown or '-'}, audiences {unheard or '-'}.")

    def lock(self, obj) -> models.Model:
        return self.model.objects.select_for_update().select_related(*self.related).get(pk=obj.pk)

    def check_version(self, obj, expected_version: int | None) -> None:
        if expected_version is not None and getattr(obj, self.version_field) != expected_version:
            raise Stale(f"Someone changed this {self.noun} after you opened the page. Reload it and try again.")


@transaction.atomic
def transition_take(
    *,
    lifecycle: Lifecycle,
    obj,
    action: str,
    user,
    note: str = "",
    expected_version: int | None = None,
    on: date | None = None,
    **extra,
):
    """Moves `obj` along one edge of its lifecycle and returns the locked, saved row.

    The row is locked and its version compared, so two people acting at once cannot both succeed
    on a stale page. Raises `Stale`, `ValidationError` (unknown action, wrong state, missing note,
    a hook's refusal) or `PermissionDenied`; nothing is changed then.
    """
    return _take(lifecycle, obj, action, user, note, expected_version, on, extra, claim=False)


@transaction.atomic
def transition_claim(*, lifecycle: Lifecycle, obj, action: str, user=None, on: date | None = None, **extra):
    """Like `transition_take`, but returns None instead of refusing when the row is no longer in one
    of the edge's sources: another worker got there first. For tasks that may run twice."""
    return _take(lifecycle, obj, action, user, "", None, on, extra, claim=True)


def _take(lifecycle: Lifecycle, obj, action, user, note, expected_version, on, extra, *, claim: bool):
    edge = lifecycle.edges.get(action)
    if edge is None:
        raise ValidationError(f"Unknown action {action!r}.")
    locked = lifecycle.lock(obj)
    as_read = _field_values(locked)
    lifecycle.check_version(locked, expected_version)
    if locked.status not in edge.sources:
        if claim:
            return None
        raise ValidationError(
            f"{lifecycle.article} {lifecycle.noun} that is {lower_first(locked.get_status_display())} "
            f"cannot take the action '{edge.label}'."
        )
    if not lifecycle.may(user, locked, edge):
        if user is None:
            raise PermissionDenied("The system only takes scheduled transitions.")
        raise PermissionDenied(f"Your role cannot take the action '{edge.label}' on this {lifecycle.noun}.")
    note = note.strip()
    if edge.note_prompt and not note:
        raise ValidationError(f"{edge.note_prompt} Please add a note.")

    transition = Transition(
        obj=locked,
        action=action,
        edge=edge,
        user=user,
        note=note,
        on=on or timezone.localdate(),
        from_status=locked.status,
        extra=extra,
    )
    locked.status = edge.target_for(locked)
    if lifecycle.version_field:
        setattr(locked, lifecycle.version_field, getattr(locked, lifecycle.version_field) + 1)
    for hook in lifecycle.before.get(action, ()):
        hook(transition)
    lifecycle.record(transition)
    locked.full_clean(exclude=lifecycle.clean_exclude)
    locked.save(update_fields=_changed(locked, as_read))
    for hook in lifecycle.after.get(action, ()):
        hook(transition)
    if edge.notify:
        lifecycle.tell(transition, lifecycle.audiences[edge.notify](transition))
    return locked


def _field_values(row: models.Model) -> dict[str, Any]:
    """Each stored field's value, copied so that a hook changing a JSON report in place is seen."""
    return {field.name: _comparable(field, row) for field in row._meta.concrete_fields if not field.primary_key}


def _comparable(field: models.Field, row: models.Model):
    value = field.value_from_object(row)
    return value.name if isinstance(value, models.fields.files.FieldFile) else copy.deepcopy(value)


def _changed(row: models.Model, as_read: Mapping[str, Any]) -> list[str]:
    """The fields to write: those that differ from what was read, and those stamped on every save."""
    stamped = {field.name for field in row._meta.concrete_fields if getattr(field, "auto_now", False)}
    return [name for name, value in _field_values(row).items() if value != as_read[name] or name in stamped]
