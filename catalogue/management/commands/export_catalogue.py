import json

from django.core.management.base import BaseCommand

from catalogue.exports import catalogue_csv, catalogue_json
from catalogue.selectors import sources_with_details


class Command(BaseCommand):
    help = "Writes the whole catalogue to standard output as JSON (DCAT property names) or CSV."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args, **options):
        sources = sources_with_details().order_by("stage", "title")
        if options["format"] == "csv":
            self.stdout.write(catalogue_csv(sources), ending="")
        else:
            self.stdout.write(json.dumps(catalogue_json(sources), indent=2, ensure_ascii=False))
