from django.contrib import admin

from catalogue import models


class SourceFieldInline(admin.TabularInline):
    model = models.SourceField
    extra = 0
    autocomplete_fields = ["field"]


@admin.register(models.Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "stage", "theme", "frequency", "measure", "appendix", "appendix_row"]
    list_filter = ["stage", "theme", "frequency", "measure", "access_route", "geography_levels"]
    search_fields = ["title", "summary", "caveats", "publisher"]
    filter_horizontal = ["holding_agency_types", "geography_levels", "migrant_definitions"]
    inlines = [SourceFieldInline]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(models.Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "special_category", "order"]
    list_filter = ["kind", "special_category"]
    search_fields = ["name", "code"]


@admin.register(models.Definition)
class DefinitionAdmin(admin.ModelAdmin):
    list_display = ["term", "code", "kind", "source_document"]
    list_filter = ["kind", "source_document"]
    search_fields = ["term", "text"]


@admin.register(models.OrganisationType)
class OrganisationTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "group", "in_partner_table", "response_working_days"]
    list_filter = ["group", "in_partner_table"]
    search_fields = ["name"]


@admin.register(models.Theme, models.GeographyLevel)
class OrderedAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order"]
    search_fields = ["name"]


@admin.register(models.Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "gss_code"]
    search_fields = ["name", "gss_code"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(models.Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation_type", "area", "response_working_days"]
    list_filter = ["area", "organisation_type__group"]
    search_fields = ["name"]

    def has_add_permission(self, request):
        # Agencies need their contacts' group: create them with services.agency_create (seed or shell).
        return False


@admin.register(models.SourceAvailability)
class SourceAvailabilityAdmin(admin.ModelAdmin):
    list_display = ["source", "area", "available", "updated_by", "updated_at"]
    list_filter = ["area", "available"]


class CountryAliasInline(admin.TabularInline):
    model = models.CountryAlias
    extra = 0


@admin.register(models.Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "alpha3", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "code", "alpha3", "aliases__alias"]
    inlines = [CountryAliasInline]


@admin.register(models.CountryAlias)
class CountryAliasAdmin(admin.ModelAdmin):
    list_display = ["alias", "country", "kind"]
    list_filter = ["kind"]
    search_fields = ["alias", "country__name"]
    autocomplete_fields = ["country"]


class GroupMemberInline(admin.TabularInline):
    model = models.NationalityGroupMember
    extra = 0
    autocomplete_fields = ["country"]


@admin.register(models.NationalityGroup)
class NationalityGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "residual"]
    inlines = [GroupMemberInline]


@admin.register(models.Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "alpha2"]
    search_fields = ["name", "code", "alpha2"]


@admin.register(models.GssPrefix)
class GssPrefixAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "level", "nation"]
    list_filter = ["nation", "level"]
    search_fields = ["prefix", "name"]


@admin.register(models.AreaCode)
class AreaCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "area"]
    list_filter = ["area", "level"]
    search_fields = ["code", "name"]
