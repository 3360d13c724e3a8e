"""The governance gate's decisions on requests, read for the list pages and the blocked list."""

import datetime

from django.core.paginator import Page, Paginator

from project import roles
from requests_app.models import OPEN, DataRequest
from requests_app.selectors.requests import requests_for, with_list_details
from sharing.gate import GateDecision, candidates_for, decide, terms_for
from sharing.models import SharingAgreement


def _linked(agreement_ids) -> dict[int, SharingAgreement]:
    return {
        a.pk: a for a in SharingAgreement.objects.filter(pk__in=agreement_ids).prefetch_related("parties", "data_items")
    }


def governance_for(requests, on: datetime.date) -> dict[int, GateDecision]:
    """The gate's decision for each request, in a fixed number of queries (the list pages show it).
    Requests must come with their fields prefetched."""
    requests = list(requests)
    candidates = candidates_for({r.agency_id for r in requests})
    linked = _linked({r.agreement_id for r in requests if r.agreement_id})
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


def _blocked_ids(user, on: datetime.date) -> list[int]:
    """The open requests the gate would refuse today, overdue first. Read as plain values and judged
    by each agreement's terms read once: the gate words the problems of the page shown only."""
    open_requests = with_list_details(requests_for(user).filter(status__in=[s.value for s in OPEN]), on)
    rows = list(open_requests.values_list("pk", "agency_id", "data_form", "agreement_id"))
    fields_of: dict[int, list[int]] = {pk: [] for pk, *_ in rows}
    asked = DataRequest.fields.through.objects.filter(datarequest__in=open_requests.values("pk"))
    for request_id, field_id in asked.values_list("datarequest_id", "field_id"):
        fields_of[request_id].append(field_id)
    candidates, terms = terms_for({agency_id for _, agency_id, *_ in rows}, {a for *_, a in rows if a}, on)
    blocked = []
    for pk, agency_id, data_form, agreement_id in rows:
        considered = [agreement_id] if agreement_id else candidates[agency_id]
        if not any(terms[a].permit(agency_id, fields_of[pk], data_form) for a in considered):
            blocked.append(pk)
    return blocked


BLOCKED_PAGE_SIZE = 25


def blocked_requests(user, on: datetime.date, page: str | int | None = 1) -> Page:
    """One page of the open requests whose data could not be accepted today, for the coordinator
    and the DPO; the page's items are (request, decision)."""
    if not (roles.is_coordinator(user) or roles.is_dpo(user)):
        return Paginator([], BLOCKED_PAGE_SIZE).get_page(1)
    shown = Paginator(_blocked_ids(user, on), BLOCKED_PAGE_SIZE).get_page(page)
    requests = with_list_details(DataRequest.objects.filter(pk__in=shown.object_list), on).prefetch_related("fields")
    found = {r.pk: r for r in requests}
    decisions = governance_for(found.values(), on)
    shown.object_list = [(found[pk], decisions[pk]) for pk in shown.object_list]
    return shown
