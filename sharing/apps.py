from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "sharing"
    verbose_name = "Information sharing agreements"

    def ready(self):
        from sharing import receivers

        receivers.connect()
