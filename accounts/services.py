"""Writes about sign-ins: lifting a lockout, enrolling an authenticator app."""

from axes.utils import reset
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import signals

APP_NAME = "Authenticator app"


@transaction.atomic
def lockout_clear(*, by, username: str = "", ip_address: str = "") -> int:
    """Forgets the failed sign-ins of one username or one address, so it may sign in again at once.
    Returns how many counted attempts were removed."""
    if bool(username) == bool(ip_address):
        raise ValidationError("Name either a username or an address.")
    removed = reset(username=username or None, ip=ip_address or None)
    signals.lockout_cleared.send(lockout_clear, by=by, username=username, ip_address=ip_address)
    return removed


@transaction.atomic
def second_factor_enrol(*, user, key: str, token: str) -> TOTPDevice:
    """Keeps the authenticator app whose secret `key` the person was shown, once it gives a valid
    code; replaces any app they had before. Raises ValidationError for a wrong code."""
    device = TOTPDevice(user=user, name=APP_NAME, key=key, confirmed=False)
    device.full_clean()
    device.save()
    if not device.verify_token(token):
        raise ValidationError("That code is not the one the app shows now: try the next one.")
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    signals.second_factor_enrolled.send(second_factor_enrol, user=user)
    return device
