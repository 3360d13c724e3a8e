from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    name = "releases"
    verbose_name = "Public releases taken in"

    def ready(self):
        from releases.demo import on_demo_seeded
        from requests_app.demo import demo_seeded

        demo_seeded.connect(on_demo_seeded, dispatch_uid="releases-demo-public-tables")
