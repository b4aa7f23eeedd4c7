from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "last_name", "first_name", "unit", "is_active", "is_staff")
    list_filter = ("unit__kind", "unit", "groups", "is_active", "is_staff")
    search_fields = ("username", "first_name", "last_name", "email", "phone")
    fieldsets = BaseUserAdmin.fieldsets + ((_("所属单位"), {"fields": ("unit", "phone")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("所属单位"), {"fields": ("unit", "groups")}),)
