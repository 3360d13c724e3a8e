from django.contrib import admin

from sharing import models


class PartyInline(admin.TabularInline):
    model = models.AgreementParty
    extra = 0


class EventInline(admin.TabularInline):
    model = models.AgreementEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "from_status", "to_status", "actor", "note", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.SharingAgreement)
class SharingAgreementAdmin(admin.ModelAdmin):
    """Status moves only through the review workflow; the admin shows it but cannot change it."""

    list_display = ["reference", "version", "title", "status", "start_date", "end_date", "next_review_date"]
    list_filter = ["status", "data_form", "dpia_status"]
    search_fields = ["reference", "title"]
    readonly_fields = ["reference", "version", "previous_version", "status", "lock_version", "public_id"]
    filter_horizontal = ["data_items"]
    inlines = [PartyInline, EventInline]

    def has_add_permission(self, request):
        return False


@admin.register(models.AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is never edited or deleted through the app."""

    list_display = ["occurred_at", "actor_name", "action", "object_type", "object_id", "agreement", "agency"]
    list_filter = ["action"]
    search_fields = ["actor_name", "detail", "object_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
