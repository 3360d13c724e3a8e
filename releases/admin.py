from django.contrib import admin

from releases.models import PublicRelease


@admin.register(PublicRelease)
class PublicReleaseAdmin(admin.ModelAdmin):
    list_display = ["source", "table", "edition", "area", "observation_count", "provisional", "taken_in_at"]
    list_filter = ["source", "provisional"]
    readonly_fields = [f.name for f in PublicRelease._meta.fields]
