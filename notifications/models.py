from django.conf import settings
from django.db import models


class Notification(models.Model):
    """An in-app message to one user; the same text goes out by email."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The unread count in the header and the user's notification list.
            models.Index(fields=["user", "read_at", "-created_at"], name="notification_user_unread"),
        ]

    def __str__(self):
        return self.subject
