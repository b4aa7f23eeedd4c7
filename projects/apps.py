from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("工程项目")

    def ready(self):
        # Imported once the app registry is ready: models cannot be imported while apps load.
        from accounts.provisioning import register_assigner  # app registry ready only now
        from accounts.roles import Role  # app registry ready only now

        from .services import wage_manager_assign_codes  # app registry ready only now

        # `manage.py add_staff USER --role wage_manager --project CODE` names the account on the projects.
        register_assigner(Role.WAGE_MANAGER, wage_manager_assign_codes)
