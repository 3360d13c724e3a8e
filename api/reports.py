"""Coverage, recommendations and protected indicator tables in the API, for the coordinator and the
DPO as on the report pages (to an agency contact they do not exist: they span every agency's data).

Coverage and recommendations come from the coverage cache the pages read. Indicator tables are
built by the pages' own `indicators_build`, so a cell comes out only as the page shows it:
protected against disclosure, suppressed cells as null. A source too large to protect while the
request waits is handed to the worker, as the page does, and answered as still being prepared."""

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api.pagination import Pages
from catalogue.selectors import area_for_user
from project import roles
from reports import exports
from reports.cached import coverage_cached
from reports.forms import IndicatorForm
from reports.indicators import COLUMN_CHOICES, DIMENSIONS, area_choices, available_sources, indicators_build
from sharing.models import AuditEntry
from sharing.services import audit_record


def _require_reader(user) -> None:
    # As on the report pages: to an agency contact these do not exist (a 403 would say they do).
    roles.require(user, roles.COORDINATOR, roles.DPO, hidden=True)


def _coverage(request) -> dict:
    _require_reader(request.user)
    built, recs = coverage_cached(area=area_for_user(request.user), today=timezone.localdate())
    return exports.coverage_json(built, recs)


def _page(view, rows: list):
    paginator = Pages()
    page = paginator.paginate_queryset(rows, view.request, view=view)
    return paginator.get_paginated_response(page)


class CoverageViewSet(viewsets.ViewSet):
    """The coverage report: which fields each source and agency can give, and what is still missing."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def list(self, request):
        """The report without its two matrices (read those a page at a time from `agencies` and
        `sources`) or its recommendations (from /api/v1/recommendations/)."""
        whole = _coverage(request)
        return Response({k: v for k, v in whole.items() if k not in ("agencies", "sources", "recommendations")})

    @extend_schema(responses=OpenApiTypes.OBJECT, parameters=[OpenApiParameter("page", int)])
    @action(detail=False, methods=["get"])
    def agencies(self, request):
        """The agency matrix, a page of rows at a time: each agency's cell for each field."""
        return _page(self, _coverage(request)["agencies"])

    @extend_schema(responses=OpenApiTypes.OBJECT, parameters=[OpenApiParameter("page", int)])
    @action(detail=False, methods=["get"])
    def sources(self, request):
        """The source matrix, a page of rows at a time."""
        return _page(self, _coverage(request)["sources"])


class RecommendationViewSet(viewsets.ViewSet):
    @extend_schema(responses=OpenApiTypes.OBJECT, parameters=[OpenApiParameter("page", int)])
    def list(self, request):
        """The recommendations, most useful first, with the evidence for each, as on their page."""
        return _page(self, _coverage(request)["recommendations"])


# Written out for the schema; the form behind them is the page's.
INDICATOR_PARAMETERS = [
    OpenApiParameter("source", str, many=True, required=True, description="Source slugs, one table each."),
    OpenApiParameter("rows", str, enum=list(DIMENSIONS), description="The rows' field (nationality_group)."),
    OpenApiParameter("columns", str, enum=list(COLUMN_CHOICES), description="The columns (quarter)."),
    OpenApiParameter("by_area", bool, description="Rows within each area, with a subtotal per area."),
    OpenApiParameter("since", str, description="The first month, yyyy-mm."),
    OpenApiParameter("until", str, description="The last month, yyyy-mm."),
    OpenApiParameter("areas", str, many=True, description="GSS codes of the areas to keep."),
]


class IndicatorsSerializer(serializers.Serializer):
    preparing = serializers.BooleanField(help_text="Some tables are still being protected: ask again shortly.")
    warnings = serializers.ListField(child=serializers.CharField())
    tables = serializers.ListField(
        child=serializers.DictField(),
        help_text="As the page's JSON export: suppressed cells are null; `refused` says why a table is not shown.",
    )


class IndicatorViewSet(viewsets.ViewSet):
    """Protected indicator tables, as on the indicators page and in its exports."""

    def _built(self, request):
        _require_reader(request.user)
        area = area_for_user(request.user)
        sources = available_sources(area)
        form = IndicatorForm(request.query_params, sources=sources, areas=area_choices(area))
        if not form.is_valid():
            raise ValidationError({name: list(messages) for name, messages in form.errors.items()})
        built = indicators_build(area=area, query=form.query(), available=sources)
        if built.tables:
            # Returned data left the database for this person, as on the page and in its exports.
            audit_record(
                user=request.user,
                action=AuditEntry.Action.DATA_VIEWED,
                object_type="reports.indicators",
                object_id=",".join(t.source.slug for t in built.tables)[:40],
                detail=request.get_full_path()[:500],
            )
        return built

    @staticmethod
    def _waiting(response, built):
        if built.preparing:
            response.status_code = 202
            response["Retry-After"] = "30"
        return response

    @extend_schema(
        parameters=INDICATOR_PARAMETERS,
        responses={200: IndicatorsSerializer, 202: OpenApiResponse(IndicatorsSerializer, "Still being protected.")},
    )
    def list(self, request):
        """The tables as JSON. 202 with `Retry-After` while a table is still being protected."""
        built = self._built(request)
        return self._waiting(Response({"preparing": built.preparing, **exports.indicators_json(built)}), built)

    @extend_schema(
        parameters=INDICATOR_PARAMETERS,
        responses={(200, "text/csv"): OpenApiTypes.STR, (202, "text/csv"): OpenApiTypes.STR},
    )
    @action(detail=False, methods=["get"])
    def csv(self, request):
        """The same tables as CSV, as the page's CSV export: suppressed cells as [c]."""
        built = self._built(request)
        response = HttpResponse(exports.indicators_csv(built), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="indicators-{timezone.localdate().isoformat()}.csv"'
        return self._waiting(response, built)
