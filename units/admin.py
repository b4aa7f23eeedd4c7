"""Admin screens of the units (承办单位) and the working-day calendar overrides."""

from django.contrib import admin, messages
from django.utils import timezone

from .models import Unit, WorkingDayOverride
from .workdays import calendar_coverage_warning


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "sort_order", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "full_name")
    ordering = ("sort_order", "code")


@admin.register(WorkingDayOverride)
class WorkingDayOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "is_working_day", "note", "updated_at")
    list_filter = ("is_working_day",)
    date_hierarchy = "date"
    search_fields = ("note",)

    def changelist_view(self, request, extra_context=None):
        warning = calendar_coverage_warning(timezone.localdate())
        if warning:
            messages.warning(request, warning)
        return super().changelist_view(request, extra_context)

