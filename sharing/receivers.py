"""The audit log's record of what happens to sign-ins, told by the throttling and by `accounts`."""

from axes.signals import user_locked_out

from accounts import signals
from sharing.models import AuditEntry
from sharing.services import audit_record


def audit_lockout(sender, request, username, ip_address, **kwargs):
    # Nobody is signed in: the entry names the username tried and the address it came from.
    audit_record(
        user=None,
        action=AuditEntry.Action.LOGIN_LOCKED_OUT,
        object_type="auth.login",
        object_id=(username or "")[:40],
        detail=f"Sign-in locked for username {username!r} and address {ip_address} after repeated failures.",
    )


def audit_lockout_cleared(sender, by, username, ip_address, **kwargs):
    audit_record(
        user=by,
        action=AuditEntry.Action.LOCKOUT_CLEARED,
        object_type="auth.login",
        object_id=(username or ip_address)[:40],
        detail=f"Lock lifted for {'username' if username else 'address'} {username or ip_address}.",
    )


def audit_second_factor(sender, user, **kwargs):
    audit_record(
        user=user,
        action=AuditEntry.Action.SECOND_FACTOR_ENROLLED,
        object_type="auth.user",
        object_id=user.pk,
        detail="Enrolled an authenticator app for sign-in codes.",
    )


def audit_password_reset(sender, user, **kwargs):
    audit_record(
        user=user,
        action=AuditEntry.Action.PASSWORD_RESET,
        object_type="auth.user",
        object_id=user.pk,
        detail="Chose a new password through an emailed reset link.",
    )


def connect() -> None:
    user_locked_out.connect(audit_lockout, dispatch_uid="audit-lockout")
    signals.lockout_cleared.connect(audit_lockout_cleared, dispatch_uid="audit-lockout-cleared")
    signals.second_factor_enrolled.connect(audit_second_factor, dispatch_uid="audit-second-factor")
    signals.password_reset_completed.connect(audit_password_reset, dispatch_uid="audit-password-reset")
