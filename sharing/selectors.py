"""Reads of agreements and the audit log for a user. Agency contacts see only agreements their
agency is party to; coordinators and DPOs see the whole register."""

import csv
import datetime
import io
from dataclasses import dataclass

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import Http404

from catalogue.models import Agency
from project import roles
from project.lib.select import PlainSelect
from project.lib.spreadsheet import neutralise
from sharing.lifecycle import IN_FORCE, LIVE
from sharing.models import AgreementParty, AuditEntry, SharingAgreement, Status
from sharing.services import CONTENT_FIELDS


def agreements_for(user) -> QuerySet:
    base = SharingAgreement.objects.select_related("area", "created_by").prefetch_related(
        "parties__agency", "data_items"
    )
    if roles.is_coordinator(user) or roles.is_dpo(user):
        return base
    if roles.is_agency_contact(user):
        return base.filter(parties__agency__group__user=user).distinct()
    return SharingAgreement.objects.none()


def agreement_get(user, public_id) -> SharingAgreement:
    try:
        return agreements_for(user).get(public_id=public_id)
    except (SharingAgreement.DoesNotExist, ValueError):
        raise Http404("No such agreement.") from None


class RegisterFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, widget=forms.CheckboxSelectMultiple)
    agency = django_filters.ModelChoiceFilter(
        queryset=Agency.objects.order_by("name"),
        field_name="parties__agency",
        to_field_name="public_id",
        distinct=True,
        widget=PlainSelect,
    )

    class Meta:
        model = SharingAgreement
        fields = []

    def search(self, queryset, name, value):
        for term in value.split():
            queryset = queryset.filter(title__icontains=term) | queryset.filter(reference__icontains=term)
        return queryset.distinct()


def dpo_workspace(today: datetime.date) -> dict:
    base = SharingAgreement.objects.select_related("created_by").prefetch_related("parties__agency")
    return {
        "queue": base.filter(status__in=[Status.SUBMITTED, Status.IN_REVIEW]).order_by("updated_at"),
        "reviews_due": base.filter(status=Status.REVIEW_DUE).order_by("next_review_date"),
        "expiring": base.filter(
            status__in=list(LIVE), end_date__gte=today, end_date__lte=today + datetime.timedelta(days=30)
        ).order_by("end_date"),
        "awaiting_siro": base.filter(status=Status.APPROVED),
    }


def _display(agreement: SharingAgreement, name: str) -> str:
    getter = getattr(agreement, f"get_{name}_display", None)
    return str(getter() if getter else getattr(agreement, name))


def agreement_diff(agreement: SharingAgreement) -> list[tuple[str, str, str]]:
    """What changed since the version this one amends (the one the DPO approved)."""
    old = agreement.previous_version
    if old is None:
        return []
    changes = [
        (
            SharingAgreement._meta.get_field(name).verbose_name.capitalize(),
            _display(old, name),
            _display(agreement, name),
        )
        for name in CONTENT_FIELDS
        if getattr(old, name) != getattr(agreement, name)
    ]
    items = _list_change(
        [f.name for f in old.data_items.all()], [f.name for f in agreement.data_items.all()], separator=", "
    )
    if items:
        changes.append(("Data items", *items))
    parties = _list_change(
        [str(p) for p in old.parties.select_related("agency")],
        [str(p) for p in agreement.parties.select_related("agency")],
        separator="; ",
    )
    if parties:
        changes.append(("Parties", *parties))
    return changes


def _list_change(old: list[str], new: list[str], *, separator: str) -> tuple[str, str] | None:
    """Only what left and what joined a list: a DPO reads one added item, not two long lists."""
    removed = sorted(set(old) - set(new))
    added = sorted(set(new) - set(old))
    if not (removed or added):
        return None
    return (
        f"removed: {separator.join(removed)}" if removed else "",
        f"added: {separator.join(added)}" if added else "",
    )


def agreement_timeline(agreement: SharingAgreement) -> QuerySet:
    return agreement.events.select_related("actor").order_by("-created_at", "-pk")


REGISTER_COLUMNS = [
    "reference",
    "version",
    "title",
    "status",
    "providers",
    "recipients",
    "data_items",
    "data_form",
    "reporting_threshold",
    "article6_basis",
    "article9_condition",
    "schedule1_condition",
    "dpia",
    "start_date",
    "end_date",
    "next_review_date",
    "siro",
    "siro_signed_on",
]


