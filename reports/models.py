"""Reports are computed, not stored, with one exception: which protection of a source's indicator
tables is current, so that a worker can tell whether its run is still wanted."""

from django.db import models

from catalogue.models import Area, Source


class Protection(models.Model):
    """One area's source: a generation counted up each time one of its returns is processed, and
    the run protecting its tables now. A run of an older generation stops early; a run claims the
    row by a conditional update, so at most one protects the source at a time."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="+")
    generation = models.PositiveIntegerField(default=0)
    running = models.PositiveIntegerField(null=True, blank=True, help_text="The generation being protected now.")
    task_id = models.CharField(max_length=64, blank=True, help_text="The worker's task that claimed the run.")
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # Also the index of every claim and check, which look a source up by area and source.
            models.UniqueConstraint(fields=["area", "source"], name="protection_area_source_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} in {self.area_id}: generation {self.generation}"
