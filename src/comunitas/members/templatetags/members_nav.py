"""The member book's own navigation: each page of the book, shown to the roles that may open it."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from comunitas.core.permissions import Action, can

register = template.Library()

BOOK_NAV = [
    (_("Member book"), "members:member_list", Action.VIEW_MEMBERS),
    (_("Applications"), "members:application_list", Action.VIEW_MEMBERS),
    (_("Register on a date"), "members:register", Action.VIEW_MEMBERS),
    (_("Who may vote"), "members:member_eligibility", Action.VIEW_MEMBERS),
    (_("Share capital"), "members:shares_capital", Action.VIEW_MEMBERS),
    (_("Transfers"), "members:shares_transfers", Action.VIEW_MEMBERS),
    (_("Reimbursements"), "members:shares_redemptions", Action.VIEW_MEMBERS),
    (_("Offices"), "members:office_list", Action.VIEW_MEMBERS),
    (_("Import"), "members:import", Action.DECIDE_MEMBERS),
    (_("Categories and share classes"), "members:shares_settings", Action.DECIDE_MEMBERS),
]


@register.inclusion_tag("members/_book_nav.html", takes_context=True)
def book_nav(context, coop):
    request = context["request"]
    items = []
    for label, name, action in BOOK_NAV:
        if can(request.user, coop, action):
            url = reverse(name, args=[coop.slug])
            items.append({"label": label, "url": url, "current": request.path == url})
    return {"items": items}
