"""Campaigns: one request sent to many agencies, and chasing the overdue ones."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from project import roles
from project.lib.text import plural
from requests_app import selectors
from requests_app.filters import RequestFilter
from requests_app.forms import (
    CampaignForm,
)
from requests_app.services.campaigns import campaign_chase_overdue, campaign_create

# Agencies per page of a campaign: one campaign can reach every agency of the area.
CAMPAIGN_PAGE_SIZE = 50


def campaign_list(request):
    roles.require(request.user, roles.COORDINATOR)
    return render(request, "requests_app/campaign_list.html", {"campaigns": selectors.campaigns_for(request.user)})


@require_http_methods(["GET", "POST"])
def campaign_new(request):
    roles.require(request.user, roles.COORDINATOR)
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaign_create(
                name=form.cleaned_data["name"],
                agencies=list(form.cleaned_data["agencies"]),
                coordinator=request.user,
                send=form.cleaned_data["send_now"],
                **form.request_values(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            verb = "sent to" if form.cleaned_data["send_now"] else "drafted for"
            messages.success(
                request, f"Campaign created: {len(form.cleaned_data['agencies'])} requests {verb} the agencies."
            )
            return redirect("requests:campaign", campaign.public_id)
    return render(request, "requests_app/campaign_form.html", {"form": form})


def campaign_detail(request, public_id):
    campaign = selectors.campaign_get(request.user, public_id)
    today = timezone.localdate()
    filterset = RequestFilter(request.GET, queryset=campaign.requests.all())
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "requests_app/campaign_detail.html",
        {
            "campaign": campaign,
            "filterset": filterset,
            "today": today,
            "page": selectors.list_page(filterset.qs, request.GET.get("page"), CAMPAIGN_PAGE_SIZE, today),
            "query": query.urlencode(),
            "rollup": selectors.campaign_rollup(campaign, today),
        },
    )


@require_POST
def campaign_chase(request, public_id):
    campaign = selectors.campaign_get(request.user, public_id)
    chased = campaign_chase_overdue(campaign=campaign, user=request.user, today=timezone.localdate())
    if chased:
        messages.success(request, f"Chased {plural(chased, 'overdue agency')}.")
    else:
        messages.info(request, "Nobody to chase: no overdue request, or they were all chased today already.")
    return redirect("requests:campaign", public_id)
