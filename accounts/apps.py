from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账号与角色")

    def ready(self):
        # Imported once the app registry is ready: models cannot be imported while apps load.
        from django.db.models.signals import post_migrate

        from .roles import sync_role_permissions

        # Permissions exist only after their app's models are migrated, so the role → permission map is
        # re-applied after every migrate; the groups themselves come from a data migration.
        post_migrate.connect(sync_role_permissions, dispatch_uid="accounts.sync_role_permissions")
