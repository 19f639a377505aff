from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "yhdyspinta.accounts"
    verbose_name = _("Users and roles")

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from . import use_log

        def _locked_out(sender, request, username, ip_address, **kwargs):
            use_log.record(request, use_log.Action.LOCKED_OUT, username=username or "")

        user_locked_out.connect(_locked_out, dispatch_uid="yhdyspinta-locked-out", weak=False)
