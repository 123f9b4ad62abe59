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
    "commons.synthetic_use": _("synthetic bookings, services and sales generated"),
    "resource_file.add": _("photo or document of a resource added"),
    "resource_file.update": _("photo or document of a resource changed"),
    "resource_file.delete": _("photo or document of a resource removed"),
    "unit.create": _("bookable unit added"),
    "unit.update": _("bookable unit changed"),
    "unit.hours": _("opening hours of a unit set"),
    "unit.closed_day_add": _("unit closed on a day"),
    "unit.closed_day_remove": _("closed day of a unit removed"),
    "unit.prices": _("prices of a unit set"),
    "booking.create": _("booking made"),
    "booking_series.create": _("weekly recurring booking made"),
    "booking.approve": _("booking approved"),
    "booking.reject": _("booking refused"),
    "booking.cancel": _("booking cancelled"),
    "booking.pay": _("booking paid"),
    "service.create": _("service added to the catalogue"),
    "service.update": _("service changed"),
    "service.prices": _("prices of a service changed"),
    "event.create": _("event scheduled"),
    "event.update": _("event changed"),
    "event.cancel": _("event cancelled"),
    "order.place": _("order placed"),
    "order.pay": _("order paid"),
    "order.cancel": _("order cancelled"),
    "ticket.check_in": _("ticket checked in"),
}


# The keys of a resource's changes that name a related record's field.
CHANGE_KEYS = {
    "log.on_date": _("log entry: date"),
    "log.text": _("log entry: text"),
    "use_right.kind": _("right of use: kind"),
    "use_right.granted_by": _("right of use: granted by"),
    "use_right.reference": _("right of use: reference"),
    "use_right.start_on": _("right of use: start"),
    "use_right.end_on": _("right of use: end"),
    "use_right.annual_fee": _("right of use: annual fee"),
}


class CommonsConfig(AppConfig):
    name = "comunitas.commons"
    label = "commons"
    verbose_name = _("Common resources")

    def ready(self) -> None:
        from comunitas.core.audit import ACTION_LABELS, CHANGE_LABELS

        ACTION_LABELS.update(AUDIT_LABELS)
        CHANGE_LABELS.update(CHANGE_KEYS)
