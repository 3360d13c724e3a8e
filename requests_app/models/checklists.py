"""The field-availability checklist and the per-agency evidence derived from it and from returns."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from catalogue.models import Agency, Field
from requests_app.models.requests import DataRequest


class ChecklistAnswer(models.Model):
    """Does the agency record this field, and how completely? Evidence for the coverage report."""

    class Collected(models.TextChoices):
        YES = "yes", "Yes"
        PARTLY = "partly", "Partly"
        NO = "no", "No"
        UNKNOWN = "unknown", "Don't know"

    class YesNo(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        UNKNOWN = "unknown", "Don't know"

    class RecordedAs(models.TextChoices):
        AGENCY = "agency", "Answered by the agency"
        COORDINATOR = "coordinator", "Recorded by the coordinator"
        MEASURED = "measured", "Measured in a return"

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="checklist")
    field = models.ForeignKey(Field, on_delete=models.PROTECT, related_name="+")
    collected = models.CharField(max_length=8, choices=Collected.choices, default=Collected.UNKNOWN)
    mandatory = models.CharField(max_length=8, choices=YesNo.choices, default=YesNo.UNKNOWN)
    extractable = models.CharField(max_length=8, choices=YesNo.choices, default=YesNo.UNKNOWN)
    completeness = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Estimated % of records with a value."
    )
    notes = models.TextField(blank=True)
    measured_completeness = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Share of rows with a known value (%) in the latest processed return: measured, not estimated.",
    )
    measured_at = models.DateTimeField(null=True, blank=True)
    recorded_as = models.CharField(max_length=12, choices=RecordedAs.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["field__order"]
        constraints = [
            models.UniqueConstraint(fields=["request", "field"], name="checklist_one_per_field"),
            models.CheckConstraint(
                condition=Q(completeness__isnull=True) | Q(completeness__lte=100), name="checklist_completeness_pct"
            ),
            models.CheckConstraint(
                condition=Q(collected__in=["yes", "partly", "no", "unknown"]), name="checklist_collected_valid"
            ),
        ]

    def __str__(self):
        return f"{self.request.reference} {self.field}: {self.collected}"


class FieldEvidence(models.Model):
    """What is newest known about whether one agency records one field: its newest checklist answer
    that says yes, partly or no; its newest measured completeness; and a request whose processed
    return has the field as a column. Derived from the answers and returns by
    `services.evidence_refresh`, which every write to those calls in the same transaction: the
    coverage report then reads one row per agency and field instead of ranking every answer given."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    field = models.ForeignKey(Field, on_delete=models.CASCADE, related_name="+")
    answer = models.ForeignKey(ChecklistAnswer, null=True, on_delete=models.SET_NULL, related_name="+")
    measured = models.ForeignKey(ChecklistAnswer, null=True, on_delete=models.SET_NULL, related_name="+")
    returned = models.ForeignKey(DataRequest, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "field"], name="evidence_one_per_agency_field"),
        ]
