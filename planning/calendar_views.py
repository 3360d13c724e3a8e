"""The release calendar page, taking a release in from it, and the calendar feed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from catalogue.selectors import area_for_user, source_get
from catalogue.views import refresh_record_posted
from planning import selectors, services
from planning.access import require_editor, require_reader
from planning.feed import calendar_ics
from planning.forms import TakenInForm
from project import roles


def calendar(request):
    require_reader(request.user)
    area = area_for_user(request.user)
    today = timezone.localdate()
    feed = selectors.feed_for(request.user)
    return render(
        request,
        "planning/calendar.html",
        {
            "area": area,
            "page": selectors.calendar_page(area, today),
            "unscheduled": selectors.sources_without_calendar(),
            "today": today,
            "can_edit": roles.is_coordinator(request.user),
            "feed_url": request.build_absolute_uri(reverse("planning:feed", args=[feed.token])) if feed else "",
        },
    )


@require_POST
def release_taken_in(request, slug):
    require_editor(request.user)
    source = source_get(slug)
    refresh_record_posted(request, source, TakenInForm)
    return redirect("planning:calendar")


@require_POST
def feed_reset(request):
    require_reader(request.user)
    services.calendar_feed_reset(user=request.user)
    messages.success(request, "Your calendar address is ready below. Any address given out before no longer works.")
    return redirect(f"{reverse('planning:calendar')}#feed")


@login_not_required
@require_GET
def feed(request, token):
    """Calendar programs fetch this without signing in: the secret address stands in for a login."""
    user = selectors.feed_owner(token)
    if user is None:
        raise Http404
    area = area_for_user(user)
    body = calendar_ics(
        selectors.release_calendar(area, timezone.localdate()),
        area_name=area.name,
        page_url=request.build_absolute_uri(reverse("planning:calendar")),
        stamp=timezone.now(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="public-releases.ics"'
    response["Cache-Control"] = "private, max-age=3600"
    return response
