"""Returned files, their processing status and the tidy observations stored from them."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from requests_app.models.requests import DataRequest
from sharing.models import SharingAgreement


def return_upload_to(instance, filename: str) -> str:
    # Stored under the request's unguessable id, never under static files or a public URL.
    return f"returns/{instance.request.public_id}/v{instance.version}-{instance.sha256[:12]}"


class Return(models.Model):
    """One uploaded file for a request and its processing. A version supersedes the earlier ones
    when it is accepted (processed to done), and they are kept with their reports; until then,
    and if it is refused, the accepted version stays in force."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        READING = "reading", "Reading the file"
        VALIDATING = "validating", "Checking the data"
        STORING = "storing", "Storing the counts"
        DONE = "done", "Done"
        FAILED = "failed", "Needs fixing"
        QUARANTINED = "quarantined", "Held: looks like personal data"

    FINAL = (Status.DONE, Status.FAILED, Status.QUARANTINED)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey(DataRequest, on_delete=models.PROTECT, related_name="returns")
    version = models.PositiveSmallIntegerField()
    file = models.FileField(upload_to=return_upload_to, max_length=300)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    agreement = models.ForeignKey(
        SharingAgreement,
        on_delete=models.PROTECT,
        related_name="returns",
        help_text="The agreement that allowed the upload on the day.",
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    superseded = models.BooleanField(
        default=False, help_text="A newer upload replaced this one; its data no longer counts."
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    report = models.JSONField(default=dict, blank=True)
    rows_read = models.PositiveIntegerField(null=True, blank=True)
    observation_count = models.PositiveIntegerField(null=True, blank=True)
    total = models.BigIntegerField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    status_changed_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    # Handed to the broker (None: not yet, e.g. while it was down); see services/leases.py.
    sent_at = models.DateTimeField(null=True, blank=True)
    # The worker process processing it ("host:pid") and until when, renewed while it works: a
    # lease that runs out is a worker that was killed, and the return is sent again.
    lease_holder = models.CharField(max_length=120, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["request", "version"], name="return_version_unique"),
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="return_sha256_hex"),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "reading", "validating", "storing", "done", "failed", "quarantined"]),
                name="return_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.request.reference} return v{self.version}"

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL


class CountRow(models.Model):
    """A tidy row of period, area and canonical dimensions with its count, a return's or a public
    table's: both are written by the same bulk path and read by the same indicator queries."""

    period_start = models.DateField(null=True)
    period_end = models.DateField(null=True)
    geography_code = models.CharField(max_length=12, blank=True)
    country_of_birth = models.CharField(max_length=16, blank=True)
    nationality = models.CharField(max_length=16, blank=True)
    nationality_group = models.CharField(max_length=16, blank=True)
    immigration_status = models.CharField(max_length=60, blank=True)
    main_language = models.CharField(max_length=60, blank=True)
    age_band = models.CharField(max_length=30, blank=True)
    gender = models.CharField(max_length=20, blank=True)
    other = models.TextField(default="{}", help_text="Other requested dimensions, as JSON.")
    count = models.PositiveBigIntegerField(null=True)
    suppressed = models.BooleanField(default=False)
    point_in_time = models.BooleanField(
        default=False,
        help_text="A count of people on one day (a stock): never added up over periods.",
    )

    class Meta:
        abstract = True


class Observation(CountRow):
    """One aggregate count from a return.

    Written in bulk (COPY on PostgreSQL, executemany on SQLite), never one ORM object at a time.
    """

    source_return = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="observations")

    class Meta:
        constraints = [
            # A cell is either a count or suppressed, never both and never neither.
            models.CheckConstraint(
                condition=(Q(suppressed=True) & Q(count__isnull=True)) | (Q(suppressed=False) & Q(count__isnull=False)),
                name="observation_count_or_suppressed",
            ),
        ]
        indexes = [
            # Indicator tables: counts by period and area for the live returns.
            models.Index(
                fields=["source_return", "period_start", "geography_code"], name="observation_return_period_geo"
            ),
        ]
