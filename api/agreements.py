"""Sharing agreements in the API: the register, read as the register page reads it (an agency contact
sees only agreements naming their agency), and the DPO's review decisions, taken through the
sharing app's own service so that its rules, timeline, audit and notifications are the page's."""

from django.core.exceptions import PermissionDenied
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response

from api.lookups import public_uuid
from project import roles
from sharing import lifecycle, selectors
from sharing.models import AgreementParty, SharingAgreement
from sharing.services import agreement_transition

# The DPO's decisions: every edge the DPO may take, except the SIRO sign-off, which comes with the
# signed document and is recorded on the agreement's page.
DECISIONS = sorted(name for name, edge in lifecycle.EDGES.items() if roles.DPO in edge.roles and name != "activate")


class PartySerializer(serializers.Serializer):
    agency = serializers.SerializerMethodField()
    role = serializers.ChoiceField(choices=AgreementParty.Role.choices)

    def get_agency(self, party) -> str:
        return "The council" if party.is_local_authority else party.agency.name


class AgreementSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    parties = PartySerializer(many=True, read_only=True)
    data_items = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    version = serializers.IntegerField(read_only=True, help_text="The agreement's version (v1, v2 ...).")
    lock_version = serializers.IntegerField(
        read_only=True, help_text="Send it back with a decision: refused if someone changed the agreement since."
    )
    decisions = serializers.SerializerMethodField(help_text="The decisions this person may take now.")

    class Meta:
        model = SharingAgreement
        fields = [
            "id",
            "reference",
            "version",
            "lock_version",
            "title",
            "status",
            "purpose",
            "parties",
            "data_items",
            "data_form",
            "reporting_threshold",
            "article6_basis",
            "article9_condition",
            "schedule1_condition",
            "dpia_status",
            "start_date",
            "end_date",
            "next_review_date",
            "siro_name",
            "siro_signed_on",
            "updated_at",
            "decisions",
        ]

    def get_decisions(self, agreement) -> list[str]:
        user = self.context["request"].user
        return [name for name, _ in lifecycle.allowed_actions(user, agreement.status) if name in DECISIONS]


class DecisionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=DECISIONS, help_text="One of the agreement's `decisions`.")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    version = serializers.IntegerField(required=False, help_text="The agreement's `lock_version` when read.")


class AgreementViewSet(viewsets.ReadOnlyModelViewSet):
    """The register of sharing agreements, filtered (`q`, `status`, `agency`) as on its page."""

    serializer_class = AgreementSerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = selectors.RegisterFilter
    ordering_fields = ["reference", "status", "start_date", "end_date", "next_review_date"]

    def get_queryset(self):
        return selectors.agreements_for(self.request.user).order_by("reference", "-version")

    def get_object(self):
        return selectors.agreement_get(self.request.user, public_uuid(self.kwargs["id"]))

    @extend_schema(request=DecisionSerializer, responses=AgreementSerializer)
    @action(detail=True, methods=["post"])
    def decisions(self, request, id):
        """Takes one of the DPO's review decisions (approve, request changes, reject...), as the
        agreement's page does; a note is required where the page asks for one."""
        agreement = self.get_object()
        if not roles.is_dpo(request.user):
            raise PermissionDenied("Review decisions on agreements are the DPO's.")
        given = DecisionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        changed = agreement_transition(
            agreement=agreement,
            action=given.validated_data["action"],
            user=request.user,
            note=given.validated_data["note"],
            expected_version=given.validated_data.get("version"),
        )
        fresh = selectors.agreement_get(request.user, changed.public_id)
        return Response(AgreementSerializer(fresh, context={"request": request}).data)
