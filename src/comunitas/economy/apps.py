from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EconomyConfig(AppConfig):
    name = "comunitas.economy"
    label = "economy"
    verbose_name = _("Economy")

    def ready(self) -> None:
        import importlib

        from comunitas.core.audit import ACTION_LABELS

        # What each part's audit codes mean to a reader of the activity log.
        for name in ("cashbook_services", "work_services", "closing_services", "fund_services"):
            try:
                part = importlib.import_module(f"comunitas.economy.{name}")
            except ModuleNotFoundError:
                continue
            ACTION_LABELS.update(getattr(part, "AUDIT_LABELS", {}))
