"""Admin of the campaigns app: the risk score's weights (the points of each reason), campaigns with their
projects and problems, inspection rounds and inspections (read-only: they are made through the pick)."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from . import risk
from .models import Campaign, CampaignProject, Inspection, InspectionRound, Problem, RiskWeight


@admin.register(RiskWeight)
class RiskWeightAdmin(admin.ModelAdmin):
    list_display = ("label", "code", "points", "is_active", "updated_at")
    list_editable = ("points", "is_active")
    readonly_fields = ("code", "label", "updated_at")
    fields = ("code", "label", "points", "is_active", "updated_at")

    def get_queryset(self, request):
        risk.weights()  # a reason registered since the last visit gets its row with the default points
        return super().get_queryset(request)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CampaignProjectInline(admin.TabularInline):
    model = CampaignProject
    extra = 0
    autocomplete_fields = ()
    raw_id_fields = ("project",)
    readonly_fields = ("added_at", "added_by")


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "start", "end", "scope", "created_at")
    list_filter = ("scope",)
    inlines = [CampaignProjectInline]
    readonly_fields = ("created_at", "created_by")


@admin.register(Problem)
class ProblemAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "project", "category", "unit", "found_on", "deadline", "rectified_on",
                    "supervised_at", "cleared_at")
    list_filter = ("campaign", "category", "unit")


@admin.register(InspectionRound)
class InspectionRoundAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "count", "random_share", "seed", "created_by")


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ("project", "kind", "inspected_on", "unit", "round", "campaign")
    list_filter = ("kind",)
