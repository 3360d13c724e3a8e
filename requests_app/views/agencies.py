"""The coordinator's pages of agencies and their contacts."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from catalogue.services import agency_contact_add
from project import roles
from project.lib.pages import page_of
from project.lib.text import display_name, plural
from requests_app import selectors
from requests_app.forms import (
    AgencyContactForm,
)
from requests_app.services.requests import (
    agency_contact_remove,
)

# Agencies per page: a council works with some 300.
AGENCY_PAGE_SIZE = 50
# An agency's requests per page on its own page.
AGENCY_REQUESTS_PAGE_SIZE = 25


def agency_list(request):
    roles.require(request.user, roles.COORDINATOR)
    # Read whole (one query, a few hundred short rows): rendering them all was the page's cost.
    page, query = page_of(request, list(selectors.agencies_with_contacts()), AGENCY_PAGE_SIZE)
    return render(request, "requests_app/agency_list.html", {"page": page, "query": query})


@require_http_methods(["GET", "POST"])
def agency_detail(request, public_id):
    roles.require(request.user, roles.COORDINATOR)
    agency = selectors.agency_get(public_id)
    form = AgencyContactForm(request.POST or None, agency=agency)
    if request.method == "POST":
        if "remove" in request.POST:
            leaver = selectors.agency_contact_get(agency, request.POST["remove"])
            moved = agency_contact_remove(agency=agency, user=leaver, by=request.user)
            messages.success(
                request,
                f"{display_name(leaver)} removed; {plural(moved, 'open request')} passed on.",
            )
            return redirect("requests:agency", public_id)
        if form.is_valid():
            try:
                agency_contact_add(agency=agency, user=form.cleaned_data["user"])
            except ValidationError as exc:
                form.add_error("user", exc)
            else:
                messages.success(request, f"{form.cleaned_data['user']} can now see and answer {agency}'s requests.")
                return redirect("requests:agency", public_id)
    return render(
        request,
        "requests_app/agency_detail.html",
        {
            "agency": agency,
            "form": form,
            "contacts": agency.contacts.order_by("last_name", "username"),
            "requests": selectors.list_page(agency.requests.all(), request.GET.get("page"), AGENCY_REQUESTS_PAGE_SIZE),
            "today": timezone.localdate(),
        },
    )
