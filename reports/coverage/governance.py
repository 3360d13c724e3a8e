"""Agencies expected to send data that no agreement in force names as a provider."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from reports.coverage.counts import EXPECTING_DATA
from reports.coverage.matrix import AgencyInfo
from sharing.selectors import ProviderAgreement, provider_agreements


@dataclass
class AgencyGovernance:
    agency: AgencyInfo
    waiting: int  # requests that expect data
    agreements: list[ProviderAgreement]  # none of them in force

    @property
    def reason(self) -> str:
        if not self.agreements:
            return "no agreement names it as a provider"
        return "; ".join(
            f"{a.label} is {a.status}" + ("" if a.status != "active" else ", outside its dates")
            for a in self.agreements
        )


def without_agreement(agencies: list[AgencyInfo], requests: list[dict], on: datetime.date) -> list[AgencyGovernance]:
    """Agencies with requests expecting data and no agreement in force naming them as a provider.
    Whether an agreement covers each request's fields is the gate's question, answered per request
    on the DPO's blocked-requests page."""
    waiting = defaultdict(int)
    for r in requests:
        if r["status"] in EXPECTING_DATA:
            waiting[r["agency_id"]] += r["n"]
    agreements = provider_agreements(sorted(waiting), on)
    return [
        AgencyGovernance(agency, waiting[agency.pk], agreements[agency.pk])
        for agency in agencies
        if agency.pk in waiting and not any(a.in_force for a in agreements[agency.pk])
    ]
