"""Protected masters in the cache, and what a page does when they are not there yet.

A page reads only the cache and the returns (a few rows each): a source small enough is protected
there and then; any other is handed to the worker, with a marker written before it is queued, so
that it is queued once however many pages ask, and the page shows how far the worker has got."""

import datetime
import hashlib
from dataclasses import dataclass
from typing import NamedTuple

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from catalogue.models import Area, Source
from reports.indicators.masters import Live, Master, _read, live_of
from reports.indicators.protection import _masters
from reports.indicators.runs import protection_generation
from sharing.disclosure import Policy

# Sent by name: the task module imports this package, which may not import it back.
# tests/reports/test_tasks.py checks that the name is the task's.
PROTECT_INDICATORS = "reports.tasks.protect_indicators"

# Protected tables are kept until their returns change (the key says which returns); a week
# unused, and they are built again.
_KEPT = 7 * 24 * 3600
# A queued protection not heard of for this long is taken to be lost (a worker stopped) and is
# queued again by the next page that asks. Just longer than the task's own time limit (reports.tasks).
_QUEUED_FOR = 3600


@dataclass(frozen=True)
class Preparation:
    """A source whose tables the worker is protecting, or has been asked to, and how far it has got."""

    queued_at: datetime.datetime
    counts: int  # returned counts (observations) to read
    cells: int = 0  # cells of its tables, once read
    part: int = 0  # which of the parts protected one after the other; 0 while queued
    parts: int = 0
    stage: str = "queued"  # then "reading" the counts, "choosing" the complements, "checking" the whole pattern
    done: int = 0  # suppressed cells shown safe so far, in this part and stage
    of: int = 0

    @property
    def percent(self) -> int | None:
        """Of the current stage; None while there is nothing to count."""
        return round(100 * self.done / self.of) if self.of else None


class Keys(NamedTuple):
    masters: str  # the protected masters, or why the worker could not protect them
    preparing: str  # the Preparation while they are being protected
    counts: int  # how many counts the live returns hold: the size of the work


def _keys(area: Area, source: Source, threshold: int, rounding: int | None, live: Live | None = None) -> Keys:
    """The cache keys of a source's tables as its live returns now stand, read from the returns
    alone (or given, read with other sources')."""
    live = live or live_of(area, [source])[source.pk]
    fingerprint = hashlib.sha256(repr((source.pk, threshold, rounding, live.returns, live.names)).encode()).hexdigest()
    return Keys(
        f"indicator-masters:v8:{fingerprint}",
        f"indicator-preparing:v3:{fingerprint}",
        live.counts,
    )


def _mark_queued(keys: Keys) -> bool:
    """Writes the marker that the tables are wanted from the worker; False when it was there already."""
    return cache.add(keys.preparing, Preparation(queued_at=timezone.now(), counts=keys.counts), timeout=_QUEUED_FOR)


def _cached_masters(
    area: Area, source: Source, threshold: int, rounding: int | None, live: Live | None = None
) -> dict[str, Master] | Preparation | str:
    """The protected masters; or, for a source too large to protect while someone waits, the
    preparation the worker has been asked for; or why the worker could not protect them."""
    keys = _keys(area, source, threshold, rounding, live)
    if (found := cache.get(keys.masters)) is not None:
        return found
    if keys.counts <= settings.TRACKER_INDICATORS_INLINE_COUNTS:
        masters = _masters(area, source, Policy(threshold=threshold, rounding=rounding), _read(area, source))
        cache.set(keys.masters, masters, timeout=_KEPT)
        return masters
    if _mark_queued(keys):
        generation = protection_generation(area=area, source=source)
        current_app.send_task(PROTECT_INDICATORS, args=[area.pk, source.pk, generation])
    return cache.get(keys.preparing) or Preparation(queued_at=timezone.now(), counts=keys.counts)
