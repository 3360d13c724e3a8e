"""The sources of the catalogue, the fields they carry, and what each area knows of them."""

import re

from django.conf import settings
from django.db import models
from django.db.models import Q

from catalogue.models.areas import Area
from catalogue.models.vocabulary import Definition, Field, GeographyLevel, OrganisationType, Theme


class Source(models.Model):
    class Stage(models.TextChoices):
        PUBLIC = "public", "Stage 1: public statistical data"
        LOCAL = "local", "Stage 2: local statistical data"
        QUALITATIVE = "qualitative", "Stage 3: qualitative and other local sources"

    class Frequency(models.TextChoices):
        DECENNIAL = "decennial", "Every ten years (census)"
        ANNUAL = "annual", "Annual"
        TWICE_YEARLY = "twice-yearly", "Twice a year"
        QUARTERLY = "quarterly", "Quarterly"
        MONTHLY = "monthly", "Monthly"
        BIENNIAL = "biennial", "Every two years"
        IRREGULAR = "irregular", "Irregular or ongoing"
        ONE_OFF = "one-off", "One-off"
        ON_REQUEST = "on-request", "When requested"

    class AccessRoute(models.TextChoices):
        OPEN_DOWNLOAD = "open-download", "Open download"
        INTERACTIVE_TOOL = "interactive-tool", "Interactive tool"
        API = "api", "Stat-Xplore or API"
        PUBLISHED_REPORT = "published-report", "Published report"
        REQUEST_LOCAL_AGENCY = "request-local-agency", "Request to a local agency"
        LOCAL_RESEARCH = "local-research", "Ask local partners"

    class Measure(models.TextChoices):
        STOCK = "stock", "Stock (people at a point in time)"
        FLOW = "flow", "Flow (moves over a period)"
        SERVICE_ACTIVITY = "service-activity", "Service activity (users, registrations, cases)"
        CONTEXT = "context", "Context (no count of migrants)"

    class Appendix(models.TextChoices):
        A1 = "A1", "Appendix 1: public statistical sources"
        A1_OTHER = "A1-other", "Appendix 1: other public statistical sources"
        A2 = "A2", "Appendix 2: local statistical sources"
        A3 = "A3", "Appendix 3: local and qualitative sources"
        LTIM = "LTIM", "ONS LTIM estimates methodology"
        CURRENT = "current", "Published since the toolkit"

    class Unit(models.TextChoices):
        PERSONS = "persons", "Persons"
        THOUSANDS = "thousands", "Thousands of persons"

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    stage = models.CharField(max_length=12, choices=Stage.choices)
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="sources")
    publisher = models.CharField(max_length=200, blank=True)
    holding_agency_types = models.ManyToManyField(OrganisationType, blank=True, related_name="sources")
    summary = models.TextField()
    frequency = models.CharField(max_length=14, choices=Frequency.choices)
    release_timing = models.CharField(max_length=200, blank=True)
    release_months = models.JSONField(
        default=list, blank=True, help_text="Months (1-12) in which new releases are published."
    )
    access_route = models.CharField(max_length=24, choices=AccessRoute.choices)
    links = models.JSONField(default=list, blank=True, help_text='A list of {"title": ..., "url": ...}.')
    geography_levels = models.ManyToManyField(GeographyLevel, related_name="sources")
    measure = models.CharField(max_length=18, choices=Measure.choices)
    unit = models.CharField(
        max_length=10,
        choices=Unit.choices,
        default=Unit.PERSONS,
        help_text="The unit the publisher prints its figures in. A table taken in from a source published in "
        "thousands must say its unit, or it is refused.",
    )
    migrant_definitions = models.ManyToManyField(
        Definition,
        blank=True,
        related_name="sources",
        limit_choices_to={"kind": Definition.Kind.MIGRANT},
    )
    fields = models.ManyToManyField(Field, through="SourceField", related_name="sources")
    caveats = models.TextField(blank=True, help_text="One caveat per paragraph (separate with a blank line).")
    comparability = models.TextField(blank=True)
    relevance_condition = models.CharField(max_length=300, blank=True)
    appendix = models.CharField(
        max_length=10, choices=Appendix.choices, blank=True, help_text="Blank for sources added locally."
    )
    appendix_row = models.PositiveSmallIntegerField(null=True, blank=True)
    seed_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["stage", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["appendix", "appendix_row"],
                condition=~Q(appendix=""),
                name="source_one_per_appendix_row",
            ),
            models.CheckConstraint(condition=Q(unit__in=["persons", "thousands"]), name="source_unit_valid"),
            models.CheckConstraint(
                condition=(Q(appendix="") & Q(appendix_row__isnull=True))
                | (~Q(appendix="") & Q(appendix_row__isnull=False)),
                name="source_appendix_has_row",
            ),
            # Each appendix belongs to one stage of the toolkit.
            models.CheckConstraint(
                condition=Q(appendix="")
                | Q(appendix__in=["A1", "A1-other", "LTIM", "current"], stage="public")
                | Q(appendix="A2", stage="local")
                | Q(appendix="A3", stage="qualitative"),
                name="source_appendix_matches_stage",
            ),
        ]
        indexes = [
            # The catalogue list filters by stage and sorts by title.
            models.Index(fields=["stage", "title"], name="source_stage_title"),
        ]

    def __str__(self):
        return self.title

    @property
    def caveat_list(self) -> list[str]:
        return [part.strip() for part in re.split(r"\n\s*\n", self.caveats) if part.strip()]

    def get_stage_short(self) -> str:
        return {"public": "Public", "local": "Local", "qualitative": "Qualitative"}[self.stage]

    @property
    def finest_geography(self):
        """The smallest area the source reaches (uses prefetched levels when there are any)."""
        return max(self.geography_levels.all(), key=lambda level: level.order, default=None)

    @property
    def landing_page(self) -> str:
        return self.links[0]["url"] if self.links else ""

    @property
    def toolkit_reference(self) -> str:
        if not self.appendix:
            return "Added locally"
        return f"{self.get_appendix_display()}, row {self.appendix_row}"


