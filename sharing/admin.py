from django.contrib import admin
from django.db.models import URLField

from sharing import models
from sharing.services import CONTENT_FIELDS, EDITABLE


def _settled(agreement) -> bool:
    """Submitted, in force or ended: its terms change only in a new version, which the DPO reviews."""
    return agreement is not None and agreement.status not in EDITABLE


class PartyInline(admin.TabularInline):
    model = models.AgreementParty
    extra = 0

    def has_add_permission(self, request, obj=None):
        return not _settled(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _settled(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _settled(obj) and super().has_delete_permission(request, obj)


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
    formfield_overrides = {URLField: {"assume_scheme": "https"}}  # as the agreement form does

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        # Editing a settled agreement here would skip the review workflow and the version history.
        fields = list(self.readonly_fields)
        if _settled(obj):
            fields += [
                name
                for name in [
                    *CONTENT_FIELDS,
                    "area",
                    "data_items",
                    "siro_name",
                    "siro_signed_on",
                    "next_review_date",
                    "created_by",
                ]
                if name not in fields
            ]
        return fields


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
