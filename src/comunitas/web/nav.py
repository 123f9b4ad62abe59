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
    NavItem(_("Overview"), "coop_public", Action.VIEW),
    NavItem(_("Dashboard"), "coop_dashboard", Action.VIEW_DASHBOARD),
    NavItem(_("Statute"), "coop_statute", Action.VIEW_STATUTE),
    # The loop's entries (needs, decisions, …, impact) go here, before the members.
    NavItem(_("Needs"), "need_list", Action.VIEW_NEEDS),
    NavItem(_("Proposals"), "proposal_list", Action.VIEW_NEEDS),
    NavItem(_("Assemblies"), "assembly_list", Action.VIEW_ASSEMBLIES),
    NavItem(_("Consultations"), "consultation_list", Action.VIEW_CONSULTATIONS),
    NavItem(_("Participatory budgets"), "budget_list", Action.VIEW_BUDGETS),
    NavItem(_("Projects"), "project_list", Action.VIEW_NEEDS),
    NavItem(_("Common resources"), "commons_list", Action.VIEW_COMMONS),
    NavItem(_("Bookings"), "booking_home", Action.BOOK),
    NavItem(_("Events and services"), "ticketing_home", Action.BUY),
    NavItem(_("Use and sales"), "commons_stats", Action.VIEW_SALES),
    NavItem(_("Economy"), "economy_home", Action.VIEW_ECONOMY),
    NavItem(_("Where the money goes"), "economy_flow", Action.VIEW_MONEY_FLOW),
    NavItem(_("My volunteer hours"), "economy_volunteer_mine", Action.DECLARE_HOURS),
    NavItem(_("Members"), "member_list", Action.VIEW_MEMBERS),
    NavItem(_("Your membership"), "member_portal", Action.VIEW_OWN_MEMBERSHIP),
    NavItem(_("Become a member"), "member_join", Action.APPLY_MEMBERSHIP, visitors_only=True),
    NavItem(_("Roles"), "coop_roles", Action.MANAGE_ROLES),
    NavItem(_("Activity log"), "coop_audit", Action.VIEW_AUDIT),
    NavItem(_("Settings"), "coop_edit", Action.EDIT_COOPERATIVE),
]
