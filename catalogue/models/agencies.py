"""The organisations asked for data."""

import uuid

from django.contrib.auth.models import Group
from django.db import models

from catalogue.models.areas import Area
from catalogue.models.vocabulary import OrganisationType


class Agency(models.Model):
    """An organisation that holds local data: a school, trust, police force, charity, council team."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    organisation_type = models.ForeignKey(OrganisationType, on_delete=models.PROTECT, related_name="agencies")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="agencies")
    # The agency's contacts are the members of this group; object permissions on the agency's
    # requests are granted to the group, so adding or removing a contact is one membership change.
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="agency", editable=False)
    email = models.EmailField(blank=True, help_text="The agency's general address, for the coordinator's reference.")
    phone = models.CharField(max_length=40, blank=True)
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
