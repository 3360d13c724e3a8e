"""Public tables taken in against their catalogue source, and the counts read from them."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from catalogue.models import Area, Source
from requests_app.models import CountRow


def release_upload_to(instance, filename: str) -> str:
    return f"releases/{instance.source.slug}/{instance.sha256[:16]}"


class PublicRelease(models.Model):
    """One edition of a public table, as downloaded from its publisher and read for the area. A
    later edition of the same table replaces it (a revision of provisional estimates); the
    replaced one is kept, with its counts, as the table's history."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="public_releases")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="public_releases")
    table = models.CharField(
        max_length=120, blank=True, help_text="Which of the source's tables, e.g. 'TS004' or 'Table 1'."
    )
    measure = models.CharField(
        max_length=200, blank=True, help_text="The one measure read from a table holding several (the LAMI workbook)."
    )
    edition = models.CharField(max_length=200, help_text="Which release, e.g. 'year ending June 2024'.")
    released_on = models.DateField(null=True, blank=True, help_text="The publisher's release date.")
    provenance = models.CharField(max_length=500, blank=True, help_text="Where the file was downloaded from.")
    file = models.FileField(upload_to=release_upload_to, max_length=300)
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    unit = models.CharField(max_length=10, help_text="The unit the file stated: persons, thousands or 'not stated'.")
    provisional = models.BooleanField(default=False, help_text="The publisher marks some estimates provisional.")
    publisher_rounding = models.PositiveIntegerField(default=0, help_text="The rounding base the file declares.")
    publisher_suppressed = models.PositiveIntegerField(default=0, help_text="Cells the publisher itself suppressed.")
    report = models.JSONField(default=dict, blank=True)
    observation_count = models.PositiveIntegerField(default=0)
    total = models.BigIntegerField(default=0)
    replaced_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaced")
    taken_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    taken_in_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-taken_in_at", "-pk"]
        constraints = [
            # One edition in force per table (and measure) of a source for an area; the replaced
            # ones are history.
            models.UniqueConstraint(
                fields=["area", "source", "table", "measure"],
                condition=Q(replaced_by__isnull=True),
                name="public_release_one_in_force",
            ),
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="public_release_sha256_hex"),
        ]

    def __str__(self):
        table = f" {self.table}" if self.table else ""
        return f"{self.source}{table}: {self.edition}"

    @property
    def in_force(self) -> bool:
        return self.replaced_by_id is None


class PublicObservation(CountRow):
    """One count of a public table as published: the same tidy row as a return's observation.
    The publisher's suppressed cells stay suppressed; nothing is suppressed again here."""

    release = models.ForeignKey(PublicRelease, on_delete=models.CASCADE, related_name="observations")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(suppressed=True) & Q(count__isnull=True)) | (Q(suppressed=False) & Q(count__isnull=False)),
                name="public_observation_count_or_suppressed",
            ),
        ]
        indexes = [
            # Public figures beside local ones: a release's counts by period and area.
            models.Index(fields=["release", "period_start", "geography_code"], name="public_obs_release_period_geo"),
        ]
