"""Pages for bringing agencies and their contacts in without the admin site. The coordinator
manages them; the DPO may read the directory; to anyone else every page here is "not found"."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.second_factor import second_factor_not_required
from catalogue.models import OrganisationType
from catalogue.selectors import area_for_user
from partners import selectors
from partners.forms import AgencyForm, HandOverForm, InvitationForm
from partners.handover import holdings_of, successors
from partners.invitations import invited_user
from partners.services import agency_add, contact_deactivate, contact_invite, contact_reactivate, invitation_accept
from project import roles
from project.lib.feedback import error_text
from project.lib.text import display_name


def directory(request):
    selectors.require_directory_reader(request.user)
    area = area_for_user(request.user)
    return render(
        request,
        "partners/directory.html",
        {
            "area": area,
            "directory": selectors.partner_directory(area),
            "can_manage": roles.is_coordinator(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def agency_new(request):
    selectors.require_coordinator(request.user)
    chosen = OrganisationType.objects.filter(code=request.GET.get("type", "")).first()
    form = AgencyForm(request.POST or None, initial={"organisation_type": chosen, "area": area_for_user(request.user)})
    if form.is_valid():
        try:
            agency = agency_add(**form.cleaned_data, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{agency} added. Invite the people who will answer its requests.")
            return redirect("partners:contacts", agency.public_id)
    return render(request, "partners/agency_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def contacts(request, public_id):
    agency = selectors.agency_for_coordinator(request.user, public_id)
    form = InvitationForm(request.POST or None)
    if form.is_valid():
        try:
            invited = contact_invite(agency=agency, **form.cleaned_data, by=request.user)
        except ValidationError as exc:
            form.add_error("email", error_text(exc))
        else:
            messages.success(request, f"Invitation sent to {invited.email}.")
            return redirect("partners:contacts", agency.public_id)
    return render(
        request,
        "partners/contacts.html",
        {
            "agency": agency,
            "form": form,
            "contacts": selectors.agency_contacts(agency),
            "days": settings.TRACKER_INVITATION_DAYS,
        },
    )


def contact_leaving(request, public_id, user_id):
    """Before a contact is deactivated: what they hold, and to whom it goes."""
    agency = selectors.agency_for_coordinator(request.user, public_id)
    contact = selectors.contact_for_coordinator(request.user, agency, user_id)
    return leaving_page(request, contact, hand_over_form(contact, agency), agency=agency)


def contact_deactivate_view(request, public_id, user_id):
    # Who may ask comes before how: to anyone but the coordinator these addresses do not exist.
    agency = selectors.agency_for_coordinator(request.user, public_id)
    contact = selectors.contact_for_coordinator(request.user, agency, user_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = hand_over_form(contact, agency, request.POST)
    if not form.is_valid():
        return leaving_page(request, contact, form, agency=agency)
    try:
        contact_deactivate(agency=agency, user=contact, by=request.user, to=form.cleaned_data["to"])
    except ValidationError as exc:
        form.add_error(None, exc)
        return leaving_page(request, contact, form, agency=agency)
    messages.success(request, f"{display_name(contact)} can no longer sign in.")
    return redirect("partners:contacts", agency.public_id)


def contact_reactivate_view(request, public_id, user_id):
    agency = selectors.agency_for_coordinator(request.user, public_id)
    contact = selectors.contact_for_coordinator(request.user, agency, user_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        contact_reactivate(agency=agency, user=contact, by=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"{display_name(contact)} can sign in again.")
    return redirect("partners:contacts", agency.public_id)


def hand_over_form(person, agency=None, data=None) -> HandOverForm:
    return HandOverForm(data, successors=successors(person, agency), required=bool(holdings_of(person)))


def leaving_page(request, person, form, *, agency=None, action: str = "", back: str = ""):
    """The page that shows what a person holds and asks to whom it goes; shared by contacts and
    the council's team."""
    context = {
        "person": person,
        "agency": agency,
        "holdings": holdings_of(person),
        "form": form,
        "action": action or reverse("partners:contact-deactivate", args=[agency.public_id, person.pk]),
        "back": back or reverse("partners:contacts", args=[agency.public_id]),
    }
    return render(request, "partners/leaving.html", context, status=400 if form.is_bound else 200)


@login_not_required
@second_factor_not_required
@require_http_methods(["GET", "POST"])
def invitation(request, token):
    """Where an invited contact chooses their first password; the link stops working once they have."""
    user = invited_user(token)
    if user is None:
        return render(request, "partners/invitation_invalid.html", status=404)
    form = SetPasswordForm(user, request.POST or None)
    if form.is_valid():
        invitation_accept(user=user, password=form.cleaned_data["new_password1"])
        messages.success(request, "Your password is set. Sign in with your email address and it.")
        return redirect("login")
    return render(request, "partners/invitation.html", {"form": form, "invited": user})
