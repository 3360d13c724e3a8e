"""Shared personas: coordinator, agency A contact, agency B contact, DPO, anonymous.

The catalogue is loaded once per test database; each test runs in a transaction rolled back
afterwards, so tests may change catalogue rows freely.
"""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import teardown_databases

from catalogue.models import Area, Field, GeographyLevel, OrganisationType, Source, SourceField, Theme
from catalogue.services import agency_contact_add, agency_create
from project import roles
from requests_app.models import DataRequest, Observation, Return
from requests_app.services.checklists import evidence_refresh
from requests_app.services.requests import request_create
from sharing.models import SharingAgreement
from sharing.services import agreement_create, agreement_transition
from tests import database
from tests.factories import Q1, START, client_for, force_status, make_user


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker, django_db_createdb, django_db_modify_db_settings):
    with django_db_blocker.unblock():
        config = database.set_up(rebuild=django_db_createdb)
    yield
    with django_db_blocker.unblock():
        teardown_databases(config, verbosity=0)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Tests that commit (a live server, a real worker) flush the database after them, the catalogue
    loaded for the session included, so they must run after every other test of the process, as
    pytest-django orders them; another plugin's reordering (the browser tests') must not undo that."""
    items.sort(key=lambda item: "transactional_db" in item.fixturenames or "live_server" in item.fixturenames)


@pytest.fixture(autouse=True)
def flushable_history(request):
    """A test that commits is followed by a flush, which SQLite does row by row, so its append-only
    triggers would refuse it (PostgreSQL truncates, which no row trigger sees). Just before that
    flush the tables are emptied here with the triggers lifted, which are then put back as they were."""
    if "transactional_db" not in request.fixturenames and "live_server" not in request.fixturenames:
        yield
        return
    # Requested here, so that this fixture's teardown runs before the flush that fixture does.
    request.getfixturevalue("transactional_db")
    yield
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        triggers = cursor.fetchall()
        for name, _ in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
    try:
        call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
    finally:
        with connection.cursor() as cursor:
            for _, sql in triggers:
                cursor.execute(sql)


@pytest.fixture(autouse=True)
def private_cache(settings, request):
    """A fresh, empty cache per test: protected indicator tables cached by one test must not
    answer another's, nor the developer's ./var/cache. Tests with a real worker process keep the
    configured cache: it is how they see what the worker did."""
    if request.node.get_closest_marker("worker"):
        return
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": request.node.nodeid}
    }


@pytest.fixture(autouse=True)
def private_media_root(settings, tmp_path):
    """Uploaded files go to a fresh folder per test, never into the developer's ./var."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def area(db):
    return Area.objects.create(name="Testborough", slug="testborough", gss_code="E06000099")


@pytest.fixture
def agency_a(area):
    return agency_create(
        name="Agency A School", area=area, organisation_type=OrganisationType.objects.get(code="secondary-school")
    )


@pytest.fixture
def agency_b(area):
    return agency_create(
        name="Agency B Trust", area=area, organisation_type=OrganisationType.objects.get(code="nhs-acute-trust")
    )


@pytest.fixture
def coordinator(db):
    return make_user("coordinator", roles.COORDINATOR)


@pytest.fixture
def dpo(db):
    return make_user("dpo", roles.DPO)


@pytest.fixture
def contact_a(agency_a):
    user = make_user("contact_a", roles.AGENCY_CONTACT)
    agency_contact_add(agency=agency_a, user=user)
    return user


@pytest.fixture
def contact_b(agency_b):
    user = make_user("contact_b", roles.AGENCY_CONTACT)
    agency_contact_add(agency=agency_b, user=user)
    return user


@pytest.fixture
def coordinator_client(coordinator):
    return client_for(coordinator)


@pytest.fixture
def dpo_client(dpo):
    return client_for(dpo)


@pytest.fixture
def contact_a_client(contact_a):
    return client_for(contact_a)


@pytest.fixture
def contact_b_client(contact_b):
    return client_for(contact_b)


