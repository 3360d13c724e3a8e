"""Reads of campaigns (one request sent to many agencies), for the coordinator only."""

import datetime

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from project import roles
from requests_app.models import AWAITING_AGENCY, Campaign, Reminder, Return, Status
from requests_app.selectors.requests import overdue_count, status_counts

# An agency has sent usable data once a return of its request is accepted (processed to done),
# whether or not the coordinator has closed the request yet.
FINISHED = [Status.COMPLETED, Status.PARTIALLY_COMPLETED]
ANSWERED = [*FINISHED, Status.NOT_HELD, Status.REFUSED]


def campaigns_for(user) -> QuerySet:
    if not roles.is_coordinator(user):
        return Campaign.objects.none()
    return Campaign.objects.select_related("source", "created_by").annotate(
        total=Count("requests", filter=~Q(requests__status=Status.WITHDRAWN), distinct=True),
        done=Count(
            "requests",
            filter=~Q(requests__status=Status.WITHDRAWN)
            & (Q(requests__status__in=FINISHED) | Q(requests__returns__status=Return.Status.DONE)),
            distinct=True,
        ),
    )


def campaign_get(user, public_id) -> Campaign:
    try:
        return campaigns_for(user).get(public_id=public_id)
    except (Campaign.DoesNotExist, ValueError):
        raise Http404("No such campaign.") from None


def campaign_rollup(campaign: Campaign, today: datetime.date) -> dict:
    requests = campaign.requests.all()
    counts = status_counts(requests)
    live = sum(n for status, n in counts.items() if status != Status.WITHDRAWN)
    usable = Q(status__in=FINISHED) | Q(returns__status=Return.Status.DONE)
    sent = requests.exclude(status=Status.WITHDRAWN)
    done = sent.filter(usable).distinct().count()
    answered = sent.filter(usable | Q(status__in=ANSWERED)).distinct().count()
    return {
        "counts": counts,
        "total": live,
        "complete": done,
        "answered": answered,
        "percent_complete": round(100 * done / live) if live else 0,
        "percent_answered": round(100 * answered / live) if live else 0,
        "overdue": overdue_count(requests, today),
        "to_chase": requests.filter(status__in=AWAITING_AGENCY, due_date__lt=today)
        .exclude(reminders__kind=Reminder.Kind.CHASE, reminders__key_date=today)
        .count(),
    }
