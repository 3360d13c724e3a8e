"""How much one return may ask of a worker, from settings: the reader's caps and the time allowed,
and the one rule for what a file may be called and weigh, whichever way it comes in."""

from django.conf import settings

from requests_app.ingest.read import Limits, name_refusal


def ingest_limits() -> Limits:
    return Limits(
        rows=settings.TRACKER_INGEST_MAX_ROWS,
        columns=settings.TRACKER_INGEST_MAX_COLUMNS,
        cells=settings.TRACKER_INGEST_MAX_CELLS,
        unpacked_bytes=settings.TRACKER_INGEST_MAX_UNPACKED_MB * 1024 * 1024,
        ratio=settings.TRACKER_INGEST_MAX_RATIO,
        parts=settings.TRACKER_INGEST_MAX_PARTS,
    )


def upload_refusal(filename: str, size: int) -> str:
    """Why a file is not taken before it is read ("" when it is): the upload form, the upload
    service and check_return ask this, so they take exactly the same files."""
    refusal = name_refusal(filename)
    if refusal:
        return refusal
    if size > settings.TRACKER_UPLOAD_MAX_BYTES:
        return f"The file is larger than the {settings.TRACKER_UPLOAD_MAX_BYTES // (1024 * 1024)} MB limit. {SPLIT}"
    return ""


SPLIT = "Split it into smaller files (for example one per year or one per area) and send each one."
