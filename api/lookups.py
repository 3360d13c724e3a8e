"""Identifiers in API paths."""

import uuid

from django.http import Http404


def public_uuid(value: str) -> uuid.UUID:
    """A made-up identifier is as unknown as another agency's: 404, not 400."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None
