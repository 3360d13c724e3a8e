"""The governance gate's decisions on requests, read for the list pages and the blocked list."""

import datetime

from project import roles
from requests_app.models import OPEN, DataRequest
from requests_app.selectors.requests import requests_for, with_list_details
from sharing.gate import GateDecision, candidates_for, decide
from sharing.models import SharingAgreement


def governance_for(requests, on: datetime.date) -> dict[int, GateDecision]:
    """The gate's decision for each request, in a fixed number of queries (the list pages show it).
    Requests must come with their fields prefetched."""
    requests = list(requests)
    candidates = candidates_for({r.agency_id for r in requests})
    linked = {
        a.pk: a
        for a in SharingAgreement.objects.filter(
            pk__in={r.agreement_id for r in requests if r.agreement_id}
        ).prefetch_related("parties", "data_items")
    }
    return {
        r.pk: decide(
            agency=r.agency,
            fields=list(r.fields.all()),
            data_form=r.data_form,
            on=on,
            candidates=candidates[r.agency_id],
            agreement=linked.get(r.agreement_id),
        )
        for r in requests
    }


def blocked_requests(user, on: datetime.date) -> list[tuple[DataRequest, GateDecision]]:
    """Open requests whose data could not be accepted today, for the coordinator and the DPO."""
    if not (roles.is_coordinator(user) or roles.is_dpo(user)):
        return []
    open_requests = with_list_details(
        requests_for(user).filter(status__in=[s.value for s in OPEN]), on
    ).prefetch_related("fields")
    decisions = governance_for(open_requests, on)
    return [(r, decisions[r.pk]) for r in open_requests if not decisions[r.pk].allowed]
