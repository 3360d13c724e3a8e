"""Helpers that build test data, imported by conftest files and tests alike.

They live here, not in conftest files or test modules: pytest loads those itself, and importing
them from each other made cycles (the reports conftest needed a test module that needed it).
"""

import contextlib
import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client

from catalogue.models import Field
from requests_app.models import ChecklistAnswer, DataRequest, Status
from requests_app.services.checklists import evidence_refresh
from sharing.models import SharingAgreement

# Agreements made by `make_agreement` start on this day unless told otherwise.
START = datetime.date(2026, 1, 1)

# Two quarters of returned data.
Q1 = (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
Q2 = (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))

# The day the coverage and export tests take as today.
TODAY = datetime.date(2026, 11, 21)

# The source most returns in the report tests are for.
EAL = "school-census-eal-pupils"


# Every test user's password, for the tests that sign in through the login form.
PASSWORD = "pw-for-tests-only"


def make_user(username: str, role: str | None):
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, first_name=username.title(), email=f"{username}@example.org"
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def force_status(request: DataRequest, status: str, sent_on=datetime.date(2026, 3, 2)) -> DataRequest:
    """Puts a request straight into a state to test what may happen next (test set-up only)."""
    sent = None if status == Status.DRAFT else sent_on
    due = sent + datetime.timedelta(days=28) if sent else None
    DataRequest.objects.filter(pk=request.pk).update(
        status=status,
        sent_on=sent,
        due_date=due,
        long_overdue_date=due + datetime.timedelta(days=28) if due else None,
        received_on=sent
        if status in (Status.RECEIVED, Status.UNDER_QUERY, Status.COMPLETED, Status.PARTIALLY_COMPLETED)
        else None,
    )
    request.refresh_from_db()
    return request


@contextlib.contextmanager
def rolled_back():
    """A block whose database changes are undone when it ends, however it ends: one row set up once
    can be tried in each state as if it were new (test set-up only)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def force_agreement_status(agreement: SharingAgreement, status: str) -> SharingAgreement:
    """Puts an agreement straight into a state to test what may happen next (test set-up only)."""
    SharingAgreement.objects.filter(pk=agreement.pk).update(status=status, siro_name="Pat Senior", siro_signed_on=START)
    agreement.refresh_from_db()
    return agreement


def rows(*cells):
    """(nationality group, ward, period, count) -> observation rows."""
    return [
        {"nationality_group": g, "geography_code": w, "period_start": p[0], "period_end": p[1], "count": n}
        for g, w, p, n in cells
    ]


def answer(
    request,
    code,
    collected,
    *,
    completeness=None,
    mandatory="unknown",
    extractable="unknown",
    measured=None,
    recorded_as="agency",
):
    """A checklist answer stored directly, then the evidence refreshed as the checklist service does."""
    stored = ChecklistAnswer.objects.create(
        request=request,
        field=Field.objects.get(code=code),
        collected=collected,
        completeness=completeness,
        mandatory=mandatory,
        extractable=extractable,
        measured_completeness=measured,
        measured_at=datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC) if measured is not None else None,
        recorded_as=recorded_as,
    )
    evidence_refresh(agency_ids=[request.agency_id])
    return stored