class SourceField(models.Model):
    """Whether a source carries a canonical field, as far as the catalogue knows."""

    class Availability(models.TextChoices):
        CARRIED = "carried", "Carried"
        PARTIAL = "partial", "Partly (incomplete or optional)"
        CHECK = "check", "Ask the agency"
        ABSENT = "absent", "Not available"

    # Values that count as "the source has this field" in searches and the coverage matrix.
    HELD = (Availability.CARRIED, Availability.PARTIAL)

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="source_fields")
    field = models.ForeignKey(Field, on_delete=models.PROTECT, related_name="source_fields")
    availability = models.CharField(max_length=8, choices=Availability.choices)

    class Meta:
        ordering = ["field__order"]
        constraints = [
            models.UniqueConstraint(fields=["source", "field"], name="sourcefield_unique"),
            models.CheckConstraint(
                condition=Q(availability__in=["carried", "partial", "check", "absent"]),
                name="sourcefield_availability_valid",
            ),
        ]

    def __str__(self):
        return f"{self.source}: {self.field} ({self.availability})"


class SourceAvailability(models.Model):
    """The coordinator's answer to the Appendix 3 question: is this local source available here?"""

    class Answer(models.TextChoices):
        YES = "yes", "Available"
        NO = "no", "Not available"
        UNKNOWN = "unknown", "Not yet checked"

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="availability")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="availability")
    available = models.CharField(max_length=8, choices=Answer.choices, default=Answer.UNKNOWN)
    notes = models.TextField(blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "source availability"
        constraints = [
            models.UniqueConstraint(fields=["area", "source"], name="availability_one_per_area_source"),
            models.CheckConstraint(condition=Q(available__in=["yes", "no", "unknown"]), name="availability_valid"),
        ]

    def __str__(self):
        return f"{self.area}: {self.source} = {self.available}"


class SourceRefresh(models.Model):
    """The coordinator took in a public source's latest release for the area (downloaded it and
    updated the local analysis). The coverage report compares it with the publisher's calendar."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="refreshes")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="refreshes")
    refreshed_on = models.DateField()
    note = models.CharField(max_length=300, blank=True, help_text="Which release, e.g. 'mid-2025 estimates'.")
    # Blank when a table was taken in from the command line (load_public_table).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-refreshed_on", "-pk"]
        indexes = [
            # The coverage report reads the latest refresh of each public source for an area.
            models.Index(fields=["area", "source", "refreshed_on"], name="refresh_area_source_day"),
        ]

    def __str__(self):
        return f"{self.area}: {self.source} refreshed {self.refreshed_on}"
