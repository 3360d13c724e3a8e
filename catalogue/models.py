"""The source catalogue (toolkit appendices 1-3 and the ONS LTIM estimates) and reference data.

Content rows carry a `seed_fingerprint`: a hash of the values `load_catalogue` last wrote. When a
row's current values no longer match it, a person has edited the row and the loader leaves it be.
"""

import re
import uuid

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q


class Theme(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    seed_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class GeographyLevel(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    order = models.PositiveSmallIntegerField(default=0)
    seed_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Field(models.Model):
    class Kind(models.TextChoices):
        KEY = "key", "Key field"
        BREAKDOWN = "breakdown", "Breakdown"
        EXTRA = "extra", "Other field"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    special_category = models.BooleanField(
        default=False, help_text="UK GDPR Article 9 data: sharing it needs an Article 9 condition."
    )
    description = models.TextField(blank=True)
    aliases = models.JSONField(default=list, blank=True, help_text="Column headings that mean this field.")
    order = models.PositiveSmallIntegerField(default=0)
    seed_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["key", "breakdown", "extra"]), name="field_kind_valid"),
        ]

    def __str__(self):
        return self.name


class OrganisationType(models.Model):
    class Group(models.TextChoices):
        LOCAL_AUTHORITY = "local-authority", "Local authority"
        EDUCATION = "education", "Education"
        HEALTH = "health", "Health"
        HOUSING = "housing", "Housing"
        COMMUNITY_VOLUNTARY = "community-voluntary", "Community and voluntary sector"
        STRATEGIC_PARTNERSHIP = "strategic-partnership", "Strategic and multi-agency partnerships"
        POLICE = "police", "Police"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    group = models.CharField(max_length=24, choices=Group.choices)
    in_partner_table = models.BooleanField(
        default=True, help_text="Listed in the toolkit's suggested partners table (2.1.1)."
    )
    response_working_days = models.PositiveSmallIntegerField(
        default=20, help_text="Working days agencies of this type have to answer a data request."
    )
    seed_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["group", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(response_working_days__gte=1, response_working_days__lte=120),
                name="orgtype_response_days_range",
            ),
        ]

    def __str__(self):
        return self.name


