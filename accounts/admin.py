from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, LoginLockout, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "last_name", "first_name", "unit", "is_active", "is_staff")
    list_filter = ("unit__kind", "unit", "groups", "is_active", "is_staff")
    search_fields = ("username", "first_name", "last_name", "email", "phone")
    fieldsets = BaseUserAdmin.fieldsets + ((_("所属单位"), {"fields": ("unit", "phone")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("所属单位"), {"fields": ("unit", "groups")}),)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are listed to be revoked (deleted), never shown: only a hash of each key is stored."""

    list_display = ("user", "prefix", "created_at", "expires_at")
    list_filter = ("user__unit",)
    search_fields = ("user__username", "prefix")
    fields = ("user", "prefix", "created_at", "expires_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LoginLockout)
class LoginLockoutAdmin(admin.ModelAdmin):
    """Failed logins counted by django-axes; deleting a row (解除锁定) lets that user and address in again."""

    list_display = ("username_label", "address_label", "failures_label", "time_label")
    search_fields = ("username", "ip_address")
    actions = ["unlock"]

    @admin.display(description=_("用户名"), ordering="username")
    def username_label(self, obj):
        return obj.username

    @admin.display(description=_("来源地址"), ordering="ip_address")
    def address_label(self, obj):
        return obj.ip_address

    @admin.display(description=_("失败次数"), ordering="failures_since_start")
    def failures_label(self, obj):
        return obj.failures_since_start

    @admin.display(description=_("最近一次"), ordering="attempt_time")
    def time_label(self, obj):
        return obj.attempt_time

    @admin.action(description=_("解除锁定"), permissions=["delete"])
    def unlock(self, request, queryset):
        count, _rows = queryset.delete()
        self.message_user(request, _("已解除%(n)s条锁定。") % {"n": count})

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
