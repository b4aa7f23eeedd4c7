from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "credit"
    verbose_name = _("信用监管")

    def ready(self):
        # Imported once the app registry is ready: models cannot be imported while apps load.
        from projects.hooks import register_panel  # app registry ready only now

        from .views import project_credit_panel  # app registry ready only now

        # The project page shows its enforcement records and, in red, any party on the blacklist.
        register_panel("project_warnings", project_credit_panel)
