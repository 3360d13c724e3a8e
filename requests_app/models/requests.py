"""Data requests to agencies, their lifecycle events, campaigns and reminders.

A request's status changes only through `services.requests.request_transition`, which records an event.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from catalogue.models import Agency, Field, GeographyLevel, Source
from sharing.models import DataForm, SharingAgreement


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    CLARIFICATION = "clarification", "Clarification requested"
    RECEIVED = "received", "Data received"
    UNDER_QUERY = "under-query", "Under query"
    COMPLETED = "completed", "Completed"
    PARTIALLY_COMPLETED = "partial", "Partially completed"
    NOT_HELD = "not-held", "Not held"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


FINISHED = {Status.COMPLETED, Status.PARTIALLY_COMPLETED, Status.NOT_HELD, Status.REFUSED, Status.WITHDRAWN}
# States in which the agency owes a reply, so the clock runs and chasers may go out.
AWAITING_AGENCY = {Status.SENT, Status.ACKNOWLEDGED}
OPEN = set(Status) - FINISHED - {Status.DRAFT}


class Granularity(models.TextChoices):
    MONTH = "month", "Monthly"
    QUARTER = "quarter", "Quarterly"
    YEAR = "year", "Yearly"


class Recurrence(models.TextChoices):
    NONE = "", "Once only"
    QUARTERLY = "quarterly", "Every quarter"
    ANNUAL = "annual", "Every year"


def default_threshold() -> int:
    return settings.TRACKER_REPORTING_THRESHOLD


class Campaign(models.Model):
    """The same request sent to many agencies at once (e.g. every secondary school)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="campaigns")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.name


