"""What the API shows of each object. Read-only: writes go through the apps' services."""

from rest_framework import serializers

from catalogue.models import Definition, Field, Source, Theme
from notifications.models import Notification
from project.lib.text import display_name
from requests_app.lifecycle import EDGES
from requests_app.models import ChecklistAnswer, DataRequest, Return


class ThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["code", "name", "description"]


class FieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = Field
        fields = ["code", "name", "kind", "special_category", "description", "aliases"]


class DefinitionSerializer(serializers.ModelSerializer):
    source_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Definition
        fields = ["code", "term", "kind", "text", "source_document", "source_count"]


class SourceFieldSerializer(serializers.Serializer):
    field = serializers.CharField(source="field.code")
    availability = serializers.CharField()


class SourceSerializer(serializers.ModelSerializer):
    theme = serializers.SlugRelatedField(slug_field="code", read_only=True)
    geography_levels = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    holding_agency_types = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    migrant_definitions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    fields = SourceFieldSerializer(source="source_fields", many=True, read_only=True)

    class Meta:
        model = Source
        fields = [
            "slug",
            "title",
            "stage",
            "theme",
            "publisher",
            "holding_agency_types",
            "summary",
            "frequency",
            "release_timing",
            "access_route",
            "links",
            "geography_levels",
            "measure",
            "unit",
            "migrant_definitions",
            "fields",
            "caveats",
            "comparability",
            "relevance_condition",
            "updated_at",
        ]


class AgencyRefSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()


class RequestSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    agency = AgencyRefSerializer(read_only=True)
    source = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    fields = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = DataRequest
        fields = [
            "id",
            "reference",
            "title",
            "status",
            "agency",
            "source",
            "fields",
            "period_start",
            "period_end",
            "granularity",
            "data_form",
            "reporting_threshold",
            "sent_on",
            "due_date",
            "long_overdue_date",
            "received_on",
        ]


class DeadlineSerializer(serializers.Serializer):
    due = serializers.DateField()
    long_overdue = serializers.DateField()
    paused_working_days = serializers.IntegerField()
    still_paused = serializers.BooleanField()
    status = serializers.CharField(help_text="Where the request stands against its deadline today.")
    explanation = serializers.ListField(child=serializers.CharField(), help_text="The page's plain-English lines.")


class ActionSerializer(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField()


class ChecklistRowSerializer(serializers.Serializer):
    field = serializers.CharField()
    collected = serializers.CharField(allow_null=True)
    mandatory = serializers.CharField(allow_null=True)
    extractable = serializers.CharField(allow_null=True)
    completeness = serializers.IntegerField(allow_null=True)
    notes = serializers.CharField(allow_null=True)


class RequestDetailSerializer(RequestSerializer):
    geography_level = serializers.SlugRelatedField(slug_field="code", read_only=True)
    # Worked out by the view with the pages' helpers, and set on the request under these names.
    deadline = DeadlineSerializer(source="api_deadline", allow_null=True, read_only=True)
    actions = ActionSerializer(
        source="api_actions", many=True, read_only=True, help_text="The moves this person may make now."
    )
    checklist = ChecklistRowSerializer(source="api_checklist", many=True, read_only=True)

    class Meta(RequestSerializer.Meta):
        fields = [
            *RequestSerializer.Meta.fields,
            "version",
            "purpose",
            "geography_level",
            "deadline",
            "actions",
            "checklist",
        ]


def checklist_row(field: Field, answer: ChecklistAnswer | None) -> dict:
    return {
        "field": field.code,
        **{
            name: getattr(answer, name) if answer else None
            for name in ("collected", "mandatory", "extractable", "completeness", "notes")
        },
    }


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "subject", "body", "url", "created_at", "read_at"]


class MarkedReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications were unread and now are read.")


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=sorted(EDGES), help_text="One of the request's `actions`.")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    version = serializers.IntegerField(
        required=False, help_text="The request's `version` when read: refused if someone changed it since."
    )


class ChecklistAnswerSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="The code of one of the request's fields.")
    collected = serializers.ChoiceField(choices=ChecklistAnswer.Collected.choices)
    # Needed when the field is recorded; left out otherwise, as on the page.
    mandatory = serializers.ChoiceField(choices=ChecklistAnswer.YesNo.choices, required=False)
    extractable = serializers.ChoiceField(choices=ChecklistAnswer.YesNo.choices, required=False)
    completeness = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True, default=None)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ChecklistSerializer(serializers.Serializer):
    answers = ChecklistAnswerSerializer(many=True, allow_empty=False)


class ChecklistRecordedSerializer(serializers.Serializer):
    changed = serializers.IntegerField(help_text="How many answers differ from those stored before.")


class ReturnSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    final = serializers.BooleanField(source="is_final", read_only=True, help_text="Whether checking has finished.")

    class Meta:
        model = Return
        fields = [
            "id",
            "version",
            "original_name",
            "size",
            "status",
            "final",
            "superseded",
            "uploaded_at",
            "processed_at",
            "rows_read",
            "observation_count",
            "total",
        ]


class ReturnReportSerializer(ReturnSerializer):
    report = serializers.JSONField(read_only=True, help_text="The validation report, as `check_return --json` prints.")

    class Meta(ReturnSerializer.Meta):
        fields = [*ReturnSerializer.Meta.fields, "report"]


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The filled-in template: CSV, Excel or OpenDocument.")


class EventSerializer(serializers.Serializer):
    """One entry of the request's timeline, as its page lists it: messages, questions and answers
    (the notes of the ask and answer moves), status changes, checklist answers and reminders."""

    id = serializers.IntegerField()
    kind = serializers.CharField()
    action = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    by = serializers.SerializerMethodField()
    text = serializers.CharField(source="note")
    attachment = serializers.CharField(source="attachment_name", help_text="The attached file's name, if any.")
    happened_on = serializers.DateField()
    created_at = serializers.DateTimeField()

    def get_by(self, event) -> str:
        return display_name(event.actor)


class MessageSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")
    attachment = serializers.FileField(required=False, help_text="Optional, up to 10 MB; never personal data.")

    def validate_attachment(self, upload):
        if upload.size > 10 * 1024 * 1024:
            raise serializers.ValidationError("The file is larger than 10 MB.")
        return upload
