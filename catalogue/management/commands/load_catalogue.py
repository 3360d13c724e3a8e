from django.core.management.base import BaseCommand, CommandError

from catalogue.loading.seed import CatalogueDataError
from catalogue.services import catalogue_load


class Command(BaseCommand):
    help = "Loads or updates the source catalogue and reference data. Safe to run again; keeps users' edits."

    def handle(self, *args, **options):
        try:
            report = catalogue_load()
        except CatalogueDataError as exc:
            raise CommandError(f"Catalogue data is wrong, nothing was loaded: {exc}") from exc
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Catalogue loaded."))
