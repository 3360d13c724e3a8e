import contextlib
import json
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from catalogue.models import Area, Source
from releases.services import public_table_take_in


class Command(BaseCommand):
    help = (
        "Reads a downloaded public table against its catalogue source through the returns pipeline and stores "
        "its counts as the source's release for the area. Exits 1 when nothing is (or would be) stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="The catalogue source's slug, e.g. census-2021.")
        parser.add_argument("file")
        parser.add_argument("--area", help="The area's slug (default: the only area).")
        parser.add_argument("--edition", help="Which release, e.g. 'year ending June 2024' (default: the file name).")
        parser.add_argument("--table", default="", help="Which of the source's tables, e.g. TS004.")
        parser.add_argument(
            "--measure", default="", help="For a table of several measures (the LAMI workbook), the one to read."
        )
        parser.add_argument("--dry-run", action="store_true", help="Read and report, store nothing.")
        parser.add_argument("--json", action="store_true", help="Print the check_return report as JSON.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        source = Source.objects.filter(slug=options["source"]).first()
        if source is None:
            raise CommandError(f"No catalogue source with the slug {options['source']}.")
        area = self._area(options["area"])
        with contextlib.redirect_stdout(sys.stderr):
            try:
                taken = public_table_take_in(
                    area=area,
                    source=source,
                    data=path.read_bytes(),
                    filename=path.name,
                    edition=options["edition"] or path.stem,
                    table=options["table"],
                    measure=options["measure"],
                    user=None,
                    dry_run=options["dry_run"],
                )
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
        if options["json"]:
            self.stdout.write(json.dumps(taken.report, indent=2, default=str))
        else:
            self._print(taken, source, options["dry_run"])
        if not taken.stored and not (options["dry_run"] and taken.report["valid"] and taken.report["observations"]):
            raise SystemExit(1)

    def _area(self, slug: str | None) -> Area:
        areas = Area.objects.filter(slug=slug) if slug else Area.objects.all()
        if slug and not areas.exists():
            raise CommandError(f"No area with the slug {slug}.")
        if areas.count() > 1:
            raise CommandError("There are several areas: name one with --area.")
        area = areas.first()
        if area is None:
            raise CommandError("No area is set up yet.")
        return area

    def _print(self, taken, source, dry_run: bool) -> None:
        report = taken.report
        publication = report["publication"]
        if taken.stored:
            self.stdout.write(
                f"STORED: {len(report['observations'])} counts of {source.title} ({taken.release.edition})."
            )
        elif dry_run and report["valid"]:
            self.stdout.write(f"WOULD STORE: {len(report['observations'])} counts of {source.title} (dry run).")
        else:
            self.stdout.write(f"NOT STORED: {source.title}.")
        self.stdout.write(
            f"  unit {publication['unit']}, provisional {'yes' if publication['provisional'] else 'no'}, "
            f"suppressed by the publisher {publication['suppressed_by_publisher']}, total {report['total']}"
        )
        for label, key in (("ERROR", "errors"), ("warning", "warnings")):
            for p in report[key]:
                where = " ".join(x for x in (p["sheet"], f"row {p['row']}" if p["row"] else "") if x)
                self.stdout.write(f"{label} {p['type']} [{where}]: {p['message']}")
