"""The team page: a coordinator (or a superuser) invites coordinators and DPOs and lets them go.
To everyone else, agency contacts and the DPO included, these pages do not exist."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from partners.forms import ColleagueInvitationForm
from partners.team import (
    colleague_deactivate,
    colleague_get,
    colleague_invite,
    colleague_reactivate,
    require_team_manager,
    team_members,
)
from partners.views import hand_over_form, leaving_page
from project.lib.feedback import error_text
from project.lib.text import display_name


@require_http_methods(["GET", "POST"])
def team(request):
    require_team_manager(request.user)
    form = ColleagueInvitationForm(request.POST or None)
    if form.is_valid():
        try:
            invited, _ = colleague_invite(**form.cleaned_data, by=request.user)
        except ValidationError as exc:
            form.add_error("email", error_text(exc))
        else:
            messages.success(request, f"Invitation sent to {invited.email}.")
            return redirect("partners:team")
    context = {
        "form": form,
        "members": team_members(),
        "days": settings.TRACKER_INVITATION_DAYS,
        "require_2fa": settings.TRACKER_REQUIRE_2FA,
    }
    return render(request, "partners/team.html", context)


def _leaving(request, colleague, form):
    return leaving_page(
        request,
        colleague,
        form,
        action=reverse("partners:colleague-deactivate", args=[colleague.pk]),
        back=reverse("partners:team"),
    )


def colleague_leaving(request, user_id):
    colleague = colleague_get(request.user, user_id)
    return _leaving(request, colleague, hand_over_form(colleague))


def colleague_deactivate_view(request, user_id):
    colleague = colleague_get(request.user, user_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = hand_over_form(colleague, data=request.POST)
    if not form.is_valid():
        return _leaving(request, colleague, form)
    try:
        colleague_deactivate(user=colleague, by=request.user, to=form.cleaned_data["to"])
    except ValidationError as exc:
        form.add_error(None, exc)
        return _leaving(request, colleague, form)
    messages.success(request, f"{display_name(colleague)} can no longer sign in.")
    return redirect("partners:team")


def colleague_reactivate_view(request, user_id):
    colleague = colleague_get(request.user, user_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        colleague_reactivate(user=colleague, by=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"{display_name(colleague)} can sign in again.")
    return redirect("partners:team")
