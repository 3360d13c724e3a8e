"""Reads of data requests for a user. Every page and export gets its requests from here, so an
agency contact can never reach another agency's request: it is simply not in their queryset."""

import csv
import datetime
import io

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from guardian.shortcuts import get_objects_for_user

from catalogue.models import Field
from project import roles
from project.lib.spreadsheet import neutralise
from requests_app.models import AWAITING_AGENCY, FINISHED, ChecklistAnswer, DataRequest, RequestEvent, Status
from requests_app.permissions import VIEW


def requests_for(user) -> QuerySet:
    if roles.is_coordinator(user) or roles.is_dpo(user):
        return DataRequest.objects.all()
    if roles.is_agency_contact(user):
        return get_objects_for_user(user, f"requests_app.{VIEW}", klass=DataRequest, accept_global_perms=False)
    return DataRequest.objects.none()


def in_list_order(queryset: QuerySet, today: datetime.date | None = None) -> QuerySet:
    """Overdue requests first, then those due soon, open, drafts and finished ones."""
    today = today or timezone.localdate()
    waiting = [s.value for s in AWAITING_AGENCY]
    return queryset.annotate(
        urgency=Case(
            When(status__in=waiting, long_overdue_date__lt=today, then=Value(0)),
            When(status__in=waiting, due_date__lt=today, then=Value(1)),
            When(status__in=waiting, due_date__lte=today + datetime.timedelta(days=7), then=Value(2)),
            When(status__in=[s.value for s in FINISHED], then=Value(5)),
            When(status=Status.DRAFT, then=Value(4)),
            default=Value(3),
            output_field=IntegerField(),
        )
    ).order_by("urgency", "due_date", "reference")


def with_list_details(queryset: QuerySet, today: datetime.date | None = None) -> QuerySet:
    """Adds what list pages show, overdue requests first, in a fixed number of queries."""
    return in_list_order(
        queryset.select_related("agency__organisation_type", "source", "campaign", "coordinator", "agency_contact"),
        today,
    )


def list_page(queryset: QuerySet, number, size: int, today: datetime.date | None = None) -> Page:
    """One page of a list, in list order and with its details. The order is found on the requests
    alone and the details are read for the page's rows only: sorting thousands of rows joined to
    their agencies, sources and people cost most of the list's time."""
    page = Paginator(in_list_order(queryset, today).values_list("pk", flat=True), size).get_page(number)
    rows = with_list_details(DataRequest.objects.filter(pk__in=list(page.object_list)), today).prefetch_related(
        "fields"
    )
    found = {r.pk: r for r in rows}
    page.object_list = [found[pk] for pk in page.object_list]
    return page


def request_get(user, public_id) -> DataRequest:
    try:
        return (
            requests_for(user)
            .select_related(
                "agency__organisation_type",
                "agency__group",
                "source",
                "geography_level",
                "coordinator",
                "agency_contact",
                "campaign",
            )
            .get(public_id=public_id)
        )
    except (DataRequest.DoesNotExist, ValueError):
        raise Http404("No such request.") from None


def request_timeline(request: DataRequest) -> QuerySet:
    return request.events.select_related("actor").order_by("-created_at", "-pk")


def checklist_rows(request: DataRequest) -> list[tuple[Field, ChecklistAnswer | None]]:
    answers = {a.field_id: a for a in request.checklist.select_related("recorded_by")}
    return [(f, answers.get(f.pk)) for f in request.fields.order_by("order")]


def status_counts(queryset: QuerySet) -> dict[str, int]:
    return dict(queryset.order_by().values_list("status").annotate(n=Count("id")))


def overdue_count(queryset: QuerySet, today: datetime.date) -> int:
    return queryset.filter(status__in=AWAITING_AGENCY, due_date__lt=today).count()


REQUEST_CSV_COLUMNS = [
    "reference",
    "title",
    "agency",
    "agency_type",
    "source",
    "status",
    "sent_on",
    "due_date",
    "long_overdue_after",
    "campaign",
    "coordinator",
]


def requests_csv(queryset: QuerySet) -> str:
    """The rows as plain values: an export of thousands of requests would spend most of its time
    building each one's agency, type, source, campaign and coordinator objects."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REQUEST_CSV_COLUMNS)
    statuses = dict(Status.choices)
    rows = queryset.values_list(
        "reference",
        "title",
        "agency__name",
        "agency__organisation_type__name",
        "source__title",
        "status",
        "sent_on",
        "due_date",
        "long_overdue_date",
        "campaign__name",
        "coordinator__first_name",
        "coordinator__last_name",
        "coordinator__username",
    )
    for *values, status, sent_on, due, long_due, campaign, first, last, username in rows:
        # As display_name words a user: the full name, else the username.
        coordinator = f"{first} {last}".strip() or username
        writer.writerow(
            [
                neutralise(v)
                for v in [
                    *values,
                    statuses[status],
                    sent_on or "",
                    due or "",
                    long_due or "",
                    campaign or "",
                    coordinator,
                ]
            ]
        )
    return out.getvalue()


def timeline_attachment(request: DataRequest, event_id: int) -> RequestEvent:
    try:
        return request.events.exclude(attachment="").get(pk=event_id)
    except (RequestEvent.DoesNotExist, ValueError):
        raise Http404("No such attachment.") from None
