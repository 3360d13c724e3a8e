"""The API's resources. Each reads through the selectors the pages use, so a token sees exactly what its
owner sees in the browser: an agency contact their own agency's requests, and 404 for anything else."""

import copy

from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import filters, mixins, parsers, routers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from api import serializers
from api.lookups import public_uuid
from catalogue import selectors as catalogue_selectors
from catalogue.filters import SourceFilter
from catalogue.models import Agency, Field, Source, Theme
from notifications.selectors import notifications_for
from notifications.services import notifications_mark_read
from project import roles
from requests_app import deadlines
from requests_app import selectors as request_selectors
from requests_app.filters import RequestFilter
from requests_app.lifecycle import deadline_for, offered_actions
from requests_app.permissions import ActionChecker
from requests_app.services.checklists import ChecklistInput, checklist_record
from requests_app.services.requests import request_message_post, request_transition
from requests_app.services.returns import return_upload


def _codes(declared):
    """The page's own filter, telling the schema that it takes codes: django-filter cannot say."""
    return extend_schema_field(OpenApiTypes.STR)(copy.deepcopy(declared))


class SourceCodeFilter(SourceFilter):
    theme = _codes(SourceFilter.declared_filters["theme"])
    geography = _codes(SourceFilter.declared_filters["geography"])
    field = _codes(SourceFilter.declared_filters["field"])
    definition = _codes(SourceFilter.declared_filters["definition"])


class SourceViewSet(viewsets.ReadOnlyModelViewSet):
    """The source catalogue, searched and filtered as on the catalogue page."""

    serializer_class = serializers.SourceSerializer
    lookup_field = "slug"
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    filterset_class = SourceCodeFilter
    ordering_fields = ["title", "stage", "updated_at"]

    def get_queryset(self):
        return catalogue_selectors.sources_with_details(Source.objects.order_by("stage", "title"))


class FieldViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.FieldSerializer
    lookup_field = "code"
    filter_backends = [DjangoFilterBackend]
    filterset_fields = ["kind"]
    queryset = Field.objects.order_by("order")


class ThemeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.ThemeSerializer
    lookup_field = "code"
    queryset = Theme.objects.order_by("order")


class DefinitionViewSet(viewsets.ReadOnlyModelViewSet):
    """The glossary, with how many sources use each definition."""

    serializer_class = serializers.DefinitionSerializer
    lookup_field = "code"
    filter_backends = [DjangoFilterBackend, filters.SearchFilter]
    filterset_fields = ["kind"]
    search_fields = ["term", "text"]

    def get_queryset(self):
        return catalogue_selectors.definitions_glossary()


class RequestFilterBackend(DjangoFilterBackend):
    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        if roles.is_agency_contact(request.user):
            # As on the requests page: an agency contact filters among their own agencies only.
            kwargs["agencies"] = Agency.objects.filter(group__user=request.user)
        return kwargs


