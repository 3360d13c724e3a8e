import contextlib
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from requests_app.ingest import validate
from requests_app.ingest.problems import ERROR, Problem
from requests_app.ingest.read import MACRO_MESSAGE
from requests_app.ingest.result import refused
from requests_app.limits import upload_refusal
from requests_app.models import DataRequest
from requests_app.services.processing import ingest_context


class Command(BaseCommand):
    help = (
        "Runs the returns pipeline on a file without storing anything and prints the validation report. "
        "Exits 0 when there is no blocking error, 1 otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--request", help="Check against this request's fields and geography (its reference, e.g. REQ-2026-00012)."
        )
        parser.add_argument(
            "--json", action="store_true", help="Print the report as JSON, with the observations that would be stored."
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        context = self._context(options["request"])
        # Standard output is the report's alone (tools parse the JSON): anything a library prints
        # while the file is read goes to standard error.
        refusal = upload_refusal(path.name, path.stat().st_size)
        if refusal:  # what the upload form would say, without reading the file
            result = refused(problems=[Problem(_refusal_type(refusal), ERROR, refusal)])
        else:
            with contextlib.redirect_stdout(sys.stderr):
                result = validate.run(path.read_bytes(), path.name, context)
        if options["json"]:
            self.stdout.write(json.dumps(result.report(with_observations=True), indent=2, default=str))
        else:
            self._print(result)
        if not result.valid:
            raise SystemExit(1)

    def _context(self, reference: str | None) -> validate.Context:
        if not reference:
            # No request: map whatever canonical fields the file has, counts only, any geography level.
            return ingest_context(None)
        request = DataRequest.objects.filter(reference=reference).first()
        if request is None:
            raise CommandError(f"No request with the reference {reference}.")
        return ingest_context(request)

    def _print(self, result) -> None:
        self.stdout.write(
            ("VALID" if result.valid else "NOT VALID") + f": {result.rows_read} rows read from sheet "
            f"'{result.sheet}', {len(result.observations)} observations, total {result.total}"
            + _on_dates(result.stock_totals)
        )
        for field, share in result.completeness.items():
            self.stdout.write(f"  completeness {field}: {share:.0%}")
        for label, problems in (("ERROR", result.errors), ("warning", result.warnings)):
            for p in problems:
                where = " ".join(
                    x for x in (p.sheet, f"row {p.row}" if p.row else "", f"column {p.column}" if p.column else "") if x
                )
                self.stdout.write(f"{label} {p.type} [{where}] {p.value!r}: {p.message}")
        for kind, number in result.counts.items():
            shown = sum(1 for p in [*result.errors, *result.warnings] if p.type == kind)
            if number > shown:
                self.stdout.write(f"... and {number - shown} more {kind}")


def _refusal_type(message: str) -> str:
    if message == MACRO_MESSAGE:
        return "active-content"
    return "too-large" if message.startswith("The file is larger") else "unreadable-file"


def _on_dates(by_date: dict[str, int]) -> str:
    """A stock's total is its count on the latest date; the other dates are shown beside it."""
    if not by_date:
        return ""
    latest = max(by_date)
    shown = ", ".join(f"{day}: {number}" for day, number in by_date.items())
    return f" (people counted on {latest or 'one day'}; a stock is never added up over dates: {shown})"
