"""The requests app's models, one module per part; imported here for Django and for callers."""

from requests_app.models.checklists import ChecklistAnswer, FieldEvidence
from requests_app.models.requests import (
    AWAITING_AGENCY,
    FINISHED,
    OPEN,
    Campaign,
    DataRequest,
    DataRequestGroupObjectPermission,
    DataRequestUserObjectPermission,
    Granularity,
    Recurrence,
    Reminder,
    RequestEvent,
    Status,
    default_threshold,
)
from requests_app.models.returns import CountRow, Observation, Return, return_upload_to

__all__ = [
    "AWAITING_AGENCY",
    "FINISHED",
    "OPEN",
    "Campaign",
    "ChecklistAnswer",
    "DataRequest",
    "DataRequestGroupObjectPermission",
    "DataRequestUserObjectPermission",
    "FieldEvidence",
    "Granularity",
    "CountRow",
    "Observation",
    "Recurrence",
    "Reminder",
    "RequestEvent",
    "Return",
    "Status",
    "default_threshold",
    "return_upload_to",
]
