from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "yhdyspinta.accounts"
    verbose_name = _("Users and roles")
