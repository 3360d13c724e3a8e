"""The area's project plan (toolkit steps 1-3 and section 1.2), its decisions on the section 5 checklist,
the Stage 3 register of local research and engagement, and what the release calendar has sent."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from catalogue.models import Agency, Area, Definition, GeographyLevel, Source
from planning.toolkit import BENEFITS, CHECKLIST


class Plan(models.Model):
    class Scope(models.TextChoices):
        COMPREHENSIVE = "comprehensive", "Comprehensive: every theme and source"
        FOCUSED = "focused", "Focused on a particular issue or service"

    area = models.OneToOneField(Area, on_delete=models.CASCADE, related_name="plan")
    # Step 1: partners and leadership.
    lead_name = models.CharField("Lead for the work", max_length=120, blank=True)
    lead_role = models.CharField("Lead's role", max_length=160, blank=True)
    sponsor_name = models.CharField("Senior sponsor", max_length=120, blank=True)
    sponsor_role = models.CharField("Sponsor's role", max_length=160, blank=True)
    partners = models.ManyToManyField(Agency, blank=True, related_name="plans", verbose_name="Partners engaged")
    forums = models.TextField("Multi-agency forums that bring partners together", blank=True)
    earlier_work = models.TextField("Earlier work to build on or update", blank=True)
    # Step 2: aims and focus.
    aims = models.TextField("Aims of the work", blank=True)
    benefits = models.JSONField("What the area wants from it", default=list, blank=True)
    scope = models.CharField(max_length=14, choices=Scope.choices, blank=True)
    focus = models.TextField("Issue or service pressure in focus", blank=True)
    special_features = models.TextField("Special features of the area", blank=True)
    definitions = models.ManyToManyField(
        Definition,
        blank=True,
        related_name="plans",
        limit_choices_to={"kind": Definition.Kind.MIGRANT},
        verbose_name="Migrant definitions chosen",
    )
    definitions_reason = models.TextField("Why these definitions", blank=True)
    geography_level = models.ForeignKey(
        GeographyLevel,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="Geography level",
    )
    methods = models.TextField("Methods of data collection", blank=True)
    outputs = models.TextField("Outputs and outcomes partners expect", blank=True)
    # Step 3: the action plan.
    data_security = models.TextField("Data protection and security arrangements", blank=True)
    resources = models.TextField("Resources to coordinate the work", blank=True)
    review_cycle = models.CharField("How often the data is reviewed", max_length=160, blank=True)
    planning_rounds = models.TextField("Planning rounds the results feed into", blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(scope__in=["", "comprehensive", "focused"]), name="plan_scope_valid"),
        ]

    def __str__(self):
        return f"Plan for {self.area}"

    @property
    def benefit_texts(self) -> list[str]:
        return [BENEFITS[code] for code in self.benefits if code in BENEFITS]


class Milestone(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    owner = models.CharField(max_length=120)
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            # The coordinator's home counts the open milestones past their date.
            models.Index(fields=["plan", "done_on", "due_on"], name="milestone_open_due"),
        ]

    def __str__(self):
        return self.title


class ChecklistDecision(models.Model):
    """What the area decided about one section 5 checklist item, and when."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        IN_PROGRESS = "in-progress", "In progress"
        DONE = "done", "Done"
        NOT_FOR_US = "not-for-us", "Not for us"

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="checklist_decisions")
    item = models.CharField(max_length=24, choices=list(CHECKLIST.items()))
    decision = models.CharField(max_length=12, choices=Decision.choices)
    note = models.TextField(blank=True)
    decided_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area", "item"], name="checklist_decision_one_per_item"),
            models.CheckConstraint(
                condition=Q(decision__in=["accepted", "in-progress", "done", "not-for-us"]),
                name="checklist_decision_valid",
            ),
        ]

    def __str__(self):
        return f"{self.area}: {self.item} = {self.decision}"


class Engagement(models.Model):
    """An entry of the Stage 3 register: local research, a survey or consultation already held, or
    planned qualitative work with a community."""

    class Kind(models.TextChoices):
        RESEARCH = "research", "Local research"
        SURVEY = "survey", "Survey"
        CONSULTATION = "consultation", "Consultation"
        FOCUS_GROUP = "focus-group", "Focus group"
        INTERVIEWS = "interviews", "Interviews"
        COMMUNITY_EVENT = "community-event", "Community event"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        DONE = "done", "Held"

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="engagements")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PLANNED)
    community = models.CharField(
        max_length=120, blank=True, help_text="Who takes part, e.g. 'Romanian parents' or 'all residents'."
    )
    owner = models.CharField(max_length=120, help_text="The person or organisation running it.")
    starts_on = models.DateField("Date")
    ends_on = models.DateField("Until", null=True, blank=True, help_text="For work that runs over several days.")
    notes = models.TextField(blank=True, help_text="Where the findings are kept, who commissioned it.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="engagement_ends_after_start",
            ),
            models.CheckConstraint(condition=Q(status__in=["planned", "done"]), name="engagement_status_valid"),
        ]
        indexes = [
            # The register lists an area's entries by date.
            models.Index(fields=["area", "starts_on"], name="engagement_area_day"),
        ]

    def __str__(self):
        return self.title

    @property
    def last_day(self):
        return self.ends_on or self.starts_on


class ReleaseReminder(models.Model):
    """A reminder was sent that a source's release, published in `release_month`, is due to be taken
    in. The unique constraint is what makes the daily task send each reminder once."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="release_reminders")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="release_reminders")
    release_month = models.DateField(help_text="The first day of the month the release came out.")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area", "source", "release_month"], name="release_reminder_once"),
        ]

    def __str__(self):
        return f"{self.source} {self.release_month:%B %Y}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's secret address for the release calendar: calendar programs cannot sign in, so the
    address itself is the credential. Resetting it makes the old address answer 404."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Calendar feed of {self.user}"
