from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Coverage and indicator reports"

    def ready(self):
        # seed_demo lives below reports, so it tells what it made by a signal rather than calling up.
        from reports.demo import on_demo_seeded
        from requests_app.demo import demo_seeded

        demo_seeded.connect(on_demo_seeded, dispatch_uid="reports-demo-indicators")
