from django.contrib import admin

from planning.models import ChecklistDecision, Engagement, Milestone, Plan, ReleaseReminder


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["area", "lead_name", "scope", "updated_at"]


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "due_on", "done_on"]


@admin.register(ChecklistDecision)
class ChecklistDecisionAdmin(admin.ModelAdmin):
    list_display = ["area", "item", "decision", "decided_on"]


@admin.register(Engagement)
class EngagementAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "community", "starts_on", "status"]


@admin.register(ReleaseReminder)
class ReleaseReminderAdmin(admin.ModelAdmin):
    list_display = ["source", "release_month", "area", "sent_at"]
