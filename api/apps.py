import importlib

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "REST API"

    def ready(self):
        # Tells the schema generator how the tracker's tokens are sent.
        importlib.import_module("api.schema")
