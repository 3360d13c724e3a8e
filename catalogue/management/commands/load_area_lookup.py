import csv
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from catalogue.models import Area
from catalogue.services import area_lookup_load


class Command(BaseCommand):
    help = (
        "Loads an area's wards, LSOAs and MSOAs from an ONS lookup CSV (e.g. the LSOA to ward to local "
        "authority lookup). Returns are then checked against them."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--area", help="The area's slug; needed when there is more than one area.")

    def handle(self, *args, **options):
        area = (
            Area.objects.filter(slug=options["area"]).first()
            if options["area"]
            else Area.objects.order_by("pk").first()
        )
        if area is None:
            raise CommandError("No such area. Create the area first (seed_demo creates a demo one).")
        path = Path(options["file"])
        try:
            with path.open(newline="", encoding="utf-8-sig") as handle:
                rows = list(csv.DictReader(handle))
            counts = area_lookup_load(area=area, rows=rows)
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"{area.name}: " + ", ".join(f"{n} {level}" for level, n in sorted(counts.items())))
        )
