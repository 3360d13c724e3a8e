from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from requests_app import models


class EventInline(admin.TabularInline):
    model = models.RequestEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "action", "from_status", "to_status", "actor", "note", "attachment", "happened_on", "created_at"]

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
    readonly_fields = ["reference", "public_id", "status", "version", "sent_on", "received_on", "due_date", "long_overdue_date"]
    filter_horizontal = ["fields"]
    inlines = [ChecklistInline, EventInline]

    def has_add_permission(self, request):
        # Requests need their object permissions: create them on the Requests page.
        return False


@admin.register(models.Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "source", "created_by", "created_at"]


@admin.register(models.Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["request", "kind", "key_date", "sent_at"]
    list_filter = ["kind"]
