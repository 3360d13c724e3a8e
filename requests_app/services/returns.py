"""Uploads of returned data, checked against the governance gate before anything is kept."""

import hashlib
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from notifications.services import notify
from project import roles
from project.lib.text import display_name
from requests_app.limits import upload_refusal
from requests_app.models import (
    DataRequest,
    RequestEvent,
    Return,
    Status,
)
from requests_app.services.requests import request_url, require_participant
from requests_app.tasks import send_return
from sharing.gate import gate_check
from sharing.models import AuditEntry
from sharing.services import audit_record, people_with_role

UPLOADABLE = {Status.SENT, Status.ACKNOWLEDGED, Status.RECEIVED, Status.UNDER_QUERY}


class UploadRefused(ValidationError):
    """The gate said no; the message lists exactly what is missing."""


def governance_decision(request: DataRequest, *, on: date):
    return gate_check(
        agency=request.agency,
        fields=list(request.fields.all()),
        data_form=request.data_form,
        on=on,
        agreement=request.agreement,
    )


def return_upload(*, request: DataRequest, user, upload, on: date | None = None) -> Return:
    """Stores an agency's file for a request if, today, an active agreement allows it.

    A refusal stores nothing of the file; it is logged, and the coordinator and DPO are told the
    request is blocked. A stored file changes neither the request's status nor the version in
    force: both move only when the file is accepted (see `processing`), so a file that fails its
    checks or is held as personal data leaves the request as it was.
    """
    require_participant(user, request)
    if request.status not in UPLOADABLE:
        raise ValidationError(f"A request that is {request.get_status_display().lower()} does not take uploads.")
    refusal = upload_refusal(upload.name, upload.size)
    if refusal:
        raise ValidationError(refusal)
    today = on or timezone.localdate()
    decision = governance_decision(request, on=today)
    if not decision.allowed:
        with transaction.atomic():
            audit_record(
                user=user,
                action=AuditEntry.Action.UPLOAD_REFUSED,
                object_type="requests.datarequest",
                object_id=request.pk,
                agreement=decision.agreement,
                agency=request.agency,
                request_reference=request.reference,
                detail=decision.summary,
            )
            notify(
                users=[request.coordinator, *people_with_role(roles.DPO)],
                subject=f"{request.reference}: upload blocked by governance",
                body=f"{display_name(user)} tried to upload data for '{request.title}'. "
                f"It was refused: {decision.summary}",
                url=request_url(request),
            )
        raise UploadRefused(f"The file was not accepted, and nothing of it was kept. {decision.summary}")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    with transaction.atomic():
        locked = DataRequest.objects.select_for_update().get(pk=request.pk)
        version = (locked.returns.aggregate(n=Max("version"))["n"] or 0) + 1
        stored = Return(
            request=locked,
            version=version,
            original_name=upload.name[:255],
            size=upload.size,
            sha256=digest.hexdigest(),
            agreement=decision.agreement,
            uploaded_by=user,
        )
        stored.file.save(upload.name, upload, save=False)
        try:
            stored.full_clean()
            stored.save()
            audit_record(
                user=user,
                action=AuditEntry.Action.RETURN_UPLOADED,
                object_type="requests.return",
                object_id=stored.pk,
                agreement=decision.agreement,
                agency=locked.agency,
                request_reference=locked.reference,
                detail=f"{stored.original_name}, {stored.size} bytes, sha256 {stored.sha256}",
            )
            RequestEvent.objects.create(
                request=locked,
                kind=RequestEvent.Kind.MESSAGE,
                actor=user,
                happened_on=today,
                note=f"Uploaded {stored.original_name} (version {version}).",
            )
            # A broker that is down is not the agency's problem: the return is kept and sent later.
            transaction.on_commit(lambda: send_return(stored.pk))
        except Exception:
            # The database rolls back; the file written to disk must go with it.
            stored.file.delete(save=False)
            raise
    return stored


def return_opened(*, stored: Return, user) -> None:
    """Every download of a returned file is in the audit log."""
    audit_record(
        user=user,
        action=AuditEntry.Action.RETURN_DOWNLOAD,
        object_type="requests.return",
        object_id=stored.pk,
        agreement=stored.agreement,
        agency=stored.request.agency,
        request_reference=stored.request.reference,
        detail=stored.original_name,
    )
