"""The administrator's view of the enforcement records: read and correct, never delete (a removal from a list is
a recorded act, see services)."""

from django.contrib import admin

from .models import EnforcementRecord, ListedPerson


class ListedPersonInline(admin.TabularInline):
    model = ListedPerson
    extra = 0
    fields = ["name", "role"]
    readonly_fields = ["name", "role"]
    can_delete = False


@admin.register(EnforcementRecord)
class EnforcementRecordAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "date", "enterprise", "project", "unit", "removed_on", "closed_on"]
    list_filter = ["kind", "unit"]
    search_fields = ["number", "enterprise__name", "enterprise__credit_code", "project__code"]
    raw_id_fields = ["enterprise", "project", "unit", "officer", "removed_by", "closed_by", "clues", "warnings"]
    readonly_fields = ["created_at", "updated_at", "overdue_at"]
    inlines = [ListedPersonInline]

    def has_delete_permission(self, request, obj=None):
        return False
