"""Who must give a code from an authenticator app, and when."""

from django.conf import settings
from django_otp import user_has_device

from project import roles


def second_factor_not_required(view):
    """Marks a view that a signed-in person reaches before giving their code (the code pages, sign out)."""
    view.second_factor_required = False
    return view


def must_enrol(user) -> bool:
    """The coordinator and the DPO see every agency's data: with TRACKER_REQUIRE_2FA on, they sign in
    with a second factor."""
    return settings.TRACKER_REQUIRE_2FA and (roles.is_coordinator(user) or roles.is_dpo(user))


def code_due(user) -> bool:
    """Whether this signed-in session must give a code before anything else: everyone who has an
    app enrolled does (agency contacts may choose to), and so does anyone who must enrol one."""
    if not user.is_authenticated or user.is_verified():
        return False
    return must_enrol(user) or user_has_device(user)
