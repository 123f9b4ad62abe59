from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What the commons' audit codes mean to a reader of the activity log.
AUDIT_LABELS = {
    "resource.create": _("common resource registered"),
    "resource.update": _("common resource changed"),
    "use_right.add": _("legal basis for the use of a resource recorded"),
    "obligation.add": _("obligation on a resource added"),
    "obligation.done": _("obligation on a resource done"),
    "resource_log.add": _("work on a resource recorded"),
    "commons.synthetic": _("synthetic common resources generated"),
}


class CommonsConfig(AppConfig):
    name = "comunitas.commons"
    label = "commons"
    verbose_name = _("Common resources")

    def ready(self) -> None:
        from comunitas.core.audit import ACTION_LABELS

        ACTION_LABELS.update(AUDIT_LABELS)