@pytest.fixture
def add_sources(db):
    """Adds n locally created sources with levels and fields, to show a page's query count
    does not grow with its rows."""

    def add(n: int) -> None:
        theme = Theme.objects.get(code="population")
        levels = list(GeographyLevel.objects.filter(code__in=["ward", "local-authority"]))
        fields = list(Field.objects.filter(kind="key"))
        for i in range(n):
            source = Source.objects.create(
                slug=f"extra-{i}",
                title=f"Extra source {i}",
                stage=("local", "qualitative")[i % 2],
                theme=theme,
                summary="Added for a test.",
                frequency="annual",
                access_route="request-local-agency",
                measure="service-activity",
                caveats="One.\n\nTwo.",
            )
            source.geography_levels.set(levels)
            SourceField.objects.bulk_create(SourceField(source=source, field=f, availability="carried") for f in fields)

    return add


@pytest.fixture
def make_agreement(area, coordinator, dpo):
    """An agreement built through the services; `steps` are the actions taken after drafting."""

    def make(
        providers, *, fields=("nationality", "ward", "period"), steps=("submit", "approve", "activate"), **values
    ) -> SharingAgreement:
        content = dict(
            title="Pupils by nationality",
            purpose="Planning",
            necessity="No public source is local enough.",
            legal_power="Localism Act 2011 s1",
            article6_basis="6(1)(e)",
            security="Tracker uploads only",
            retention="Two years",
            disposal="Deleted",
            start_date=START,
            end_date=START + datetime.timedelta(days=730),
            data_form="aggregate",
        )
        content.update(values)
        agreement = agreement_create(
            area=area,
            user=coordinator,
            providers=list(providers),
            data_items=list(Field.objects.filter(code__in=fields)),
            **content,
        )
        for action in steps:
            agreement = agreement_transition(
                agreement=agreement,
                action=action,
                user=coordinator if action == "submit" else dpo,
                on=START,
                siro_name="Pat Senior",
                siro_signed_on=START,
            )
        return agreement

    return make


@pytest.fixture
def make_request(coordinator):
    def make(agency, *, fields=("nationality", "ward", "period"), **extra) -> DataRequest:
        values = dict(
            agency=agency,
            source=Source.objects.get(slug="school-census-eal-pupils"),
            title="Pupils by nationality",
            purpose="To plan school places.",
            fields=list(Field.objects.filter(code__in=fields)),
            geography_level=GeographyLevel.objects.get(code="ward"),
            period_start=datetime.date(2025, 4, 1),
            period_end=datetime.date(2026, 3, 31),
            coordinator=coordinator,
        )
        values.update(extra)
        return request_create(**values)

    return make


# Returns stored directly, for the tests of what is built from them (reports, API, browser).
@pytest.fixture
def add_return(make_agreement):
    """A processed return with the given observations, stored directly (the ingest has its own
    tests, and refreshes the evidence as processing does): each row is a dict of Observation
    fields; `count=None` means the agency suppressed it."""
    agreements = {}

    def add(request, rows, *, status=Return.Status.DONE, superseded=False, categories=None) -> Return:
        if request.agency_id not in agreements:
            agreements[request.agency_id] = make_agreement([request.agency])
        version = request.returns.count() + 1
        stored = Return.objects.create(
            request=request,
            version=version,
            file=f"returns/test-{request.pk}-{version}.csv",
            original_name="return.csv",
            size=1,
            sha256="0" * 64,
            agreement=agreements[request.agency_id],
            uploaded_by=request.coordinator,
            status=status,
            superseded=superseded,
            report={"categories": categories or {}},
            observation_count=len(rows),
        )
        Observation.objects.bulk_create(
            Observation(
                source_return=stored,
                **{"period_start": Q1[0], "period_end": Q1[1], **row, "suppressed": row.get("count") is None},
            )
            for row in rows
        )
        evidence_refresh(agency_ids=[request.agency_id])
        return stored

    return add


@pytest.fixture
def received(make_request):
    """A request the agency has answered, ready for a return."""

    def make(agency, **extra):
        return force_status(make_request(agency, **extra), "received")

    return make
