from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What the economy app's audit codes mean to a reader of the activity log.
AUDIT_LABELS = {
    # cashbook
    "movement.create": _("cash book movement entered"),
    "movement.reverse": _("cash book movement reversed"),
    "movement.sale": _("sale posted to the cash book"),
    "economy.synthetic": _("synthetic economy of the demo written"),
    "counterparty.create": _("counterparty added"),
    "counterparty.update": _("counterparty changed"),
    "category.create": _("cash book category added"),
    "cashbook.import": _("cash book imported from a file"),
    # work
    "job.create": _("job recorded"),
    "job.update": _("job changed"),
    "job.end": _("job ended"),
    "volunteer.enter": _("volunteer hours entered"),
    "volunteer.declare": _("volunteer hours declared"),
    "volunteer.confirm": _("volunteer hours confirmed"),
    "volunteer.reject": _("volunteer hours not confirmed"),
    "volunteer_rate.create": _("value of a volunteer hour set"),
    "budget_lines.set": _("budget of a year set"),
    # closing
    "closing.prepare": _("annual closing prepared"),
    "closing.update": _("annual closing changed"),
    "closing.allocate": _("allocation of the result set"),
    "closing.cover": _("coverage of the loss recorded"),
    "closing.propose": _("annual closing proposed to the assembly"),
    "closing.withdraw": _("annual closing withdrawn to draft"),
    "closing.approve": _("annual closing approved by the assembly"),
    "ristorni.compute": _("ristorni computed"),
    "ristorni.pay": _("ristorni paid"),
    # fund
    "earmark.create": _("money of the reinvestment fund earmarked"),
    "earmark.release": _("earmark of the reinvestment fund released"),
}


# The keys of the closings' changes that are not a field: the allocation and the ristorni.
CHANGE_KEYS = {
    "amount": _("amount"),
    "basis": _("basis"),
    "coverage": _("coverage of the loss"),
    "lines": _("allocation"),
    "shares_percent": _("share of ristorni as shares (%)"),
}


class EconomyConfig(AppConfig):
    name = "comunitas.economy"
    label = "economy"
    verbose_name = _("Economy")

    def ready(self) -> None:
        from comunitas.commons.stats.sales import sale_listener_add
        from comunitas.core.audit import ACTION_LABELS, CHANGE_LABELS
        from comunitas.economy.cashbook.services import sale_recorded
        from comunitas.economy.work.selectors import employed_on
        from comunitas.members.offices.selectors import employment_lookup_add

        ACTION_LABELS.update(AUDIT_LABELS)
        CHANGE_LABELS.update(CHANGE_KEYS)
        # Every sale the commons record is posted to the cash book in the same transaction. The
        # commons cannot call the economy (a lower app never imports a higher one), so the
        # economy registers its listener here, the one place this wiring happens.
        sale_listener_add(sale_recorded)
        # Employees may not hold proxies (art. 2372 c.5 c.c., via art. 2519): the members' register
        # asks the economy, which alone knows the jobs, through the lookup added here.
        employment_lookup_add(employed_on)
