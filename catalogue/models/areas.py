"""The local areas running a project, and the wards and small areas inside them."""

from django.db import models
from django.db.models import Q

from catalogue.models.vocabulary import GeographyLevel


class Area(models.Model):
    """A local area running a migration data project (usually one local authority)."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    gss_code = models.CharField(max_length=9, unique=True, help_text="The local authority's GSS code.")
    region_code = models.CharField(
        max_length=9,
        blank=True,
        help_text="The GSS code of the region the authority is in (E12...), so that returns holding every "
        "region's rows keep the right one.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(gss_code__regex=r"^[EWSNK][0-9]{8}$"), name="area_gss_code_format"),
            models.CheckConstraint(
                condition=Q(region_code="") | Q(region_code__regex=r"^E12[0-9]{6}$"), name="area_region_code_format"
            ),
        ]

    def __str__(self):
        return self.name


class AreaCode(models.Model):
    """A ward, LSOA or MSOA inside an area, from an ONS lookup file (load_area_lookup)."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=9)
    name = models.CharField(max_length=150, blank=True)
    level = models.ForeignKey(GeographyLevel, on_delete=models.PROTECT, related_name="+")
    vintage = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="The year of the boundaries the code belongs to (2023 for WD23CD), from the lookup's column.",
    )

    class Meta:
        ordering = ["level__order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "code"], name="areacode_once_per_area"),
            models.CheckConstraint(condition=Q(code__regex=r"^[EWSNK][0-9]{8}$"), name="areacode_gss_format"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"
