"""One request sent to many agencies at once, and chasing the overdue ones together."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from catalogue.models import (
    Agency,
)
from project import roles
from project.lib.text import display_name
from requests_app.models import (
    AWAITING_AGENCY,
    Campaign,
    Reminder,
)
from requests_app.services.chasers import reminder_send
from requests_app.services.requests import request_create, request_transition


@transaction.atomic
def campaign_create(*, name: str, agencies: list[Agency], coordinator, send: bool, **request_fields) -> Campaign:
    """Creates one request per agency (and sends them all, if asked), all or nothing."""
    roles.require(coordinator, roles.COORDINATOR, reason="Only coordinators start campaigns.")
    if not agencies:
        raise ValidationError("Choose at least one agency.")
    campaign = Campaign(name=name, source=request_fields["source"], created_by=coordinator)
    campaign.full_clean()
    campaign.save()
    for agency in agencies:
        request = request_create(agency=agency, coordinator=coordinator, campaign=campaign, **request_fields)
        if send:
            request_transition(request=request, action="send", user=coordinator)
    return campaign


@transaction.atomic
def campaign_chase_overdue(*, campaign: Campaign, user, today: date) -> int:
    """Chases every overdue agency of the campaign now; at most once a day per request."""
    roles.require(user, roles.COORDINATOR, reason="Only coordinators chase agencies.")
    chased = 0
    for request in campaign.requests.filter(status__in=AWAITING_AGENCY, due_date__lt=today).select_related(
        "agency__group", "coordinator"
    ):
        text = (
            f"{display_name(user)} is chasing '{request.title}', which was due on "
            f"{request.due_date:%d %B %Y}. Please reply, or tell us if something is in the way."
        )
        if reminder_send(request, Reminder.Kind.CHASE, today, to_agency=True, to_coordinator=False, text=text):
            chased += 1
    return chased
