import datetime

import pytest

from catalogue.models import Field, GeographyLevel, Source
from requests_app.models import DataRequest, Status
from requests_app.services import request_create


@pytest.fixture
def make_request(coordinator):
    def make(agency, *, fields=("nationality", "ward", "period"), **extra) -> DataRequest:
        values = dict(
            agency=agency, source=Source.objects.get(slug="school-census-eal-pupils"), title="Pupils by nationality",
            purpose="To plan school places.", fields=list(Field.objects.filter(code__in=fields)),
            geography_level=GeographyLevel.objects.get(code="ward"), period_start=datetime.date(2025, 4, 1),
            period_end=datetime.date(2026, 3, 31), coordinator=coordinator,
        )
        values.update(extra)
        return request_create(**values)

    return make


def force_status(request: DataRequest, status: str, sent_on=datetime.date(2026, 3, 2)) -> DataRequest:
    """Puts a request straight into a state to test what may happen next (test set-up only)."""
    sent = None if status == Status.DRAFT else sent_on
    due = sent + datetime.timedelta(days=28) if sent else None
    DataRequest.objects.filter(pk=request.pk).update(
        status=status, sent_on=sent, due_date=due, long_overdue_date=due + datetime.timedelta(days=28) if due else None,
        received_on=sent if status in (Status.RECEIVED, Status.UNDER_QUERY, Status.COMPLETED, Status.PARTIALLY_COMPLETED) else None,
    )
    request.refresh_from_db()
    return request