class RequestViewSet(viewsets.ReadOnlyModelViewSet):
    """Data requests the person may see, most urgent first unless `ordering` says otherwise."""

    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    filter_backends = [RequestFilterBackend, filters.OrderingFilter]
    filterset_class = RequestFilter
    ordering_fields = ["due_date", "reference", "created_at", "status", "sent_on"]

    def get_queryset(self):
        visible = request_selectors.requests_for(self.request.user)
        return request_selectors.with_list_details(visible).prefetch_related("fields")

    def get_serializer_class(self):
        return serializers.RequestDetailSerializer if self.action == "retrieve" else serializers.RequestSerializer

    def _request(self, id):
        return request_selectors.request_get(self.request.user, public_uuid(id))

    def _detail(self, data_request):
        deadline = deadline_for(data_request)
        data_request.api_deadline = deadline and {
            **vars(deadline),
            "status": deadlines.status_on(deadline, timezone.localdate()),
        }
        data_request.api_actions = [
            {"action": name, "label": edge.label} for name, edge in offered_actions(self.request.user, data_request)
        ]
        data_request.api_checklist = [
            serializers.checklist_row(field, answer) for field, answer in request_selectors.checklist_rows(data_request)
        ]
        return Response(serializers.RequestDetailSerializer(data_request).data)

    def retrieve(self, request, id):
        return self._detail(self._request(id))

    @extend_schema(request=serializers.TransitionSerializer, responses=serializers.RequestDetailSerializer)
    @action(detail=True, methods=["post"])
    def transitions(self, request, id):
        """Takes one of the request's `actions`, as its button on the request page does."""
        data_request = self._request(id)
        given = serializers.TransitionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        changed = request_transition(
            request=data_request,
            action=given.validated_data["action"],
            user=request.user,
            note=given.validated_data["note"],
            expected_version=given.validated_data.get("version"),
        )
        return self._detail(request_selectors.request_get(request.user, changed.public_id))

    @extend_schema(request=serializers.ChecklistSerializer, responses=serializers.ChecklistRecordedSerializer)
    @action(detail=True, methods=["post"])
    def checklist(self, request, id):
        """Records answers for some or all of the request's fields; fields not given keep their answers."""
        data_request = self._request(id)
        checker = ActionChecker(request.user)
        if data_request.is_finished or not (checker.is_coordinator or checker.is_agency_member(data_request)):
            raise PermissionDenied("You cannot change this checklist.")
        given = serializers.ChecklistSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        fields = {f.code: f for f in data_request.fields.all()}
        answers = []
        for row in given.validated_data["answers"]:
            if row["field"] not in fields:
                raise ValidationError({"answers": [f"{row['field']} is not one of this request's fields."]})
            answers.append(
                ChecklistInput(
                    **{"mandatory": "", "extractable": "", **row, "field": fields[row["field"]]},
                )
            )
        return Response({"changed": checklist_record(request=data_request, user=request.user, answers=answers)})

    @extend_schema(methods=["GET"], request=None, responses=serializers.ReturnSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": serializers.UploadSerializer},
        responses={201: serializers.ReturnSerializer},
    )
    @action(detail=True, methods=["get", "post"], parser_classes=[parsers.MultiPartParser], pagination_class=None)
    def returns(self, request, id):
        """The request's returned files, newest first; a POST uploads a new version, which the gate must
        allow, and is then checked in the background (poll the return for its status and report)."""
        data_request = self._request(id)
        if request.method == "GET":
            versions = request_selectors.returns_of(data_request).order_by("-version")
            return Response(serializers.ReturnSerializer(versions, many=True).data)
        given = serializers.UploadSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        stored = return_upload(request=data_request, user=request.user, upload=given.validated_data["file"])
        return Response(serializers.ReturnSerializer(stored).data, status=201)

    @extend_schema(
        methods=["GET"],
        request=None,
        parameters=[OpenApiParameter("kind", str, description="Only one kind of entry, e.g. 'message'.")],
        responses=serializers.EventSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        request={
            "application/json": serializers.MessageSerializer,
            "multipart/form-data": serializers.MessageSerializer,
        },
        responses={201: serializers.EventSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[parsers.JSONParser, parsers.MultiPartParser],
        pagination_class=None,
    )
    def messages(self, request, id):
        """The request's timeline, newest first, as on its page; a POST writes a message to the other
        side (the coordinator or the agency's contacts), with a file if multipart."""
        data_request = self._request(id)
        if request.method == "GET":
            events = request_selectors.request_timeline(data_request)
            if kind := request.query_params.get("kind"):
                events = events.filter(kind=kind)
            return Response(serializers.EventSerializer(events, many=True).data)
        given = serializers.MessageSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        event = request_message_post(
            request=data_request,
            user=request.user,
            body=given.validated_data["text"],
            attachment=given.validated_data.get("attachment"),
        )
        return Response(serializers.EventSerializer(event).data, status=201)

    @extend_schema(
        parameters=[OpenApiParameter("return_id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        responses=serializers.ReturnReportSerializer,
    )
    @action(detail=True, methods=["get"], url_path=r"returns/(?P<return_id>[^/.]+)")
    def return_detail(self, request, id, return_id):
        """One returned file: its status while it is checked, then its validation report."""
        stored = request_selectors.return_get(self._request(id), public_uuid(return_id))
        request_selectors.require_return_reader(request.user, stored)
        return Response(serializers.ReturnReportSerializer(stored).data)


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The person's own notifications, newest first."""

    serializer_class = serializers.NotificationSerializer

    def get_queryset(self):
        queryset = notifications_for(self.request.user)
        if self.request.query_params.get("unread") == "true":
            queryset = queryset.filter(read_at__isnull=True)
        return queryset

    @extend_schema(parameters=[OpenApiParameter("unread", bool, description="Only those not yet read.")])
    def list(self, request):
        return super().list(request)

    @extend_schema(request=None, responses=serializers.MarkedReadSerializer)
    @action(detail=False, methods=["post"], url_path="read")
    def mark_read(self, request):
        return Response({"marked": notifications_mark_read(user=request.user)})


# DRF's views are exempt from the pages' sign-in redirect: a token request brings no session, and the
# API's own authentication answers anyone unknown with a 401 problem.
router = routers.DefaultRouter()
router.register("sources", SourceViewSet, basename="source")
router.register("fields", FieldViewSet, basename="field")
router.register("themes", ThemeViewSet, basename="theme")
router.register("definitions", DefinitionViewSet, basename="definition")
router.register("requests", RequestViewSet, basename="request")
router.register("notifications", NotificationViewSet, basename="notification")
