"""Demo data for trying the tracker: an area, its agencies and one user per role.

Demo data never goes in migrations. Later issues extend `demo_seed` with requests, agreements
and returns; it stays safe to run twice.
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from accounts.passwords import DEMO_PASSWORD
from catalogue.models import Agency, Area, OrganisationType, Source, SourceAvailability, SourceRefresh
from catalogue.services import agency_contact_add, agency_create
from project import roles

AREA = {
    "name": "Teesmouth Borough Council (demo)",
    "slug": "teesmouth",
    "gss_code": "E06000002",
    "region_code": "E12000001",
}

AGENCIES = [
    ("Northgate Academy", "secondary-school"),
    ("Riverside Primary School", "primary-school"),
    ("St Hilda's Primary School", "primary-school"),
    ("Teesmouth NHS Foundation Trust", "nhs-acute-trust"),
    ("Tees Valley Mental Health Trust", "mental-health-trust"),
    ("Linthorpe Medical Practice", "gp-practice"),
    ("Central Medical Group", "gp-practice"),
    ("Teesmouth Police", "police-force"),
    ("Open Door Refugee Support", "asylum-refugee-support"),
    ("Teesmouth Homes", "social-housing-provider"),
    ("Council Children's Social Care", "la-childrens-social-care"),
    ("Council Democratic Services", "la-democratic-services"),
]

# (role, username, first name, last name, agencies they answer for)
USERS = [
    (roles.COORDINATOR, "coordinator", "Chris", "Coordinator", []),
    (roles.DPO, "dpo", "Dana", "Protection", []),
    (roles.AGENCY_CONTACT, "school", "Sam", "Schools", ["Northgate Academy"]),
    (roles.AGENCY_CONTACT, "trust", "Tariq", "Trust", ["Teesmouth NHS Foundation Trust"]),
]

CATALOGUE_MODELS = [
    "source",
    "sourcefield",
    "definition",
    "field",
    "organisationtype",
    "theme",
    "geographylevel",
    "country",
    "countryalias",
    "nationalitygroup",
    "nationalitygroupmember",
    "language",
    "gssprefix",
    "agency",
    "area",
]


@transaction.atomic
def demo_seed() -> list[tuple[str, str]]:
    area, _ = Area.objects.update_or_create(slug=AREA["slug"], defaults=AREA)
    types = {t.code: t for t in OrganisationType.objects.all()}
    agencies = {a.name: a for a in Agency.objects.filter(area=area)}
    for name, type_code in AGENCIES:
        if name not in agencies:
            agencies[name] = agency_create(name=name, organisation_type=types[type_code], area=area)

    # The coordinator keeps the catalogue in the admin site.
    coordinator_group = Group.objects.get(name=roles.COORDINATOR)
    coordinator_group.permissions.add(
        *Permission.objects.filter(content_type__app_label="catalogue", content_type__model__in=CATALOGUE_MODELS)
    )

    User = get_user_model()
    created = []
    for role, username, first, last, agency_names in USERS:
        user, made = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
        )
        if made:
            user.set_password(DEMO_PASSWORD)
        user.is_staff = role == roles.COORDINATOR
        user.save()
        user.groups.add(Group.objects.get(name=role))
        for agency_name in agency_names:
            agency_contact_add(agency=agencies[agency_name], user=user)
        created.append((role, username))

    coordinator = User.objects.get(username="coordinator")
    for slug, available, notes in [
        (
            "joint-strategic-needs-assessment",
            "yes",
            "Refreshed every three years; the demography chapter is the starting point.",
        ),
        ("neighbourhood-policing-survey", "no", "The force stopped running it locally."),
    ]:
        source = Source.objects.filter(slug=slug).first()
        if source and not SourceAvailability.objects.filter(area=area, source=source).exists():
            SourceAvailability.objects.create(
                area=area, source=source, available=available, notes=notes, updated_by=coordinator
            )
    _take_in_public_sources(area, coordinator)
    return created


# Public sources the demo area has never taken in, so the coverage page shows what that looks like.
NEVER_TAKEN_IN = {"population-by-country-of-birth-nationality", "hesa-international-students"}


def _take_in_public_sources(area: Area, coordinator) -> None:
    """A council that took in its public statistics six weeks ago, once: the sources published
    since then, and the two it never took in, show as out of date."""
    if SourceRefresh.objects.filter(area=area).exists():
        return  # seeded before; and a real coordinator may have recorded more since
    on = timezone.localdate() - datetime.timedelta(weeks=6)
    SourceRefresh.objects.bulk_create(
        SourceRefresh(
            area=area, source=source, refreshed_on=on, note="Demo: the last round of updates.", recorded_by=coordinator
        )
        for source in Source.objects.filter(stage=Source.Stage.PUBLIC).exclude(slug__in=NEVER_TAKEN_IN)
    )
