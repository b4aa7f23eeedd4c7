"""Admin building blocks shared by the apps."""

from django.contrib import admin

from . import admin_schedules  # noqa: F401  (registers the 周期任务 pages in Chinese)


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record written by the system: visible, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
