from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "comunitas.decisions"
    label = "decisions"
    verbose_name = _("Decisions")

    def ready(self) -> None:
        from comunitas.core.audit import ACTION_LABELS
        from comunitas.decisions.assemblies import services as assembly_services
        from comunitas.decisions.budgets import services as budget_services
        from comunitas.decisions.consultations import services as consultation_services

        # What each part's audit codes mean to a reader of the activity log.
        for part in (assembly_services, consultation_services, budget_services):
            ACTION_LABELS.update(part.AUDIT_LABELS)
