"""Information sharing agreements (ISPs) under UK GDPR, their DPO review, and the audit log.

An agreement's status changes only through `services.agreement_transition`. Amending an active
agreement creates a new version; the DPO compares it with the version they approved.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from catalogue.models import Agency, Area, Field


class DataForm(models.TextChoices):
    """From least to most identifying: an agreement permits its own form and every form above it."""

    AGGREGATE_SUPPRESSED = "aggregate-suppressed", "Aggregate counts, small numbers suppressed"
    AGGREGATE = "aggregate", "Aggregate counts, including small numbers"
    PSEUDONYMISED = "pseudonymised", "Pseudonymised records"
    RECORD_LEVEL = "record-level", "Record-level (identifiable) data"


DATA_FORM_ORDER = [f.value for f in DataForm]


def form_permits(agreed: str, requested: str) -> bool:
    return DATA_FORM_ORDER.index(requested) <= DATA_FORM_ORDER.index(agreed)


def default_threshold() -> int:
    # requests_app has the same default, but sharing may not import it (see the app layering).
    return settings.TRACKER_REPORTING_THRESHOLD


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for review"
    IN_REVIEW = "in-review", "In DPO review"
    CHANGES_REQUESTED = "changes-requested", "Changes requested"
    REJECTED = "rejected", "Rejected"
    APPROVED = "approved", "Approved, awaiting SIRO sign-off"
    ACTIVE = "active", "Active"
    REVIEW_DUE = "review-due", "Review due"
    SUSPENDED = "suspended", "Suspended"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"
    SUPERSEDED = "superseded", "Replaced by a newer version"


class Article6(models.TextChoices):
    CONSENT = "6(1)(a)", "6(1)(a) consent"
    CONTRACT = "6(1)(b)", "6(1)(b) contract"
    LEGAL_OBLIGATION = "6(1)(c)", "6(1)(c) legal obligation"
    VITAL_INTERESTS = "6(1)(d)", "6(1)(d) vital interests"
    PUBLIC_TASK = "6(1)(e)", "6(1)(e) public task"
    LEGITIMATE_INTERESTS = "6(1)(f)", "6(1)(f) legitimate interests (not for public authorities' tasks)"


class Article9(models.TextChoices):
    NONE = "", "None (no special category data)"
    EXPLICIT_CONSENT = "9(2)(a)", "9(2)(a) explicit consent"
    EMPLOYMENT = "9(2)(b)", "9(2)(b) employment, social security and social protection"
    SUBSTANTIAL_PUBLIC_INTEREST = "9(2)(g)", "9(2)(g) reasons of substantial public interest"
    HEALTH_SOCIAL_CARE = "9(2)(h)", "9(2)(h) health or social care"
    PUBLIC_HEALTH = "9(2)(i)", "9(2)(i) public health"
    ARCHIVING_RESEARCH = "9(2)(j)", "9(2)(j) archiving, research and statistics"


class Schedule1(models.TextChoices):
    NONE = "", "None (no special category data)"
    HEALTH_SOCIAL_CARE = "1-2", "Part 1 para 2: health or social care purposes"
    PUBLIC_HEALTH = "1-3", "Part 1 para 3: public health"
    RESEARCH = "1-4", "Part 1 para 4: research and statistics"
    STATUTORY = "2-6", "Part 2 para 6: statutory and government purposes"
    EQUALITY = "2-8", "Part 2 para 8: equality of opportunity or treatment"
    SAFEGUARDING = "2-18", "Part 2 para 18: safeguarding of children and individuals at risk"


class Dpia(models.TextChoices):
    NOT_SCREENED = "not-screened", "Not screened yet"
    NOT_REQUIRED = "not-required", "Screened: not required"
    REQUIRED = "required", "Required, not yet done"
    COMPLETED = "completed", "Completed"


class SharingAgreement(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=20, editable=False, help_text="Shared by every version of one agreement.")
    version = models.PositiveSmallIntegerField(default=1, editable=False)
    previous_version = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_version", editable=False
    )
    title = models.CharField(max_length=200)
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="agreements", help_text="The local authority party."
    )
    controller_relationship = models.CharField(
        max_length=10,
        choices=[("separate", "Separate controllers"), ("joint", "Joint controllers")],
        default="separate",
    )
    purpose = models.TextField(help_text="What the shared data is for.")
    necessity = models.TextField(help_text="Why sharing is necessary, and why less data would not do.")
    data_items = models.ManyToManyField(Field, related_name="agreements", help_text="The fields the agreement covers.")
    data_form = models.CharField(max_length=22, choices=DataForm.choices, default=DataForm.AGGREGATE)
    reporting_threshold = models.PositiveSmallIntegerField(
        "Small-numbers threshold",
        default=default_threshold,
        # The database refuses 0 as well; the validator gives forms and services a message people can act on.
        validators=[
            MinValueValidator(1, "Set the small-numbers threshold to 1 or more: 0 would let every count be published.")
        ],
        help_text="Counts below this, from data shared under this agreement, are never published. "
        "Where a request sets its own threshold, the higher of the two applies.",
    )
    legal_power = models.TextField(help_text="The power that lets each party share, e.g. Localism Act 2011 s1.")
    article6_basis = models.CharField("UK GDPR Article 6 basis", max_length=8, choices=Article6.choices)
    article9_condition = models.CharField("Article 9 condition", max_length=8, choices=Article9.choices, blank=True)
    schedule1_condition = models.CharField(
        "DPA 2018 Schedule 1 condition", max_length=6, choices=Schedule1.choices, blank=True
    )
    dpia_status = models.CharField("DPIA", max_length=14, choices=Dpia.choices, default=Dpia.NOT_SCREENED)
    dpia_reference = models.CharField(max_length=100, blank=True)
    security = models.TextField(
        "Security and transfer method", help_text="e.g. uploads to this tracker over HTTPS only."
    )
    retention = models.CharField("Retention period", max_length=200)
    disposal = models.CharField("Disposal method", max_length=200)
    privacy_notice_url = models.URLField(blank=True)
    start_date = models.DateField()
    end_date = models.DateField()
    review_interval_months = models.PositiveSmallIntegerField(default=12)
    next_review_date = models.DateField()
    signed_document = models.FileField(upload_to="agreements/%Y/", blank=True, help_text="The signed agreement (PDF).")
    siro_name = models.CharField("SIRO who signed off", max_length=120, blank=True)
    siro_signed_on = models.DateField("SIRO sign-off date", null=True, blank=True)
    status = models.CharField(max_length=18, choices=Status.choices, default=Status.DRAFT, editable=False)
    lock_version = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["reference", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["reference", "version"], name="agreement_reference_version_unique"),
            models.CheckConstraint(condition=Q(end_date__gt=models.F("start_date")), name="agreement_dates_ordered"),
            models.CheckConstraint(
                condition=Q(review_interval_months__gte=1, review_interval_months__lte=60),
                name="agreement_review_interval",
            ),
            models.CheckConstraint(condition=Q(reporting_threshold__gte=1), name="agreement_threshold_positive"),
            models.CheckConstraint(condition=Q(status__in=[s.value for s in Status]), name="agreement_status_valid"),
            # Article 9 and Schedule 1 conditions come together or not at all.
            models.CheckConstraint(
                condition=(Q(article9_condition="") & Q(schedule1_condition=""))
                | (~Q(article9_condition="") & ~Q(schedule1_condition="")),
                name="agreement_art9_with_schedule1",
            ),
            # Nothing is in force without the SIRO's sign-off.
            models.CheckConstraint(
                condition=~Q(status__in=["active", "review-due", "suspended", "expired", "terminated", "superseded"])
                | (~Q(siro_name="") & Q(siro_signed_on__isnull=False)),
                name="agreement_in_force_needs_siro",
            ),
        ]
        indexes = [
            # The gate: agreements in force by status and dates; the daily expiry and review scan.
            models.Index(fields=["status", "end_date"], name="agreement_status_end"),
            models.Index(fields=["status", "next_review_date"], name="agreement_status_review"),
        ]

    def __str__(self):
        return f"{self.reference} v{self.version} {self.title}"

    @property
    def label(self) -> str:
        return f"{self.reference} v{self.version}"

    def clean(self):
        # The special-category rule needs the data items, so services check it after saving them;
        # here only the pairing that the database also enforces, with a clearer message.
        if bool(self.article9_condition) != bool(self.schedule1_condition):
            raise ValidationError("Give both an Article 9 condition and a Schedule 1 condition, or neither.")


class AgreementParty(models.Model):
    class Role(models.TextChoices):
        PROVIDER = "provider", "Provides data"
        RECIPIENT = "recipient", "Receives data"

    agreement = models.ForeignKey(SharingAgreement, on_delete=models.CASCADE, related_name="parties")
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="agreement_parties"
    )
    is_local_authority = models.BooleanField(default=False, help_text="The council of the agreement's area.")
    role = models.CharField(max_length=10, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agreement", "agency"], name="party_agency_once"),
            models.UniqueConstraint(
                fields=["agreement"], condition=Q(is_local_authority=True), name="party_council_once"
            ),
            models.CheckConstraint(
                condition=(Q(agency__isnull=False) & Q(is_local_authority=False))
                | (Q(agency__isnull=True) & Q(is_local_authority=True)),
                name="party_is_agency_or_council",
            ),
        ]
        indexes = [
            # The gate and the register look agreements up by provider agency.
            models.Index(fields=["agency", "role"], name="party_agency_role"),
        ]

    def __str__(self):
        who = self.agency.name if self.agency else "The council"
        return f"{who} ({self.get_role_display().lower()})"


class AgreementEvent(models.Model):
    """Every transition and comment on an agreement: who, when, why."""

    agreement = models.ForeignKey(SharingAgreement, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=24)
    from_status = models.CharField(max_length=18, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=18, choices=Status.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.agreement.label}: {self.action}"


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def delete(self):
        raise PermissionError("The audit log is append-only.")


class AuditEntry(models.Model):
    """Append-only record of governance actions and of every view or download of returned data.

    Objects of higher apps are named by type and id, since sharing imports nothing above it.
    """

    class Action(models.TextChoices):
        AGREEMENT_TRANSITION = "agreement-transition", "Agreement status changed"
        AGREEMENT_APPROVED = "agreement-approved", "Agreement approved"
        AGREEMENT_DOWNLOAD = "agreement-download", "Signed agreement downloaded"
        RETURN_UPLOADED = "return-uploaded", "Return uploaded"
        UPLOAD_REFUSED = "upload-refused", "Upload refused by the gate"
        RETURN_DOWNLOAD = "return-download", "Returned file downloaded"
        DATA_VIEWED = "data-viewed", "Returned data viewed"
        LOGIN_LOCKED_OUT = "login-locked-out", "Sign-in locked after failures"
        LOCKOUT_CLEARED = "lockout-cleared", "Sign-in lock lifted"
        SECOND_FACTOR_ENROLLED = "second-factor-enrolled", "Authenticator app enrolled"
        REQUEST_TRANSITION = "request-transition", "Request status changed"
        AUDIT_EXPORTED = "audit-exported", "Audit log exported"
        PASSWORD_RESET = "password-reset", "Password reset by emailed link"
        AGENCY_ADDED = "agency-added", "Agency added"
        CONTACT_INVITED = "contact-invited", "Agency contact invited"
        INVITATION_ACCEPTED = "invitation-accepted", "Invitation accepted"
        CONTACT_DEACTIVATED = "contact-deactivated", "Agency contact deactivated"
        CONTACT_REACTIVATED = "contact-reactivated", "Agency contact reactivated"
        API_TOKEN_CREATED = "api-token-created", "API token created"
        API_TOKEN_REVOKED = "api-token-revoked", "API token revoked"
        API_TOKEN_USED = "api-token-used", "API token used"
        COLLEAGUE_INVITED = "colleague-invited", "Coordinator or DPO invited"
        COLLEAGUE_DEACTIVATED = "colleague-deactivated", "Coordinator or DPO deactivated"
        COLLEAGUE_REACTIVATED = "colleague-reactivated", "Coordinator or DPO reactivated"
        HANDED_OVER = "handed-over", "Work handed over"

    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150, help_text="Kept even if the user is later removed.")
    action = models.CharField(max_length=24, choices=Action.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40)
    agreement = models.ForeignKey(
        SharingAgreement, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_entries"
    )
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_entries")
    # The data request an entry is about (its own, its returns'), by reference: sharing knows no requests.
    request_reference = models.CharField(max_length=20, blank=True, default="")
    detail = models.TextField(blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["agency", "occurred_at"], name="audit_agency_time"),
            # The DPO's audit log filtered by request, newest first.
            models.Index(fields=["request_reference", "occurred_at"], name="audit_request_time"),
        ]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")
