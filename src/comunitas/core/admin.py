"""Django admin for operators, read-only: every change goes through the pages or the API, whose
services validate it and write the audit trail."""

from django.contrib import admin

from comunitas.core.models import (
    ApiToken,
    AuditEntry,
    Cooperative,
    CooperativeFact,
    Municipality,
    Role,
    StatuteParameters,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Municipality)
class MunicipalityAdmin(ReadOnlyAdmin):
    list_display = ["istat_code", "name", "province_abbr", "region_name", "inner_area_class"]
    list_filter = ["region_name", "inner_area_class", "is_current"]
    search_fields = ["istat_code", "name", "search_name", "cadastral_code"]


@admin.register(Cooperative)
class CooperativeAdmin(ReadOnlyAdmin):
    list_display = ["name", "slug", "seat", "founded_year", "is_public", "is_demo"]
    search_fields = ["name", "slug"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_name", "coop", "action", "object_repr"]
    list_filter = ["action"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    exclude = ["digest"]


for model in (CooperativeFact, StatuteParameters, Role):
    admin.site.register(model, ReadOnlyAdmin)
