"""The worker's side of a source's tables: marked as being prepared before the work starts, its
progress written as it goes, then the protected masters, or why there are none (out of time,
failed). A run that a newer return has made stale stops at its next report."""

import datetime
import time
from collections.abc import Callable
from dataclasses import replace

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from catalogue.models import Area, Source
from reports.indicators.caching import _KEPT, _QUEUED_FOR, Preparation, _keys, _mark_queued
from reports.indicators.masters import _read, _threshold
from reports.indicators.protection import _masters
from reports.indicators.runs import protection_outdate
from sharing.disclosure import Policy

# Progress is written to the cache at most this often: it is read by people, not machines. The run
# checks as often whether it is still wanted.
_PROGRESS_EVERY = 2.0


class Superseded(Exception):
    """A newer return of the source was processed while its tables were being protected."""


def indicators_outdate(*, area: Area, source: Source) -> int:
    """A return of the source was processed: a run of the older returns is told to stop, and pages
    show the new tables as queued from now on. Returns the generation the new run protects."""
    generation = protection_outdate(area=area, source=source)
    _mark_queued(_keys(area, source, _threshold(area, source), settings.TRACKER_ROUNDING))
    return generation


def indicators_prepare(*, area: Area, source: Source, wanted: Callable[[], bool] = lambda: True) -> None:
    """Protects every table of the source, for the worker (and the demo): ahead of the first person
    who asks, once a return is processed, or when a page found the source too large to protect while
    they waited. Pages then cut their views from the cache. Safe to run twice. `wanted` says whether
    the run is still wanted; when it is not, Superseded is raised at the next report."""
    threshold, rounding = _threshold(area, source), settings.TRACKER_ROUNDING
    keys = _keys(area, source, threshold, rounding)
    if cache.get(keys.masters) is not None:
        return  # done already
    queued = cache.get(keys.preparing) or Preparation(queued_at=timezone.now(), counts=keys.counts)
    queued = replace(queued, stage="reading")
    cache.set(keys.preparing, queued, timeout=_QUEUED_FOR)
    built = _read(area, source)
    if not wanted():
        raise Superseded()
    queued = replace(queued, cells=sum(len(table.values) for _, table in built.values()))
    last = 0.0

    def progress(part: int, parts: int, stage: str, done: int, of: int) -> None:
        nonlocal last
        if time.monotonic() - last >= _PROGRESS_EVERY:
            last = time.monotonic()
            if not wanted():
                raise Superseded()
            cache.set(
                keys.preparing,
                replace(queued, part=part, parts=parts, stage=stage, done=done, of=of),
                timeout=_QUEUED_FOR,
            )

    masters = _masters(area, source, Policy(threshold=threshold, rounding=rounding), built, progress)
    cache.set(keys.masters, masters, timeout=_KEPT)
    cache.delete(keys.preparing)


def indicators_give_up(*, area: Area, source: Source, minutes: int) -> None:
    """Records, for a day, that the worker ran out of time protecting the source's tables, so that
    pages say so instead of waiting for ever; then the next page that asks queues them again."""
    _give_up(
        area,
        source,
        24 * 3600,
        f"Protecting this source's tables against disclosure took longer than the {minutes} minutes the "
        "background worker allows. Ask the agency for a coarser return (fewer categories, quarters rather "
        "than months, or larger areas), or raise the worker's time limit.",
    )


# An unexpected failure may be passing (a database restarting), so it is tried again soon; but not
# at every page's reload, which would fail again at once if it is not.
_RETRY_FAILED_AFTER = 15 * 60


def indicators_failed(*, area: Area, source: Source) -> None:
    """Records that the worker failed with an unexpected error, so that pages say so instead of
    showing "waiting" until the queue entry expires; the next page after a quarter of an hour
    queues the source again."""
    again = timezone.localtime(timezone.now() + datetime.timedelta(seconds=_RETRY_FAILED_AFTER))
    _give_up(
        area,
        source,
        _RETRY_FAILED_AFTER,
        "The background worker could not protect this source's tables: it stopped with an error, which "
        f"is in its log. It will try again when these tables are next opened after {again:%H:%M}. If it "
        "fails again, tell the system's administrator.",
    )


def _give_up(area: Area, source: Source, seconds: int, reason: str) -> None:
    keys = _keys(area, source, _threshold(area, source), settings.TRACKER_ROUNDING)
    cache.set(keys.masters, reason, timeout=seconds)
    cache.delete(keys.preparing)
