"""The link in an invitation email: whom it is for, signed with the secret key and dated.

No table keeps invitations. An invited account starts with an unusable password, which Django draws
at random; the link carries a digest of it, so choosing a password (or a fresh invitation, which
draws a new one) ends every earlier link, and the signature's date ends it after
TRACKER_INVITATION_DAYS.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "partners.invitation"


def _password_digest(user) -> str:
    return salted_hmac(SALT, user.password).hexdigest()[:24]


def invitation_token(user) -> str:
    return signing.dumps({"user": user.pk, "password": _password_digest(user)}, salt=SALT)


def invited_user(token: str):
    """The account a token invites, or None when the link is forged, used, superseded, expired,
    or its account was deactivated."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=settings.TRACKER_INVITATION_DAYS * 86400)
        user = get_user_model().objects.get(pk=payload["user"], is_active=True)
    except (signing.BadSignature, KeyError, TypeError, ValueError, get_user_model().DoesNotExist):
        return None
    if user.has_usable_password() or not constant_time_compare(payload["password"], _password_digest(user)):
        return None
    return user
