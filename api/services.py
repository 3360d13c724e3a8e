"""Writes of API tokens: made, revoked, used. Each is in the audit log, like the pages' actions."""

import datetime
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from api.models import ApiToken, Scope
from sharing.models import AuditEntry
from sharing.services import audit_record

# The longest a token may live: a forgotten one stops working on its own.
MAX_DAYS = 365


def key_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(*, user, name: str, scope: str, days: int) -> tuple[ApiToken, str]:
    """A new token and its secret; the secret is not stored, so the caller shows it once."""
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"A token lasts from 1 to {MAX_DAYS} days.")
    secret = secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        scope=Scope(scope),
        prefix=secret[:8],
        key_hash=key_hash(secret),
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    token.full_clean()
    token.save()
    _audit(
        token,
        AuditEntry.Action.API_TOKEN_CREATED,
        f"{token.name}; scope {token.scope}; expires {token.expires_at:%Y-%m-%d}",
    )
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken) -> ApiToken:
    if ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()):
        _audit(token, AuditEntry.Action.API_TOKEN_REVOKED, token.name)
    token.refresh_from_db()
    return token


def token_use_record(*, token: ApiToken, method: str, path: str) -> None:
    """Every request made with a token is audited, as every page showing returned data is."""
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    _audit(token, AuditEntry.Action.API_TOKEN_USED, f"{method} {path}"[:500])


def _audit(token: ApiToken, action: str, detail: str) -> None:
    audit_record(user=token.user, action=action, object_type="api.token", object_id=token.public_id, detail=detail)
