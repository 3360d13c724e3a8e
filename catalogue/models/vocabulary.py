"""The words the catalogue describes sources with: themes, geography levels, canonical fields,
organisation types and definitions."""

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
