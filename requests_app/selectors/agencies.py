"""Reads of agencies and their contacts."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from catalogue.models import Agency
from requests_app.models import OPEN


def agencies_with_contacts() -> QuerySet:
    return (
        Agency.objects.select_related("organisation_type", "area")
        .annotate(
            contact_count=Count("group__user", distinct=True),
            open_count=Count("requests", filter=Q(requests__status__in=[s.value for s in OPEN]), distinct=True),
        )
        .order_by("name")
    )


def agency_get(public_id) -> Agency:
    try:
        return Agency.objects.select_related("organisation_type", "area", "group").get(public_id=public_id)
    except (Agency.DoesNotExist, ValueError):
        raise Http404("No such agency.") from None


def agency_contact_get(agency: Agency, user_id):
    try:
        return agency.contacts.get(pk=int(user_id))
    except (ValueError, agency.contacts.model.DoesNotExist):
        raise Http404("That person is not a contact of this agency.") from None
