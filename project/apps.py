import importlib

from django.apps import AppConfig


class ProjectConfig(AppConfig):
    name = "project"
    verbose_name = "Tracker"

    def ready(self):
        # Loaded whenever Django starts, so that @shared_task and current_app mean this app in the
        # web server and commands too. Here rather than in project/__init__.py: that would load
        # Celery (and through it parts of Django) for the pure helpers in project/lib as well.
        importlib.import_module("project.celery")
