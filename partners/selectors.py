"""Reads for the partner directory and an agency's contacts, for the coordinator (and the DPO, who
may read the directory). Everyone else is told these pages do not exist."""

from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from catalogue.models import Agency, Area, OrganisationType
from project import roles
from requests_app.selectors.agencies import agency_contact_get, agency_get


@dataclass
class PartnerGroup:
    label: str
    types: list = field(default_factory=list)


@dataclass
class Directory:
    groups: list[PartnerGroup]
    suggested: int
    suggested_engaged: int
    agencies: int


def require_coordinator(user) -> None:
    if not roles.is_coordinator(user):
        raise Http404("No such page.")


def require_directory_reader(user) -> None:
    if not (roles.is_coordinator(user) or roles.is_dpo(user)):
        raise Http404("No such page.")


def partner_directory(area: Area) -> Directory:
    """Every organisation type by the toolkit's groups, with the area's agencies of that type and
    how many requests it has sent them; a type is engaged once the area has an agency of it."""
    types = list(
        OrganisationType.objects.annotate(
            agency_count=Count("agencies", filter=Q(agencies__area=area), distinct=True),
            sent_count=Count(
                "agencies__requests",
                filter=Q(agencies__area=area, agencies__requests__sent_on__isnull=False),
                distinct=True,
            ),
        ).prefetch_related(Prefetch("agencies", queryset=Agency.objects.filter(area=area), to_attr="area_agencies"))
    )
    # The toolkit's order of groups (the choices' order), suggested partners first within each.
    order = {code: i for i, code in enumerate(OrganisationType.Group.values)}
    types.sort(key=lambda t: (order.get(t.group, len(order)), not t.in_partner_table, t.name))
    labels = dict(OrganisationType.Group.choices)
    groups = [
        PartnerGroup(label=labels.get(code, code), types=list(members))
        for code, members in groupby(types, key=lambda t: t.group)
    ]
    suggested = [t for t in types if t.in_partner_table]
    return Directory(
        groups=groups,
        suggested=len(suggested),
        suggested_engaged=sum(1 for t in suggested if t.agency_count),
        agencies=sum(t.agency_count for t in types),
    )


def agency_for_coordinator(user, public_id) -> Agency:
    require_coordinator(user)
    return agency_get(public_id)


def contact_for_coordinator(user, agency: Agency, user_id):
    require_coordinator(user)
    return agency_contact_get(agency, user_id)


def agency_contacts(agency: Agency) -> QuerySet:
    """Active contacts first, then those deactivated; the page tells invited from signed-up."""
    return agency.contacts.order_by("-is_active", "last_name", "first_name", "username")
