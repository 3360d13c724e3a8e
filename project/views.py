from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

from catalogue.models import Source
from catalogue.tasks import HEARTBEAT_KEY
from project import roles
from requests_app.models import OPEN
from requests_app.selectors import overdue_count, requests_for
from sharing.selectors import dpo_workspace

# The worker beats every minute; three missed beats mean it is not running.
HEARTBEAT_STALE_SECONDS = 180


def worker_status() -> dict:
    beat = cache.get(HEARTBEAT_KEY)
    if beat is None:
        return {"ok": False, "last_seen": None}
    age = (timezone.now() - beat).total_seconds()
    return {"ok": age < HEARTBEAT_STALE_SECONDS, "last_seen": beat.isoformat(), "age_seconds": round(age)}


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
        },
    )


@login_not_required
def health(request):
    """For load balancers and for people: is the database reachable, is a worker running?"""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    worker = worker_status()
    return JsonResponse({"database": True, "worker": worker}, status=200)