def register_csv(agreements) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REGISTER_COLUMNS)
    # Labels looked up once: get_FOO_display() rebuilds its choice list on every call, six per row.
    labels = {
        name: dict(SharingAgreement._meta.get_field(name).flatchoices)
        for name in (
            "status",
            "data_form",
            "article6_basis",
            "article9_condition",
            "schedule1_condition",
            "dpia_status",
        )
    }
    for a in agreements:
        parties = list(a.parties.all())
        providers = [p.agency.name for p in parties if p.agency and p.role == AgreementParty.Role.PROVIDER]
        recipients = [
            ("The council" if p.is_local_authority else p.agency.name)
            for p in parties
            if p.role == AgreementParty.Role.RECIPIENT
        ]
        writer.writerow(
            [
                neutralise(v)
                for v in [
                    a.reference,
                    a.version,
                    a.title,
                    labels["status"][a.status],
                    "; ".join(providers),
                    "; ".join(recipients),
                    "; ".join(f.name for f in a.data_items.all()),
                    labels["data_form"][a.data_form],
                    a.reporting_threshold,
                    labels["article6_basis"][a.article6_basis],
                    labels["article9_condition"][a.article9_condition] if a.article9_condition else "",
                    labels["schedule1_condition"][a.schedule1_condition] if a.schedule1_condition else "",
                    labels["dpia_status"][a.dpia_status],
                    a.start_date,
                    a.end_date,
                    a.next_review_date,
                    a.siro_name,
                    a.siro_signed_on or "",
                ]
            ]
        )
    return out.getvalue()


class AuditFilter(django_filters.FilterSet):
    agreement = django_filters.ModelChoiceFilter(
        queryset=SharingAgreement.objects.order_by("reference", "-version"),
        to_field_name="public_id",
        widget=PlainSelect,
    )
    agency = django_filters.ModelChoiceFilter(
        queryset=Agency.objects.order_by("name"), to_field_name="public_id", widget=PlainSelect
    )
    actor = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.order_by("username"), label="User", widget=PlainSelect
    )
    action = django_filters.ChoiceFilter(choices=AuditEntry.Action.choices)
    request = django_filters.CharFilter(field_name="request_reference", label="Request reference")
    since = django_filters.DateFilter(
        field_name="occurred_at", lookup_expr="date__gte", label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = django_filters.DateFilter(
        field_name="occurred_at", lookup_expr="date__lte", label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = AuditEntry
        fields = []


def audit_entries() -> QuerySet:
    return AuditEntry.objects.select_related("actor", "agreement", "agency")


AUDIT_COLUMNS = ["when", "who", "action", "request", "agreement", "agency", "object type", "object id", "detail"]


def audit_csv(entries) -> str:
    """The audit entries as a spreadsheet for the DPO's records, newest first, times in UTC."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(AUDIT_COLUMNS)
    for e in entries.iterator(chunk_size=2000):
        writer.writerow(
            [
                neutralise(v)
                for v in [
                    e.occurred_at.astimezone(datetime.UTC).isoformat(timespec="seconds"),
                    e.actor_name,
                    e.get_action_display(),
                    e.request_reference,
                    e.agreement.label if e.agreement else "",
                    e.agency.name if e.agency else "",
                    e.object_type,
                    e.object_id,
                    e.detail,
                ]
            ]
        )
    return out.getvalue()


@dataclass(frozen=True)
class ProviderAgreement:
    label: str
    status: str
    in_force: bool  # active and within its dates on the day asked about


def provider_agreements(agency_ids, on: datetime.date) -> dict[int, list[ProviderAgreement]]:
    """For each agency, the current versions of the agreements naming it as a provider, in one query."""
    rows = (
        AgreementParty.objects.filter(agency_id__in=agency_ids, role=AgreementParty.Role.PROVIDER)
        .exclude(agreement__status=Status.SUPERSEDED)
        .values_list(
            "agency_id",
            "agreement__reference",
            "agreement__version",
            "agreement__status",
            "agreement__start_date",
            "agreement__end_date",
        )
        .order_by("agreement__reference")
    )
    found: dict[int, list[ProviderAgreement]] = {pk: [] for pk in agency_ids}
    labels = dict(Status.choices)
    for agency_id, reference, version, status, start, end in rows:
        found[agency_id].append(
            ProviderAgreement(
                f"{reference} v{version}", labels[status].lower(), status in IN_FORCE and start <= on <= end
            )
        )
    return found
