import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from catalogue.models import Area, Source
from reports.indicators import indicators_failed, indicators_give_up, indicators_prepare

log = logging.getLogger(__name__)
# Below the Redis broker's visibility timeout (an hour), after which it would hand the task to
# another worker while this one still runs.
SOFT_LIMIT = 55 * 60


# Protecting a large source's tables can take minutes of linear programming: too long for a web
# request, so the worker does it as soon as a return is processed, before anyone asks.
@shared_task(ignore_result=True, acks_late=True, soft_time_limit=SOFT_LIMIT, time_limit=SOFT_LIMIT + 60)
def protect_indicators(area_id: int, source_id: int) -> None:
    """Safe to run twice: the second run finds the protected tables in the cache."""
    area, source = Area.objects.filter(pk=area_id).first(), Source.objects.filter(pk=source_id).first()
    if not (area and source):
        log.info("Area %s or source %s is gone since the return was processed; nothing to protect.", area_id, source_id)
        return
    try:
        indicators_prepare(area=area, source=source)
    except SoftTimeLimitExceeded:
        indicators_give_up(area=area, source=source, minutes=SOFT_LIMIT // 60)
    except Exception:
        indicators_failed(area=area, source=source)
        raise  # for the worker's log
