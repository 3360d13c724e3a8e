"""Reads of a request's returned files and their validation reports."""

import csv
import io

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404

from catalogue.models import Field
from project import roles
from project.lib.spreadsheet import neutralise
from requests_app.ingest.problems import DETAIL_LIMIT, column_index
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


PROBLEMS_PER_PAGE = 50
# Problems about codes, whose fix is a code from the template's lists.
CODE_PROBLEMS = {"unknown-code", "level-mismatch", "boundary-vintage", "code-name-mismatch", "mixed-levels"}


def _in_row_order(problems: list[dict]) -> list[dict]:
    """As the sender reads the file: sheet by sheet as found, problems about no row (a heading, the
    whole file) first, then by row and column."""
    sheets = {sheet: n for n, sheet in enumerate(dict.fromkeys(p.get("sheet", "") for p in problems))}
    return sorted(
        problems,
        key=lambda p: (
            sheets[p.get("sheet", "")],
            p.get("row") or 0,
            column_index(p["column"]) if p.get("column") else -1,
        ),
    )


def _kinds(problems: list[dict]) -> dict[str, int]:
    kinds: dict[str, int] = {}
    for problem in problems:
        kinds[problem["type"]] = kinds.get(problem["type"], 0) + 1
    return kinds


def _listing(problems: list[dict], beyond: dict[str, int], page_number) -> dict:
    """One severity's problems, every kept one on some page, with a count per kind; `not_listed`
    are those the pipeline counted past the detail it keeps of a kind."""
    kept = _kinds(problems)
    found = {kind: n + beyond.get(kind, 0) for kind, n in kept.items()}
    return {
        "page": Paginator(
            [{**p, "label": PROBLEM_LABELS.get(p["type"], p["type"])} for p in _in_row_order(problems)],
            PROBLEMS_PER_PAGE,
        ).get_page(page_number),
        "kinds": sorted(((PROBLEM_LABELS.get(k, k), n) for k, n in found.items()), key=lambda pair: -pair[1]),
        "total": sum(found.values()),
        "not_listed": sum(found.values()) - len(problems),
        "about_codes": bool(CODE_PROBLEMS & kept.keys()),
        "several_sheets": len({p.get("sheet", "") for p in problems}) > 1,
    }


def report_summary(report: dict, *, errors_page=None, warnings_page=None) -> dict:
    """The report as the page shows it: errors, then warnings, each in row order a page at a time
    with a count per kind, then how complete the fields are."""
    errors, warnings = report.get("errors", []), report.get("warnings", [])
    # The counts are per kind over both severities; what was not kept in detail goes with the
    # errors of its kind when there are any, else with its warnings.
    kept = _kinds(errors + warnings)
    beyond = {k: n - kept[k] for k, n in report.get("problem_counts", {}).items() if k in kept and n > kept[k]}
    error_kinds = _kinds(errors)
    names = dict(Field.objects.filter(code__in=report.get("completeness", {})).values_list("code", "name"))
    return {
        "errors": _listing(errors, {k: n for k, n in beyond.items() if k in error_kinds}, errors_page),
        "warnings": _listing(warnings, {k: n for k, n in beyond.items() if k not in error_kinds}, warnings_page),
        "completeness": [(names.get(code, code), share) for code, share in report.get("completeness", {}).items()],
        "code_kinds": sorted(CODE_PROBLEMS),
        "detail_limit": DETAIL_LIMIT,
    }


PROBLEM_COLUMNS = ["severity", "type", "sheet", "row", "column", "value", "message"]


def problems_csv(report: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(PROBLEM_COLUMNS)
    for problem in [*report.get("errors", []), *report.get("warnings", [])]:
        writer.writerow([neutralise("" if problem.get(c) is None else str(problem.get(c))) for c in PROBLEM_COLUMNS])
    return out.getvalue()
