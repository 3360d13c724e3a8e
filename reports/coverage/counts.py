"""The area's requests, counted by agency, source and status in the database: the coverage needs
counts, not thousands of rows (the gate's per-request detail is read only when governance is)."""

from collections import defaultdict

from django.db.models import Count, Q

from catalogue.models import Area
from requests_app.models import DataRequest, Status

RECEIVED = {Status.RECEIVED, Status.UNDER_QUERY, Status.COMPLETED, Status.PARTIALLY_COMPLETED}
ASKED = {Status.SENT, Status.ACKNOWLEDGED, Status.CLARIFICATION}
# Requests that expect data, so the agency needs an agreement that lets it be accepted.
EXPECTING_DATA = ASKED | {Status.RECEIVED, Status.UNDER_QUERY}


def request_counts(area: Area) -> list[dict]:
    """One dict per agency, source and status: `n` requests, `repeating` of them recurring."""
    return list(
        DataRequest.objects.filter(agency__area=area)
        .values("agency_id", "source_id", "status")
        .annotate(n=Count("pk"), repeating=Count("pk", filter=~Q(recurrence="")))
        .order_by()
    )


def counts_by_agency(requests: list[dict]) -> defaultdict[int, list[dict]]:
    found = defaultdict(list)
    for r in requests:
        found[r["agency_id"]].append(r)
    return found


def statuses_by_source(requests: list[dict]) -> defaultdict[int, dict[str, int]]:
    """Source id -> status -> number of requests."""
    found = defaultdict(dict)
    for r in requests:
        found[r["source_id"]][r["status"]] = found[r["source_id"]].get(r["status"], 0) + r["n"]
    return found
