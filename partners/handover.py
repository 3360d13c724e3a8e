"""What a person holds when they leave, and handing it to someone who stays.

A request has two people: its coordinator (who sends and chases it) and the agency's named
contact; an agreement has the coordinator who drafted it, who hears of each decision. Finished
requests and agreements no longer in force stay as they are: they are history, not work.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from catalogue.models import Agency
from notifications.services import notify
from project import roles
from project.lib.text import display_name, plural
from requests_app.models import FINISHED, DataRequest, RequestEvent
from sharing.models import AuditEntry, SharingAgreement, Status
from sharing.services import audit_record

# Agreements that still lead somewhere: drafts, reviews and those in force.
CLOSED_AGREEMENTS = {Status.REJECTED, Status.EXPIRED, Status.TERMINATED, Status.SUPERSEDED}


@dataclass(frozen=True)
class Holdings:
    owned: list  # open requests they coordinate
    named: list  # open requests they are the agency's named contact on
    agreements: list  # agreements still open that they drafted

    def __bool__(self) -> bool:
        return bool(self.owned or self.named or self.agreements)

    @property
    def agency_ids(self) -> set[int]:
        return {request.agency_id for request in self.named}


def holdings_of(user: AbstractBaseUser) -> Holdings:
    open_requests = DataRequest.objects.exclude(status__in=FINISHED).select_related("agency").order_by("reference")
    return Holdings(
        owned=list(open_requests.filter(coordinator=user)),
        named=list(open_requests.filter(agency_contact=user)),
        agreements=list(
            SharingAgreement.objects.filter(created_by=user).exclude(status__in=CLOSED_AGREEMENTS).order_by("reference")
        ),
    )


def active_coordinators() -> QuerySet:
    return get_user_model().objects.filter(is_active=True, groups__name=roles.COORDINATOR)


def successors(user: AbstractBaseUser, agency: Agency | None = None) -> QuerySet:
    """Who may take over: an active coordinator, or (for a contact) another active contact of
    their agency. Never anyone of another agency."""
    people = Q(pk__in=active_coordinators())
    if agency is not None:
        people |= Q(pk__in=agency.contacts.filter(is_active=True))
    return get_user_model().objects.filter(people).exclude(pk=user.pk).distinct().order_by("first_name", "last_name")


def _check_successor(holdings: Holdings, to: AbstractBaseUser) -> bool:
    """Whether `to` takes the requests as the coordinator (True) or as the agency's contact (False)."""
    if not to.is_active:
        raise ValidationError(f"{display_name(to)} is deactivated: choose someone active.")
    if roles.is_coordinator(to):
        return True
    if holdings.owned or holdings.agreements:
        raise ValidationError("A coordinator's requests and agreements can only go to another coordinator.")
    theirs = set(Agency.objects.filter(group__user=to).values_list("pk", flat=True))
    if not roles.is_agency_contact(to) or not holdings.agency_ids <= theirs:
        raise ValidationError(f"{display_name(to)} is not a contact of the agency: choose one of its contacts.")
    return False


def holdings_hand_over(
    *, user: AbstractBaseUser, to: AbstractBaseUser, by: AbstractBaseUser | None, agency: Agency | None = None
) -> Holdings:
    """Gives everything `user` holds to `to`: run inside the caller's transaction, which also
    deactivates `user`. A coordinator taking a contact's requests becomes their coordinator and
    no contact is named until the agency gives another."""
    holdings = holdings_of(user)
    if not holdings:
        return holdings
    as_coordinator = _check_successor(holdings, to)
    today = timezone.localdate()
    ids = [r.pk for r in holdings.owned + holdings.named]
    for request in DataRequest.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
        if request.coordinator_id == user.pk:
            request.coordinator = to
        if request.agency_contact_id == user.pk:
            if as_coordinator:
                request.coordinator, request.agency_contact = to, None
            else:
                request.agency_contact = to
        request.version += 1
        request.save(update_fields=["coordinator", "agency_contact", "version", "updated_at"])
        RequestEvent.objects.create(
            request=request,
            kind=RequestEvent.Kind.REASSIGNED,
            actor=by,
            happened_on=today,
            note=f"{display_name(user)} left; passed to {display_name(to)}.",
        )
    SharingAgreement.objects.filter(pk__in=[a.pk for a in holdings.agreements]).update(created_by=to)
    references = [r.reference for r in holdings.owned + holdings.named] + [a.label for a in holdings.agreements]
    summary = held_summary(holdings)
    audit_record(
        user=by,
        action=AuditEntry.Action.HANDED_OVER,
        object_type="auth.user",
        object_id=user.pk,
        agency=agency,
        detail=f"{display_name(user)}'s {summary} passed to {display_name(to)}: {', '.join(references)}.",
    )
    notify(
        users=[to],
        subject=f"{display_name(user)}'s work is now yours",
        body=f"{display_name(user)} no longer uses the tracker; their {summary} passed to you: "
        + ", ".join(references)
        + ".",
        url=reverse("requests:list"),
    )
    return holdings


def held_summary(holdings: Holdings) -> str:
    parts = []
    if requests := len(holdings.owned) + len(holdings.named):
        parts.append(plural(requests, "open request"))
    if holdings.agreements:
        parts.append(plural(len(holdings.agreements), "open agreement"))
    return " and ".join(parts)
