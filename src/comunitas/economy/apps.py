from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EconomyConfig(AppConfig):
    name = "comunitas.economy"
    label = "economy"
    verbose_name = _("Economy")

    def ready(self) -> None:
        from comunitas.core.audit import ACTION_LABELS
        from comunitas.economy.cashbook import services as cashbook_services
        from comunitas.economy.closing import services as closing_services
        from comunitas.economy.fund import services as fund_services
        from comunitas.economy.work import services as work_services

        # What each part's audit codes mean to a reader of the activity log.
        for part in (cashbook_services, work_services, closing_services, fund_services):
            ACTION_LABELS.update(part.AUDIT_LABELS)
