import json
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.utils import timezone

from catalogue.models import Area
from reports import exports
from reports.coverage import coverage_build
from reports.recommendations import recommend
from sharing.models import AuditEntry
from sharing.services import audit_record


class Command(BaseCommand):
    help = (
        "Prints the coverage gaps and ranked recommendations (html: the printable report, with protected indicators)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "csv", "html"], default="json")
        parser.add_argument("--area", help="The area's slug; defaults to the first area set up.")

    def handle(self, *args, **options):
        areas = Area.objects.order_by("pk")
        area = areas.filter(slug=options["area"]).first() if options["area"] else areas.first()
        if area is None:
            raise CommandError(
                f"No area {options['area']!r} is set up."
                if options["area"]
                else "No area is set up yet: run seed_demo or add one."
            )
        today = timezone.localdate()
        if options["format"] == "html":
            context = exports.report_context(area=area, today=today)
            if context["indicators"]:
                # Returned data leaves the database, as on the report page; nobody is signed in to a
                # shell, so the log names the system and says where the figures went.
                audit_record(
                    user=None,
                    action=AuditEntry.Action.DATA_VIEWED,
                    object_type="reports.report",
                    object_id="jsna-chapter",
                    detail="Printable report with key indicators, printed by the coverage_report command.",
                )
            # A file read on its own: its style sheet goes inside it.
            context["inline_css"] = Path(finders.find("css/report.css")).read_text()
            self.stdout.write(render_to_string("reports/report.html", context))
            return
        coverage = coverage_build(area=area, today=today)
        recommendations = recommend(coverage)
        if options["format"] == "csv":
            self.stdout.write(exports.coverage_csv(coverage, recommendations), ending="")
        else:
            self.stdout.write(json.dumps(exports.coverage_json(coverage, recommendations), indent=2))
