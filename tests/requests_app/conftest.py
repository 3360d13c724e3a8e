import datetime

from requests_app.models import DataRequest, Status


def force_status(request: DataRequest, status: str, sent_on=datetime.date(2026, 3, 2)) -> DataRequest:
    """Puts a request straight into a state to test what may happen next (test set-up only)."""
    sent = None if status == Status.DRAFT else sent_on
    due = sent + datetime.timedelta(days=28) if sent else None
    DataRequest.objects.filter(pk=request.pk).update(
        status=status,
        sent_on=sent,
        due_date=due,
        long_overdue_date=due + datetime.timedelta(days=28) if due else None,
        received_on=sent
        if status in (Status.RECEIVED, Status.UNDER_QUERY, Status.COMPLETED, Status.PARTIALLY_COMPLETED)
        else None,
    )
    request.refresh_from_db()
    return request
