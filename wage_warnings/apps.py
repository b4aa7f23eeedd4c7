from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WageWarningsConfig(AppConfig):
    name = "wage_warnings"
    verbose_name = _("工资预警")
