from django.contrib import admin

from .models import Project


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "district", "sector", "contractor_name", "is_government_invested",
                    "status")
    list_filter = ("status", "is_government_invested", "district", "sector")
    search_fields = ("code", "name", "contractor_name", "developer_name", "contractor_credit_code")
    readonly_fields = ("public_id", "created_at", "updated_at")
