"""Staff accounts: every user belongs to one unit and holds roles (Django groups)."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .roles import Role


class User(AbstractUser):
    unit = models.ForeignKey("units.Unit", verbose_name=_("所属单位"), on_delete=models.PROTECT,
                             null=True, blank=True, related_name="staff")
    phone = models.CharField(_("手机号"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")

    def get_full_name(self):
        # Chinese order: family name first, no space (郝向松, not 向松 郝).
        return f"{self.last_name}{self.first_name}".strip()

    def get_short_name(self):
        # What the admin greets with ("欢迎, …"): the whole name, as a Chinese office addresses a colleague,
        # never the given name alone (建国) nor a slice of a title (统管理员 of 系统管理员).
        return self.display_name

    @property
    def display_name(self):
        return self.get_full_name() or self.username

    @cached_property
    def role_codes(self):
        """The codes of the roles this user holds ({"intake", "officer", ...}); one query, cached."""
        names = {g.name for g in self.groups.all()}
        return {role.value for role in Role if role.value in names}

    def has_role(self, *roles):
        if self.is_superuser and Role.ADMIN in roles:
            return True
        return bool(self.role_codes & {str(r) for r in roles})

    @property
    def role_labels(self):
        return [Role(code).label for code in sorted(self.role_codes)]
