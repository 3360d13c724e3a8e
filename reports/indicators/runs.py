"""Which protection of a source's tables is wanted: a generation per area and source, counted up
when a return is processed, and the claim of the one run that protects it."""

import datetime
import enum

from django.db import transaction
from django.db.models import F, Q

from catalogue.models import Area, Source
from reports.models import Protection

# A run not released for this long is taken to be lost (its worker killed outright) and may be
# claimed by another: just longer than the task's hard time limit (reports.tasks).
CLAIM_EXPIRES = datetime.timedelta(hours=1)


class Claim(enum.Enum):
    TAKEN = "taken"  # this run protects the source now
    STALE = "stale"  # a newer return was processed since the run was asked for: a newer run is queued
    DUPLICATE = "duplicate"  # another run is protecting the same generation
    BUSY = "busy"  # a run of an older generation still holds the source; it stops at its next check


def _row(area: Area, source: Source):
    return Protection.objects.filter(area=area, source=source)


def protection_outdate(*, area: Area, source: Source) -> int:
    """A return of the source was processed: counts the generation up, which tells a run of the
    older returns to stop, and gives the new generation for the run to be queued."""
    with transaction.atomic():
        Protection.objects.get_or_create(area=area, source=source)
        _row(area, source).update(generation=F("generation") + 1)
        return _row(area, source).values_list("generation", flat=True).get()


def protection_generation(*, area: Area, source: Source) -> int:
    """The newest generation, for a page that queues a run: read only, no row is created."""
    return _row(area, source).values_list("generation", flat=True).first() or 0


def protection_claim(*, area: Area, source: Source, generation: int, task_id: str, now: datetime.datetime) -> Claim:
    """Claims the source for the run of `generation`, if that is still the newest and no other run
    holds it. The same task delivered again (its worker died) takes its own claim back."""
    Protection.objects.get_or_create(area=area, source=source)
    free = Q(running=None) | Q(task_id=task_id) | Q(claimed_at__lt=now - CLAIM_EXPIRES)
    if (
        _row(area, source)
        .filter(free, generation=generation)
        .update(running=generation, task_id=task_id, claimed_at=now)
    ):
        return Claim.TAKEN
    newest, running = _row(area, source).values_list("generation", "running").get()
    if newest != generation:
        return Claim.STALE
    return Claim.DUPLICATE if running == generation else Claim.BUSY


def protection_current(*, area: Area, source: Source, generation: int) -> bool:
    """Whether a run of `generation` is still wanted: no return was processed since it was asked for."""
    return _row(area, source).filter(generation=generation).exists()


def protection_release(*, area: Area, source: Source, task_id: str) -> None:
    _row(area, source).filter(task_id=task_id).update(running=None, task_id="", claimed_at=None)
