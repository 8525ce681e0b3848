"""Comparison runs in the admin: read-only, since a run is a record of what was computed."""

from django.contrib import admin

from reports.models import ComparisonRun


@admin.register(ComparisonRun)
class ComparisonRunAdmin(admin.ModelAdmin):
    list_display = ("pk", "wave", "k", "resamples", "seed", "n_staff", "n_users", "used_at")
    list_filter = ("wave__partnership",)
    list_select_related = ("wave",)
    readonly_fields = [field.name for field in ComparisonRun._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
