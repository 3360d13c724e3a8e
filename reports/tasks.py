from celery import shared_task

from catalogue.models import Area, Source
from reports.indicators import indicators_prepare


# Protecting a large source's tables can take minutes of linear programming: too long for a web
# request, so the worker does it as soon as a return is processed, before anyone asks.
@shared_task(ignore_result=True, acks_late=True, soft_time_limit=3600, time_limit=3700)
def protect_indicators(area_id: int, source_id: int) -> None:
    """Safe to run twice: the second run finds the protected tables in the cache."""
    area, source = Area.objects.filter(pk=area_id).first(), Source.objects.filter(pk=source_id).first()
    if area and source:  # either may have gone since the return was processed
        indicators_prepare(area=area, source=source)
