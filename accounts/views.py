from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as verified_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from accounts import selectors, signals
from accounts.forms import CodeForm, LockoutClearForm
from accounts.second_factor import must_enrol, second_factor_not_required
from accounts.services import lockout_clear, second_factor_enrol
from project import roles
from project.lib.feedback import error_text

# The secret shown on the enrol page is kept in the session until the app proves it holds it.
ENROL_KEY = "second_factor_key"


def next_page(request) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return wanted
    return settings.LOGIN_REDIRECT_URL


@second_factor_not_required
def second_factor(request):
    """Asks for the code of the app a person enrolled, once per sign-in."""
    if not user_has_device(request.user):
        return redirect("accounts:second-factor-enrol")
    form = CodeForm(request.POST or None)
    if form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            verified_login(request, device)
            return redirect(next_page(request))
        form.add_error("token", "That code is not right, or came too late: try the one the app shows now.")
    return render(request, "accounts/second_factor.html", {"form": form, "next": next_page(request)})


@second_factor_not_required
def second_factor_enrol_view(request):
    """Shows a new secret as a QR code and keeps it once the app gives a valid code. Someone who
    already has an app must give its code first, so a stolen password cannot swap the app."""
    if user_has_device(request.user) and not request.user.is_verified():
        return redirect("accounts:second-factor")
    key = request.session.setdefault(ENROL_KEY, default_key())
    form = CodeForm(request.POST or None)
    if form.is_valid():
        try:
            device = second_factor_enrol(user=request.user, key=key, token=form.cleaned_data["token"])
        except ValidationError as error:
            form.add_error("token", error_text(error))
        else:
            del request.session[ENROL_KEY]
            verified_login(request, device)
            messages.success(request, "Your authenticator app is enrolled: it gives your code at each sign-in.")
            return redirect(next_page(request))
    shown = TOTPDevice(user=request.user, key=key)
    context = {
        "form": form,
        "next": next_page(request),
        "qr": segno.make(shown.config_url, error="m").svg_data_uri(scale=5),
        "secret": typed_secret(shown.bin_key),
        "required": must_enrol(request.user),
        "replacing": user_has_device(request.user),
    }
    return render(request, "accounts/second_factor_enrol.html", context)


def typed_secret(key: bytes) -> str:
    """The secret as an app asks for it when typed in: base32, in groups of four."""
    text = b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def lockouts(request):
    """The coordinator's list of usernames and addresses locked out after failed sign-ins."""
    _require_coordinator(request.user)
    return render(
        request,
        "accounts/lockouts.html",
        {"lockouts": selectors.lockouts(), "limit": settings.AXES_FAILURE_LIMIT, "minutes": cool_off_minutes()},
    )


@require_POST
def lockout_clear_view(request):
    _require_coordinator(request.user)
    form = LockoutClearForm(request.POST)
    if form.is_valid():
        kind, value = form.cleaned_data["kind"], form.cleaned_data["value"]
        lockout_clear(by=request.user, **{kind: value})
        messages.success(request, f"{value} may sign in again.")
    return redirect("accounts:lockouts")


def _require_coordinator(user) -> None:
    """The list names people of every agency: to an agency contact it does not exist."""
    if roles.is_agency_contact(user):
        raise Http404
    roles.require(user, roles.COORDINATOR)


def cool_off_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def reset_link_context() -> dict:
    return {"timeout_hours": settings.PASSWORD_RESET_TIMEOUT // 3600}


class PasswordReset(auth_views.PasswordResetView):
    """Django's own: the emailed link carries a token signed with the secret key over the account's
    password hash and last sign-in, so it works once and runs out after PASSWORD_RESET_TIMEOUT."""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **reset_link_context()}

    def form_valid(self, form):
        # Links point at the tracker's configured address, never at whatever Host a request named.
        self.extra_email_context = {"base_url": settings.TRACKER_BASE_URL.rstrip("/"), **reset_link_context()}
        return super().form_valid(form)


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        signals.password_reset_completed.send(PasswordResetConfirm, user=form.user)
        return response
