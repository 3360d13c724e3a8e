"""Settings, URLs, the Celery app and small helpers shared by every app."""
