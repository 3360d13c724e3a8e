"""Reads of API tokens."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from api.models import ApiToken
from api.services import key_hash


def tokens_for(user) -> QuerySet:
    return ApiToken.objects.filter(user=user)


def token_get(user, public_id) -> ApiToken:
    return get_object_or_404(tokens_for(user), public_id=public_id)


def token_for_secret(secret: str) -> tuple[ApiToken | None, str]:
    """The token a secret belongs to, or None and why it is refused."""
    token = ApiToken.objects.select_related("user").filter(key_hash=key_hash(secret)).first()
    if token is None or not token.user.is_active:
        return None, "The token is not known."
    if token.revoked_at is not None:
        return None, "The token has been revoked."
    if token.expires_at <= timezone.now():
        return None, "The token has expired."
    return token, ""
