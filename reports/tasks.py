import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from catalogue.models import Area, Source
from reports.indicators.runs import (
    Claim,
    protection_claim,
    protection_current,
    protection_release,
)
from reports.indicators.state import (
    Superseded,
    indicators_failed,
    indicators_give_up,
    indicators_outdate,
    indicators_prepare,
)

log = logging.getLogger(__name__)
# Below the Redis broker's visibility timeout (an hour), after which it would hand the task to
# another worker while this one still runs.
SOFT_LIMIT = 55 * 60
# A run of an older generation stops at its next progress report (seconds apart), or once it has
# read the counts; the newest run waits this long between looks.
BUSY_RETRY_AFTER = 10


def _found(area_id: int, source_id: int) -> tuple[Area, Source] | None:
    area, source = Area.objects.filter(pk=area_id).first(), Source.objects.filter(pk=source_id).first()
    if not (area and source):
        log.info("Area %s or source %s is gone since the return was processed; nothing to protect.", area_id, source_id)
        return None
    return area, source


# On the default queue with return processing, and quick: it only counts the generation up and
# queues the protection itself, which has a queue of its own (settings.CELERY_TASK_ROUTES), so
# that protections never hold the workers an agency's return needs.
@shared_task(ignore_result=True, acks_late=True)
def refresh_indicators(area_id: int, source_id: int) -> None:
    """A return of the source was processed: its tables are protected again, ahead of the first
    person who asks, and a protection of the older returns stops. Safe to run twice."""
    if found := _found(area_id, source_id):
        area, source = found
        generation = indicators_outdate(area=area, source=source)
        protect_indicators.delay(area_id, source_id, generation)


# Protecting a large source's tables can take minutes: too long for a web request, so the worker
# does it, on the protection queue.
@shared_task(
    bind=True,
    ignore_result=True,
    acks_late=True,
    soft_time_limit=SOFT_LIMIT,
    time_limit=SOFT_LIMIT + 60,
    max_retries=None,
)
def protect_indicators(self, area_id: int, source_id: int, generation: int) -> None:
    """Protects the source's tables as its returns stood at `generation`, unless a newer return has
    been processed since (a newer run is queued) or another run protects the same generation. Safe
    to run twice: the second run finds the protected tables in the cache."""
    if not (found := _found(area_id, source_id)):
        return
    area, source = found
    claim = protection_claim(
        area=area, source=source, generation=generation, task_id=self.request.id or "", now=timezone.now()
    )
    if claim is Claim.BUSY:
        raise self.retry(countdown=BUSY_RETRY_AFTER)
    if claim is not Claim.TAKEN:
        log.info("Source %s in area %s, generation %s: %s, left alone.", source_id, area_id, generation, claim.value)
        return
    try:
        indicators_prepare(
            area=area,
            source=source,
            wanted=lambda: protection_current(area=area, source=source, generation=generation),
        )
    except Superseded:
        log.info(
            "Source %s in area %s: a newer return came during generation %s; stopped.", source_id, area_id, generation
        )
    except SoftTimeLimitExceeded:
        indicators_give_up(area=area, source=source, minutes=SOFT_LIMIT // 60)
    except Exception:
        indicators_failed(area=area, source=source)
        raise  # for the worker's log
    finally:
        protection_release(area=area, source=source, task_id=self.request.id or "")
