"""How much one return may ask of a worker, from settings: the reader's caps and the time allowed."""

from django.conf import settings

from requests_app.ingest.read import Limits


def ingest_limits() -> Limits:
    return Limits(
        rows=settings.TRACKER_INGEST_MAX_ROWS,
        columns=settings.TRACKER_INGEST_MAX_COLUMNS,
        cells=settings.TRACKER_INGEST_MAX_CELLS,
        unpacked_bytes=settings.TRACKER_INGEST_MAX_UNPACKED_MB * 1024 * 1024,
        ratio=settings.TRACKER_INGEST_MAX_RATIO,
        parts=settings.TRACKER_INGEST_MAX_PARTS,
    )
