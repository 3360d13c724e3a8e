"""Reads of a request's returned files and their validation reports."""

import csv
import io

from django.db.models import QuerySet
from django.http import Http404

from catalogue.models import Field
from project import roles
from project.lib.spreadsheet import neutralise
from requests_app.ingest.problems import LABELS as PROBLEM_LABELS
from requests_app.models import DataRequest, Return


def returns_of(request: DataRequest) -> QuerySet:
    return request.returns.select_related("uploaded_by", "agreement")


def return_in_force(request: DataRequest) -> Return | None:
    """The accepted version whose counts are used; None until one is accepted. Processing keeps
    at most one accepted version of a request current, so newer uploads still being checked or
    refused leave it in force."""
    return request.returns.filter(status=Return.Status.DONE, superseded=False).first()


def return_get(request: DataRequest, public_id) -> Return:
    try:
        return request.returns.select_related("agreement", "request__agency").get(public_id=public_id)
    except (Return.DoesNotExist, ValueError):
        raise Http404("No such file.") from None


def require_return_reader(user, stored: Return) -> None:
    """A quarantined file may hold personal data: only the DPO and the coordinator open it."""
    if stored.status == Return.Status.QUARANTINED and not (roles.is_dpo(user) or roles.is_coordinator(user)):
        raise Http404("This file is held for the Data Protection Officer.")


SHOWN_PER_TYPE = 20


def report_summary(report: dict) -> dict:
    """The report as the page shows it: errors first, the first 20 of each type, counts of the rest."""

    def grouped(problems):
        groups: dict[str, list] = {}
        for problem in problems:
            groups.setdefault(problem["type"], []).append(problem)
        counts = report.get("problem_counts", {})
        return [
            (
                PROBLEM_LABELS.get(kind, kind),
                items[:SHOWN_PER_TYPE],
                counts.get(kind, len(items)) - min(len(items), SHOWN_PER_TYPE),
            )
            for kind, items in groups.items()
        ]

    names = dict(Field.objects.filter(code__in=report.get("completeness", {})).values_list("code", "name"))
    return {
        "errors": grouped(report.get("errors", [])),
        "warnings": grouped(report.get("warnings", [])),
        "completeness": [(names.get(code, code), share) for code, share in report.get("completeness", {}).items()],
    }


PROBLEM_COLUMNS = ["severity", "type", "sheet", "row", "column", "value", "message"]


def problems_csv(report: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(PROBLEM_COLUMNS)
    for problem in [*report.get("errors", []), *report.get("warnings", [])]:
        writer.writerow([neutralise("" if problem.get(c) is None else str(problem.get(c))) for c in PROBLEM_COLUMNS])
    return out.getvalue()
