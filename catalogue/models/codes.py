"""Reference code lists: countries and the words for them, ONS nationality groups, languages, GSS prefixes."""

from django.db import models
from django.db.models import Q

from catalogue.models.vocabulary import GeographyLevel


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
