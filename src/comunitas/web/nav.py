"""The navigation of a cooperative, in the order of the loop it runs.

Later apps insert their entries in this order: Bisogni (needs) → Decisioni → Progetti →
Beni comuni → Economia → Impatto, plus Soci (members); each entry shows only to roles whose
permission (``core.permissions``) allows its action.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from comunitas.core.permissions import Action


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    action: Action
    visitors_only: bool = False  # shown only to people without a role in the cooperative


COOP_NAV: list[NavItem] = [
    NavItem(_("Overview"), "core:coop_public", Action.VIEW),
    NavItem(_("Dashboard"), "core:coop_dashboard", Action.VIEW_DASHBOARD),
    NavItem(_("Statute"), "core:coop_statute", Action.VIEW_STATUTE),
    # The loop's entries (needs, decisions, …, impact) go here, before the members.
    NavItem(_("Needs"), "projects:need_list", Action.VIEW_NEEDS),
    NavItem(_("Proposals"), "projects:proposal_list", Action.VIEW_NEEDS),
    NavItem(_("Assemblies"), "decisions:assembly_list", Action.VIEW_ASSEMBLIES),
    NavItem(_("Consultations"), "decisions:consultation_list", Action.VIEW_CONSULTATIONS),
    NavItem(_("Participatory budgets"), "decisions:budget_list", Action.VIEW_BUDGETS),
    NavItem(_("Projects"), "projects:project_list", Action.VIEW_NEEDS),
    NavItem(_("Common resources"), "commons:list", Action.VIEW_COMMONS),
    NavItem(_("Bookings"), "commons:booking_home", Action.BOOK),
    NavItem(_("Events and services"), "commons:ticketing_home", Action.BUY),
    NavItem(_("Use and sales"), "commons:stats", Action.VIEW_SALES),
    NavItem(_("Economy"), "economy:home", Action.VIEW_ECONOMY),
    NavItem(_("Where the money goes"), "economy:flow", Action.VIEW_MONEY_FLOW),
    NavItem(_("My volunteer hours"), "economy:volunteer_mine", Action.DECLARE_HOURS),
    NavItem(_("Members"), "members:member_list", Action.VIEW_MEMBERS),
    NavItem(_("Your membership"), "members:member_portal", Action.VIEW_OWN_MEMBERSHIP),
    NavItem(
        _("Become a member"), "members:member_join", Action.APPLY_MEMBERSHIP, visitors_only=True
    ),
    NavItem(_("Roles"), "core:coop_roles", Action.MANAGE_ROLES),
    NavItem(_("Activity log"), "core:coop_audit", Action.VIEW_AUDIT),
    NavItem(_("Settings"), "core:coop_edit", Action.EDIT_COOPERATIVE),
]
