"""Requests held back by governance, for the coordinator and the DPO."""

from django.shortcuts import render
from django.utils import timezone

from project import roles
from requests_app import selectors


def blocked_list(request):
    roles.require(
        request.user, roles.COORDINATOR, roles.DPO, reason="Only the coordinator and the DPO see governance blocks."
    )
    today = timezone.localdate()
    return render(
        request,
        "requests_app/blocked_list.html",
        {"page": selectors.blocked_requests(request.user, today, request.GET.get("page")), "today": today},
    )