class Definition(models.Model):
    class Kind(models.TextChoices):
        MIGRANT = "migrant-definition", "Definition of a migrant"
        GLOSSARY = "glossary", "Glossary term"

    code = models.SlugField(max_length=60, unique=True)
    term = models.CharField(max_length=160)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField()
    source_document = models.CharField(max_length=20, blank=True)
    seed_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["term"]

    def __str__(self):
        return self.term


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
            models.CheckConstraint(
                condition=(Q(appendix="") & Q(appendix_row__isnull=True))
                | (~Q(appendix="") & Q(appendix_row__isnull=False)),
                name="source_appendix_has_row",
            ),
            # Each appendix belongs to one stage of the toolkit.
            models.CheckConstraint(
                condition=Q(appendix="")
                | Q(appendix__in=["A1", "A1-other", "LTIM"], stage="public")
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


class Area(models.Model):
    """A local area running a migration data project (usually one local authority)."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    gss_code = models.CharField(max_length=9, unique=True, help_text="The local authority's GSS code.")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(gss_code__regex=r"^[EWSNK][0-9]{8}$"), name="area_gss_code_format"),
        ]

    def __str__(self):
        return self.name


class AreaCode(models.Model):
    """A ward, LSOA or MSOA inside an area, from an ONS lookup file (load_area_lookup)."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=9)
    name = models.CharField(max_length=150, blank=True)
    level = models.ForeignKey(GeographyLevel, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["level__order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "code"], name="areacode_once_per_area"),
            models.CheckConstraint(condition=Q(code__regex=r"^[EWSNK][0-9]{8}$"), name="areacode_gss_format"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class Agency(models.Model):
    """An organisation that holds local data: a school, trust, police force, charity, council team."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    organisation_type = models.ForeignKey(OrganisationType, on_delete=models.PROTECT, related_name="agencies")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="agencies")
    # The agency's contacts are the members of this group; object permissions on the agency's
    # requests are granted to the group, so adding or removing a contact is one membership change.
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="agency", editable=False)
    response_working_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Working days this agency has to reply; blank for its organisation type's default.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="agency_unique_name_in_area"),
        ]

    def __str__(self):
        return self.name

    @property
    def contacts(self):
        return self.group.user_set

    def allowed_working_days(self) -> int:
        return self.response_working_days or self.organisation_type.response_working_days


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
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-refreshed_on", "-pk"]
        indexes = [
            # The coverage report reads the latest refresh of each public source for an area.
            models.Index(fields=["area", "source", "refreshed_on"], name="refresh_area_source_day"),
        ]

    def __str__(self):
        return f"{self.area}: {self.source} refreshed {self.refreshed_on}"


# --- Reference code lists ------------------------------------------------------------------


class Country(models.Model):
    class Kind(models.TextChoices):
        ISO = "iso", "ISO 3166-1 country"
        USER_ASSIGNED = "user-assigned", "Widely used code outside ISO 3166-1 (Kosovo)"
        SPECIAL = "special", "Category kept on its own (stateless, unknown, not recorded)"

    code = models.CharField(max_length=16, unique=True, help_text="ISO 3166-1 alpha-2, or a special category.")
    alpha3 = models.CharField(max_length=3, blank=True)
    numeric = models.CharField(max_length=3, blank=True)
    name = models.CharField(max_length=120)
    official_name = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=14, choices=Kind.choices, default=Kind.ISO)
    seed_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"

    def __str__(self):
        return self.name


class CountryAlias(models.Model):
    """A word people write for a country: a nationality ("Polish"), another name, an old name."""

    class Kind(models.TextChoices):
        NATIONALITY_WORD = "nationality-word", "Nationality word"
        ALTERNATIVE_NAME = "alternative-name", "Alternative name"
        HISTORIC_NAME = "historic-name", "Historic name"
        ISO_NAME = "iso-name", "ISO name or code"

    key = models.CharField(max_length=120, unique=True, help_text="The alias, case-folded with spaces collapsed.")
    alias = models.CharField(max_length=120)
    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="aliases")
    kind = models.CharField(max_length=18, choices=Kind.choices)
    note = models.CharField(max_length=300, blank=True)
    seed_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["alias"]
        verbose_name_plural = "country aliases"

    def __str__(self):
        return f"{self.alias} -> {self.country.code}"


class NationalityGroup(models.Model):
    code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=80)
    description = models.TextField(blank=True)
    residual = models.BooleanField(default=False, help_text="Every country not in another group on the date.")
    seed_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    def __str__(self):
        return self.name


class NationalityGroupMember(models.Model):
    """Membership changes over time: the EU8 counted as non-EU before 1 May 2004, and so on."""

    group = models.ForeignKey(NationalityGroup, on_delete=models.CASCADE, related_name="members")
    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="group_memberships")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "country", "valid_from"], name="groupmember_unique"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gt=models.F("valid_from")),
                name="groupmember_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.country.code} in {self.group.code}"


class Language(models.Model):
    code = models.CharField(max_length=3, unique=True, help_text="ISO 639-3.")
    alpha2 = models.CharField(max_length=2, blank=True, help_text="ISO 639-1, where there is one.")
    name = models.CharField(max_length=150)
    seed_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class GssPrefix(models.Model):
    prefix = models.CharField(max_length=3, unique=True)
    name = models.CharField(max_length=120)
    level = models.ForeignKey(GeographyLevel, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    nation = models.CharField(max_length=1)
    seed_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["prefix"]
        verbose_name = "GSS code prefix"
        verbose_name_plural = "GSS code prefixes"
        constraints = [
            models.CheckConstraint(condition=Q(prefix__regex=r"^[EWSNK][0-9]{2}$"), name="gss_prefix_format"),
        ]

    def __str__(self):
        return f"{self.prefix} {self.name}"
