import json

from django.conf import settings
from django.core.management.base import BaseCommand

from catalogue.dcat import catalogue_jsonld
from catalogue.exports import catalogue_csv, catalogue_json
from catalogue.selectors import sources_with_details


class Command(BaseCommand):
    help = (
        "Writes the whole catalogue to standard output: DCAT 3 JSON-LD (jsonld, the UK metadata exchange "
        "model), the older DCAT-style JSON (json) or CSV."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "jsonld", "csv"], default="json")

    def handle(self, *args, **options):
        sources = sources_with_details().order_by("stage", "title")
        if options["format"] == "csv":
            self.stdout.write(catalogue_csv(sources), ending="")
            return
        if options["format"] == "jsonld":
            data = catalogue_jsonld(sources, base=settings.TRACKER_BASE_URL.rstrip("/") + "/catalogue/")
        else:
            data = catalogue_json(sources)
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
