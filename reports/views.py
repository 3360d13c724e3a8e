"""Coverage, recommendations, indicators and the printable report: for the coordinator and the DPO.

Agency contacts never reach these pages: they span every agency's data, so to anyone but the
coordinator and the DPO they do not exist (404), as another agency's objects do not.
"""

import json

from django.core.paginator import Page
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone

from catalogue.selectors import area_for_user
from planning.selectors import checklist_progress
from project import roles
from project.lib.pages import page_of
from reports import exports
from reports.cached import coverage_cached, coverage_derived
from reports.forms import IndicatorForm
from reports.indicators import area_choices, available_sources, indicators_build
from reports.indicators.beside import beside_build
from reports.recommendations.items import ITEMS
from sharing.models import AuditEntry
from sharing.services import audit_record

READERS = (roles.COORDINATOR, roles.DPO)


def _require_reader(user) -> None:
    # A 403 would tell an agency contact that the page exists for someone else.
    roles.require(user, *READERS, hidden=True)


# Rows of each coverage matrix per page: 300 agencies' evidence on one page came to 600 KB of HTML.
MATRIX_PAGE_SIZE = 25


def _matrix_page(request, rows: list, param: str) -> tuple[Page, str]:
    """One page of a matrix's rows, and the query string its pager keeps (the other matrix's page)."""
    return page_of(request, rows, MATRIX_PAGE_SIZE, param=param)


def coverage(request):
    _require_reader(request.user)
    built, _ = coverage_cached(area=area_for_user(request.user), today=timezone.localdate())
    agencies, agencies_query = _matrix_page(request, built.agency_rows, "agencies")
    sources, sources_query = _matrix_page(request, built.source_rows, "sources")
    return render(
        request,
        "reports/coverage.html",
        {
            "coverage": built,
            "can_record": roles.is_coordinator(request.user),
            "agencies": agencies,
            "agencies_query": agencies_query,
            "sources": sources,
            "sources_query": sources_query,
        },
    )


def recommendations(request):
    _require_reader(request.user)
    area = area_for_user(request.user)
    # The recommendations alone: the page shows nothing else of the coverage they come from.
    recs = coverage_derived(area=area, today=timezone.localdate(), name="recommendations", make=_recommendations)
    return render(
        request,
        "reports/recommendations.html",
        {"area": area, "recommendations": recs, "items": ITEMS, "checklist": checklist_progress(area)},
    )


def _recommendations(coverage, recommendations):
    return recommendations


def coverage_export(request, fmt: str):
    _require_reader(request.user)
    today = timezone.localdate()
    # Whole files from the cache: every agency's rows, the same for every reader of the area.
    if fmt == "json":
        text = coverage_derived(area=area_for_user(request.user), today=today, name="json", make=_coverage_json)
        return HttpResponse(text, content_type="application/json")
    text = coverage_derived(area=area_for_user(request.user), today=today, name="csv", make=exports.coverage_csv)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="coverage-{today.isoformat()}.csv"'
    return response


def _coverage_json(coverage, recommendations) -> str:
    # As JsonResponse writes it.
    return json.dumps(exports.coverage_json(coverage, recommendations), cls=DjangoJSONEncoder, indent=2)


def _indicators(request, params):
    area = area_for_user(request.user)
    sources = available_sources(area)
    if params is None and sources:
        # A first visit shows every source by nationality group and quarter, not an empty page.
        params = QueryDict(mutable=True)
        params.setlist("source", [s.slug for s in sources])
        params.update({"rows": "nationality_group", "columns": "quarter"})
    form = IndicatorForm(params, sources=sources, areas=area_choices(area))
    built = indicators_build(area=area, query=form.query(), available=sources) if form.is_valid() else None
    if built and built.tables:
        # Returned data left the database for this person: the DPO can see who looked at what.
        audit_record(
            user=request.user,
            action=AuditEntry.Action.DATA_VIEWED,
            object_type="reports.indicators",
            object_id=",".join(t.source.slug for t in built.tables)[:40],
            detail=f"{request.path}?{params.urlencode()}"[:500],
        )
    return sources, form, built


def _beside(request, built) -> list:
    return beside_build(area=area_for_user(request.user), rows=built.query.rows, tables=built.tables) if built else []


def indicators(request):
    _require_reader(request.user)
    sources, form, built = _indicators(request, request.GET or None)
    beside = _beside(request, built)
    return render(
        request,
        "reports/indicators.html",
        {
            "sources": sources,
            "form": form,
            "built": built,
            "beside": beside,
            "query_string": form.data.urlencode() if form.is_bound else "",
        },
    )


def indicators_export(request, fmt: str):
    _require_reader(request.user)
    _, form, built = _indicators(request, request.GET)
    if built is None:
        return HttpResponse(
            f"Choose a source and a layout first: {form.errors.as_text()}", status=400, content_type="text/plain"
        )
    beside = _beside(request, built)
    if fmt == "json":
        return JsonResponse(exports.indicators_json(built, beside), json_dumps_params={"indent": 2})
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx":
        response = HttpResponse(
            exports.indicators_xlsx(built, beside),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="indicators-{stamp}.xlsx"'
        return response
    response = HttpResponse(exports.indicators_csv(built, beside), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="indicators-{stamp}.csv"'
    return response


def report(request):
    """A chapter for the Joint Strategic Needs Assessment: print it or save it as PDF from the browser."""
    _require_reader(request.user)
    context = exports.report_context(area=area_for_user(request.user), today=timezone.localdate())
    if context["indicators"]:
        audit_record(
            user=request.user,
            action=AuditEntry.Action.DATA_VIEWED,
            object_type="reports.report",
            object_id="jsna-chapter",
            detail="Printable report with key indicators.",
        )
    return render(request, "reports/report.html", context)
