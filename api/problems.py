"""Every error the API answers is an RFC 9457 problem details object, made here and nowhere else."""

from http import HTTPStatus

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import set_rollback

MEDIA_TYPE = "application/problem+json"


class ProblemSerializer(serializers.Serializer):
    """For the schema: the shape of every error body."""

    type = serializers.CharField(help_text="Always 'about:blank': the status and title say what went wrong.")
    title = serializers.CharField(help_text="The HTTP status phrase.")
    status = serializers.IntegerField()
    detail = serializers.CharField(help_text="What went wrong, in words for a person.")
    instance = serializers.CharField(help_text="The path that was asked for.")
    code = serializers.CharField(help_text="A stable word for programs: not_found, throttled, invalid...")
    errors = serializers.DictField(
        required=False, help_text="For invalid input: the messages for each field ('non_field_errors' for the whole)."
    )


def _as_drf(exc):
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    return exc


def problem_handler(exc, context):
    exc = _as_drf(exc)
    if not isinstance(exc, exceptions.APIException):
        return None
    status = exc.status_code
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "instance": context["request"].path,
    }
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        body |= {"detail": "The request is not valid; see errors.", "code": "invalid", "errors": errors}
    else:
        body |= {"detail": str(exc.detail), "code": exc.get_codes() if isinstance(exc.get_codes(), str) else "error"}
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    set_rollback()
    return Response(body, status=status, headers=headers, content_type=MEDIA_TYPE)
