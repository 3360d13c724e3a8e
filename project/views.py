from django.contrib.auth.decorators import login_not_required
from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from catalogue.models import Source
from planning.selectors import overdue_milestones_anywhere
from project import roles
from project.monitoring import broker_queues, database_up, token_valid, worker_status
from requests_app.models import OPEN
from requests_app.selectors import overdue_count, requests_for
from requests_app.selectors.monitoring import returns_by_state
from sharing.selectors import dpo_workspace


def home(request):
    stages = dict(Source.objects.order_by().values_list("stage").annotate(n=Count("id")))
    today = timezone.localdate()
    visible = requests_for(request.user)
    return render(
        request,
        "home.html",
        {
            "stages": [(value, label, stages.get(value, 0)) for value, label in Source.Stage.choices],
            "worker": worker_status(),
            "open_requests": visible.filter(status__in=[s.value for s in OPEN]).count(),
            "overdue_requests": overdue_count(visible, today),
            "review_queue": dpo_workspace(today)["queue"].count() if roles.is_dpo(request.user) else 0,
            "ingest": returns_by_state() if roles.is_coordinator(request.user) else None,
            "overdue_milestones": list(overdue_milestones_anywhere(today))
            if roles.is_coordinator(request.user)
            else [],
        },
    )


@login_not_required
def health(request):
    """For load balancers and for people: is each part up? Only yes or no, no counts (those are on
    /monitoring/). 503 when the database is down: the app cannot serve a page without it."""
    database = database_up()
    body = {"app": True, "database": database, "broker": broker_queues() is not None, "worker": worker_status()["ok"]}
    return JsonResponse(body, status=200 if database else 503)


@login_not_required
def monitoring(request):
    """For operators and monitoring: queue lengths, the oldest waiting return, the returns in each
    state. A monitoring token or a signed-in coordinator; anyone else gets 404."""
    if not (token_valid(request) or roles.is_coordinator(request.user)):
        raise Http404
    returns = returns_by_state()
    del returns["shown"]  # the page's wording
    return JsonResponse(
        {"worker": worker_status(), "broker_queues": broker_queues(), "returns": returns},
        json_dumps_params={"indent": 2},
    )
