"""The ingestion gate: may this agency's data, with these fields in this form, be accepted today?

Only under an agreement that is active on the day, names the agency as a provider, covers every
field and permits the data form. The answer says exactly what is missing. Sharing knows nothing
of requests: callers pass the agency, fields, form and date.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, Q

from catalogue.models import Agency, Field
from project.lib.text import lower_first
from sharing.lifecycle import IN_FORCE
from sharing.models import AgreementParty, DataForm, SharingAgreement, Status, form_permits


@dataclass(frozen=True)
class GateDecision:
    allowed: bool
    agreement: SharingAgreement | None
    problems: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        if self.allowed:
            return f"Covered by {self.agreement.label}, active until {self.agreement.end_date:%d %B %Y}."
        return " ".join(self.problems)


def _problems(agreement: SharingAgreement, agency: Agency, fields: list[Field], data_form: str, on: date) -> list[str]:
    label, found = agreement.label, []
    providers = {p.agency_id for p in agreement.parties.all() if p.role == AgreementParty.Role.PROVIDER and p.agency_id}
    if agency.pk not in providers:
        found.append(f"{label} does not name {agency.name} as a provider of data.")
    if agreement.status not in IN_FORCE:
        if agreement.status == Status.EXPIRED:
            found.append(f"{label} expired on {agreement.end_date:%d %B %Y}.")
        else:
            found.append(f"{label} is {lower_first(agreement.get_status_display())}, not active.")
    elif on < agreement.start_date:
        found.append(f"{label} only starts on {agreement.start_date:%d %B %Y}.")
    elif on > agreement.end_date:
        found.append(f"{label} ended on {agreement.end_date:%d %B %Y}.")
    covered = {f.pk for f in agreement.data_items.all()}
    missing = [f.name for f in fields if f.pk not in covered]
    if missing:
        found.append(f"{label} does not cover: {', '.join(missing)}.")
    if not form_permits(agreement.data_form, data_form):
        found.append(
            f"{label} permits only {lower_first(agreement.get_data_form_display())}; "
            f"this data is {lower_first(DataForm(data_form).label)}."
        )
    return found


@dataclass(frozen=True)
class Terms:
    """What an agreement allows on one day, read once, for pages that ask the gate about thousands of
    requests and word the problems of a few (the blocked list). The same rules as `_problems`."""

    providers: frozenset[int]
    in_force: bool
    items: frozenset[int]
    data_form: str

    def permit(self, agency_id: int, field_ids: list[int], data_form: str) -> bool:
        return (
            self.in_force
            and agency_id in self.providers
            and self.items.issuperset(field_ids)
            and form_permits(self.data_form, data_form)
        )


def terms_for(agency_ids, agreement_ids, on: date) -> tuple[dict[int, list[int]], dict[int, Terms]]:
    """For pages that judge thousands of requests: the ids of the agreements naming each agency as a
    party (as `candidates_for` finds them), and the terms of those and of `agreement_ids`, read as
    plain values in three queries: built as models with their parties and items, 150 agreements
    cost the blocked list most of its time."""
    agency_ids, agreement_ids = list(agency_ids), list(agreement_ids)
    naming = AgreementParty.objects.filter(agency_id__in=agency_ids).values("agreement_id")
    rows = SharingAgreement.objects.filter(
        Q(pk__in=agreement_ids) | (Q(pk__in=naming) & ~Q(status=Status.SUPERSEDED))
    ).values_list("pk", "status", "start_date", "end_date", "data_form")
    agreements = {pk: rest for pk, *rest in rows}
    candidates: dict[int, list[int]] = {pk: [] for pk in agency_ids}
    providers = {pk: set() for pk in agreements}
    parties = AgreementParty.objects.filter(agreement_id__in=list(agreements))
    for agreement_id, agency_id, role in parties.values_list("agreement_id", "agency_id", "role").order_by("pk"):
        if role == AgreementParty.Role.PROVIDER and agency_id:
            providers[agreement_id].add(agency_id)
        if agency_id in candidates and agreements[agreement_id][0] != Status.SUPERSEDED:
            candidates[agency_id].append(agreement_id)
    items = {pk: set() for pk in agreements}
    through = SharingAgreement.data_items.through.objects.filter(sharingagreement_id__in=list(agreements))
    for agreement_id, field_id in through.values_list("sharingagreement_id", "field_id"):
        items[agreement_id].add(field_id)
    terms = {
        pk: Terms(frozenset(providers[pk]), status in IN_FORCE and start <= on <= end, frozenset(items[pk]), data_form)
        for pk, (status, start, end, data_form) in agreements.items()
    }
    return candidates, terms


def candidates_for(agency_ids) -> dict[int, list[SharingAgreement]]:
    """Agreements naming each agency as a party, with parties and data items, in three queries."""
    agreements = (
        SharingAgreement.objects.filter(parties__agency_id__in=agency_ids)
        .exclude(status=Status.SUPERSEDED)
        # The gate reads a field's id and name only; the rest (aliases are JSON) costs a decode each.
        .prefetch_related(
            Prefetch("parties", queryset=AgreementParty.objects.all()),
            Prefetch("data_items", queryset=Field.objects.only("id", "name", "order")),
        )
        .distinct()
    )
    by_agency: dict[int, list[SharingAgreement]] = {pk: [] for pk in agency_ids}
    for agreement in agreements:
        for party in agreement.parties.all():
            if party.agency_id in by_agency:
                by_agency[party.agency_id].append(agreement)
    return by_agency


def decide(
    *,
    agency: Agency,
    fields: list[Field],
    data_form: str,
    on: date,
    candidates: list[SharingAgreement],
    agreement: SharingAgreement | None = None,
) -> GateDecision:
    """The decision from preloaded candidates; `agreement`, when given, is the only one considered."""
    if agreement is not None:
        candidates = [agreement]
    if not candidates:
        return GateDecision(
            False,
            None,
            [f"No sharing agreement names {agency.name} as a party."],
        )
    ranked = sorted(
        ((c, _problems(c, agency, fields, data_form, on)) for c in candidates),
        key=lambda pair: (len(pair[1]), pair[0].status not in IN_FORCE, -pair[0].version),
    )
    best, problems = ranked[0]
    return GateDecision(not problems, best, problems)


def gate_check(
    *, agency: Agency, fields: list[Field], data_form: str, on: date, agreement: SharingAgreement | None = None
) -> GateDecision:
    if agreement is not None:
        agreement = SharingAgreement.objects.prefetch_related("parties", "data_items").get(pk=agreement.pk)
    return decide(
        agency=agency,
        fields=fields,
        data_form=data_form,
        on=on,
        candidates=candidates_for([agency.pk])[agency.pk],
        agreement=agreement,
    )
