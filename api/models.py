import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Scope(models.TextChoices):
    READ = "read", "Read"
    SUBMIT = "submit", "Read and submit"


class ApiToken(models.Model):
    """A person's key for the API. Only a hash of the secret is kept: the secret itself is shown once,
    when the token is made, and cannot be read back by anyone."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'MIS nightly export'.")
    scope = models.CharField(max_length=8, choices=Scope.choices, default=Scope.READ)
    # The first characters of the secret, so that a person can tell their tokens apart.
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=F("created_at")), name="api_token_expires_after_made"),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
