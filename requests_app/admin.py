from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from requests_app import models
from requests_app.services.checklists import evidence_refresh


class EventInline(admin.TabularInline):
    model = models.RequestEvent
    extra = 0
    can_delete = False
    readonly_fields = [
        "kind",
        "action",
        "from_status",
        "to_status",
        "actor",
        "note",
        "attachment",
        "happened_on",
        "created_at",
    ]

    def has_add_permission(self, request, obj=None):
        return False


class ChecklistInline(admin.TabularInline):
    model = models.ChecklistAnswer
    extra = 0


@admin.register(models.DataRequest)
class DataRequestAdmin(GuardedModelAdmin):
    """Status, dates and reference are read-only here: they change through the lifecycle only."""

    list_display = ["reference", "title", "agency", "status", "sent_on", "due_date", "coordinator"]
    list_filter = ["status", "granularity", "agency__organisation_type"]
    search_fields = ["reference", "title", "agency__name"]
    readonly_fields = [
        "reference",
        "public_id",
        "status",
        "version",
        "sent_on",
        "received_on",
        "due_date",
        "long_overdue_date",
    ]
    filter_horizontal = ["fields"]
    inlines = [ChecklistInline, EventInline]

    def has_add_permission(self, request):
        # Requests need their object permissions: create them on the Requests page.
        return False

    # Checklist answers edited or deleted here bypass the services, so the coverage evidence
    # derived from them is rebuilt here too.
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        evidence_refresh(agency_ids=[form.instance.agency_id])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        evidence_refresh(agency_ids=[obj.agency_id])

    def delete_queryset(self, request, queryset):
        agency_ids = set(queryset.values_list("agency_id", flat=True))
        super().delete_queryset(request, queryset)
        evidence_refresh(agency_ids=agency_ids)


@admin.register(models.Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "source", "created_by", "created_at"]


@admin.register(models.Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["request", "kind", "key_date", "sent_at"]
    list_filter = ["kind"]