class DataRequest(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=20, unique=True, editable=False)
    title = models.CharField(max_length=200)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="requests")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="requests")
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.PROTECT, related_name="requests")
    purpose = models.TextField(help_text="What the data is for and why it is needed; the agency reads this.")
    fields = models.ManyToManyField(Field, related_name="requests", help_text="The columns the agency is asked for.")
    geography_level = models.ForeignKey(GeographyLevel, on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField()
    period_end = models.DateField()
    granularity = models.CharField(max_length=8, choices=Granularity.choices, default=Granularity.QUARTER)
    data_form = models.CharField(
        max_length=22,
        choices=DataForm.choices,
        default=DataForm.AGGREGATE,
        help_text=(
            "What the agency sends. Aggregate counts include small numbers: the tracker suppresses them before "
            "publishing."
        ),
    )
    agreement = models.ForeignKey(
        SharingAgreement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
        help_text="The sharing agreement that covers this request; blank to use whichever active agreement does.",
    )
    reporting_threshold = models.PositiveSmallIntegerField(
        default=default_threshold, help_text="Counts below this are suppressed in anything published."
    )
    response_working_days = models.PositiveSmallIntegerField(help_text="Working days the agency has to reply.")
    recurrence = models.CharField(max_length=10, choices=Recurrence.choices, blank=True, default=Recurrence.NONE)
    previous = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="next",
        help_text="The request this one repeats.",
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coordinated_requests"
    )
    agency_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_requests",
        help_text="The named person at the agency; every contact of the agency can see and answer it.",
    )
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.DRAFT, editable=False)
    # Raised by every change: a form posted from a page that is out of date is refused, not merged.
    version = models.PositiveIntegerField(default=0, editable=False)
    sent_on = models.DateField(null=True, blank=True, editable=False)
    received_on = models.DateField(null=True, blank=True, editable=False)
    due_date = models.DateField(null=True, blank=True, editable=False)
    long_overdue_date = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "reference"]
        permissions = [("respond_datarequest", "Can answer a data request for the agency")]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="request_period_ordered"
            ),
            models.CheckConstraint(condition=Q(reporting_threshold__gte=1), name="request_threshold_positive"),
            models.CheckConstraint(
                condition=Q(response_working_days__gte=1, response_working_days__lte=120),
                name="request_response_days_range",
            ),
            models.CheckConstraint(condition=Q(status__in=[s.value for s in Status]), name="request_status_valid"),
            # A request has a due date exactly when it has been sent.
            models.CheckConstraint(
                condition=(Q(sent_on__isnull=True) & Q(due_date__isnull=True) & Q(long_overdue_date__isnull=True))
                | (Q(sent_on__isnull=False) & Q(due_date__isnull=False) & Q(long_overdue_date__isnull=False)),
                name="request_due_date_iff_sent",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(status="withdrawn") | Q(sent_on__isnull=False),
                name="request_sent_unless_draft",
            ),
        ]
        indexes = [
            # Dashboard: open requests by status, overdue first, and the daily chaser scan.
            models.Index(fields=["status", "due_date"], name="request_status_due"),
            # Agency portal and campaign pages list an agency's requests by status.
            models.Index(fields=["agency", "status"], name="request_agency_status"),
            # The coverage report counts requests by agency, source and status from this index alone.
            models.Index(fields=["agency", "source", "status", "recurrence"], name="request_coverage_counts"),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def delete(self, *args, **kwargs):
        if self.sent_on is not None:
            raise PermissionError("A request that was sent cannot be deleted: withdraw it.")
        return super().delete(*args, **kwargs)

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def aggregate_only(self) -> bool:
        return self.data_form in (DataForm.AGGREGATE, DataForm.AGGREGATE_SUPPRESSED)


HISTORY_APPEND_ONLY = "A request's history is append-only."


class RequestEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError(HISTORY_APPEND_ONLY)

    def delete(self):
        raise PermissionError(HISTORY_APPEND_ONLY)


class RequestEvent(models.Model):
    """The request's timeline: every transition, message, checklist answer, chaser and edit.

    Append-only, its attachments included: the model refuses to save a row again or delete one, and
    the database refuses raw UPDATEs and DELETEs (migration 0005), except of a never-sent draft's.
    """

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        TRANSITION = "transition", "Status changed"
        MESSAGE = "message", "Message"
        CHECKLIST = "checklist", "Checklist answered"
        CHASER = "chaser", "Reminder sent"
        REASSIGNED = "reassigned", "Contact changed"

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    action = models.CharField(max_length=24, blank=True)
    from_status = models.CharField(max_length=14, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=14, choices=Status.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Blank for the system (periodic tasks).",
    )
    note = models.TextField(blank=True)
    attachment = models.FileField(upload_to="request-attachments/%Y/%m/", blank=True)
    attachment_name = models.CharField(max_length=200, blank=True)
    happened_on = models.DateField(help_text="The working day the event counts on for deadlines.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["request", "created_at"], name="event_request_time")]

    objects = RequestEventQuerySet.as_manager()

    def __str__(self):
        return f"{self.request.reference}: {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError(HISTORY_APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(HISTORY_APPEND_ONLY)


class Reminder(models.Model):
    """A chaser that went out. Unique per request, kind and date, so it is never sent twice."""

    class Kind(models.TextChoices):
        BEFORE_DUE = "before-due", "Reminder before the due date"
        DUE_TODAY = "due-today", "Due today"
        OVERDUE = "overdue", "Overdue: escalated to the coordinator"
        LONG_OVERDUE = "long-overdue", "Long overdue: escalated again"
        CHASE = "chase", "Chased by the coordinator"

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=14, choices=Kind.choices)
    key_date = models.DateField(help_text="The due date it was about (or the day of a manual chase).")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "kind", "key_date"], name="reminder_once")]

    def __str__(self):
        return f"{self.request.reference} {self.kind} {self.key_date}"


# Guardian with direct foreign keys: object permissions join on an integer key, not a generic one.
class DataRequestUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(DataRequest, on_delete=models.CASCADE)


class DataRequestGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(DataRequest, on_delete=models.CASCADE)
