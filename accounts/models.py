"""Staff accounts: every user belongs to one unit and holds roles (Django groups)."""

from axes.models import AccessAttempt
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
    def is_wage_manager_only(self):
        """A 劳资专管员 (a contractor's employee, not government staff): their project pages only."""
        return not self.is_superuser and self.role_codes == {Role.WAGE_MANAGER.value}

    @property
    def role_labels(self):
        return [Role(code).label for code in sorted(self.role_codes)]


class ApiToken(models.Model):
    """An API token (`Authorization: Token <key>`), stored as a SHA-256 hash: the key itself is shown once,
    to the client that asked for it. A token dies when it expires, on logout, and as soon as the user's
    password, roles, unit or active flag change (the stamp no longer matches; see accounts.tokens)."""

    user = models.ForeignKey(User, verbose_name=_("工作人员"), on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("令牌前缀"), max_length=8, editable=False,
                              help_text=_("令牌的前8位,仅用于辨认,不能用来登录"))
    stamp = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("到期时间"), db_index=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user.username} · {self.prefix}…"


class LoginLockout(AccessAttempt):
    """django-axes' record of failed logins, under a Chinese name in the admin; deleting one unlocks the user
    and address it names."""

    class Meta:
        proxy = True
        verbose_name = _("登录失败锁定")
        verbose_name_plural = _("登录失败锁定")
