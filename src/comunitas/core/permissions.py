"""Who may do what in a cooperative: the one place every view and endpoint asks.

A cooperative that is not public, or an action its visitor may not see, is answered with 404
for people without a role (a stranger learns nothing, not even that it exists), 401/login for
anonymous visitors of a page that needs a role, 403 for people whose role is too low.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from comunitas.core.errors import LoginRequired
from comunitas.core.models import Cooperative, Role, RoleKind

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,60}")
ALL_ROLES = frozenset(RoleKind.values)
BOARD = frozenset({RoleKind.ADMIN})
OPERATORS = frozenset({RoleKind.ADMIN, RoleKind.STAFF})
MEMBERS = frozenset({RoleKind.ADMIN, RoleKind.STAFF, RoleKind.MEMBER})  # not residents


class Action(StrEnum):
    VIEW = "view"  # the public page: anyone when the cooperative is public
    VIEW_DASHBOARD = "view_dashboard"
    VIEW_STATUTE = "view_statute"
    EDIT_COOPERATIVE = "edit_cooperative"
    EDIT_STATUTE = "edit_statute"
    MANAGE_ROLES = "manage_roles"
    VIEW_AUDIT = "view_audit"
    # members
    APPLY_MEMBERSHIP = "apply_membership"  # the application form: public on a public coop
    VIEW_OWN_MEMBERSHIP = "view_own_membership"  # the member portal: one's own data only
    VIEW_MEMBERS = "view_members"  # the member book, applications, capital, eligibility
    MANAGE_MEMBERS = "manage_members"  # paper applications, data, subscriptions, payments
    DECIDE_MEMBERS = "decide_members"  # admissions, transfers, exits, share classes, imports
    # commons
    VIEW_COMMONS = "view_commons"  # the registry; visitors of a public coop see public resources
    MANAGE_COMMONS = "manage_commons"  # resources, legal bases, obligations, history, files, units
    BOOK = "book"  # book a unit; visitors of a public coop only units open to public booking
    MANAGE_BOOKINGS = "manage_bookings"  # everyone's bookings: approve, cancel, book for others
    BUY = "buy"  # buy tickets and items; visitors of a public coop only public services
    MANAGE_SERVICES = "manage_services"  # catalogue, events, orders, payments, check-in
    VIEW_SALES = "view_sales"  # sales and the use statistics of the commons
    # needs, proposals and projects
    VIEW_NEEDS = "view_needs"  # needs, proposals, projects and coverage: public on a public coop
    PARTICIPATE = "participate"  # submit and support needs, propose, support and comment
    MANAGE_NEEDS = "manage_needs"  # needs taken on paper, their status, merging duplicates
    DECIDE_PROPOSALS = "decide_proposals"  # accept (a project), ask for changes, decline
    MANAGE_PROJECTS = "manage_projects"  # projects, objectives, measures, milestones, updates
    # decisions
    VIEW_ASSEMBLIES = "view_assemblies"  # assemblies, their results and the minute book
    MANAGE_ASSEMBLIES = "manage_assemblies"  # drafts, agenda, attendance, proxies, motions, minutes
    CONVENE_ASSEMBLIES = "convene_assemblies"  # the board convenes, cancels, signs the minutes
    VOTE = "vote"  # ballots, consultations, budgets: the roll or the audience decides who may
    VIEW_CONSULTATIONS = "view_consultations"  # consultations and their results: public
    MANAGE_CONSULTATIONS = "manage_consultations"  # set up, open, close, state the outcome
    VIEW_BUDGETS = "view_budgets"  # participatory budgets, their projects and results: public
    MANAGE_BUDGETS = "manage_budgets"  # phases, feasibility and cost review, results

    # The money flow and the reinvestment fund are the cooperative's account to its community:
    # public, like its needs and projects. The rest of the economy is for members and operators.
    VIEW_MONEY_FLOW = "view_money_flow"  # approved closings, money-flow diagram, the fund
    VIEW_ECONOMY = "view_economy"  # aggregates: dashboard, one's own ristorno and hours
    VIEW_ACCOUNTS = "view_accounts"  # the cash book's rows, counterparties, jobs, everyone's hours
    MANAGE_ACCOUNTS = "manage_accounts"  # movements, imports, jobs, confirming hours, budgets
    CLOSE_ACCOUNTS = "close_accounts"  # the board: closings, allocation, ristorni, earmarks
    DECLARE_HOURS = "declare_hours"  # a volunteer declares their own hours


# Roles allowed each action. PUBLIC actions are open to everyone on a public cooperative.
PUBLIC = frozenset(
    {
        Action.VIEW,
        Action.APPLY_MEMBERSHIP,
        Action.VIEW_COMMONS,
        Action.BOOK,
        Action.BUY,
        Action.VIEW_NEEDS,
        Action.VIEW_CONSULTATIONS,
        Action.VIEW_BUDGETS,
        Action.VIEW_MONEY_FLOW,
    }
)
ALLOWED: dict[Action, frozenset[str]] = {
    Action.VIEW: ALL_ROLES,
    Action.VIEW_DASHBOARD: ALL_ROLES,
    Action.VIEW_STATUTE: ALL_ROLES,
    Action.EDIT_COOPERATIVE: BOARD,
    Action.EDIT_STATUTE: BOARD,
    Action.MANAGE_ROLES: BOARD,
    Action.VIEW_AUDIT: BOARD,
    Action.APPLY_MEMBERSHIP: ALL_ROLES,
    Action.VIEW_OWN_MEMBERSHIP: ALL_ROLES,
    Action.VIEW_MEMBERS: OPERATORS,
    Action.MANAGE_MEMBERS: OPERATORS,
    Action.DECIDE_MEMBERS: BOARD,
    Action.VIEW_COMMONS: ALL_ROLES,
    Action.MANAGE_COMMONS: OPERATORS,
    Action.BOOK: ALL_ROLES,
    Action.MANAGE_BOOKINGS: OPERATORS,
    Action.BUY: ALL_ROLES,
    Action.MANAGE_SERVICES: OPERATORS,
    Action.VIEW_SALES: OPERATORS,
    Action.VIEW_NEEDS: ALL_ROLES,
    Action.PARTICIPATE: ALL_ROLES,
    Action.MANAGE_NEEDS: OPERATORS,
    Action.DECIDE_PROPOSALS: BOARD,
    Action.MANAGE_PROJECTS: OPERATORS,
    Action.VIEW_ASSEMBLIES: MEMBERS,
    Action.MANAGE_ASSEMBLIES: OPERATORS,
    Action.CONVENE_ASSEMBLIES: BOARD,
    Action.VOTE: ALL_ROLES,
    Action.VIEW_CONSULTATIONS: ALL_ROLES,
    Action.MANAGE_CONSULTATIONS: OPERATORS,
    Action.VIEW_BUDGETS: ALL_ROLES,
    Action.MANAGE_BUDGETS: OPERATORS,
    Action.VIEW_MONEY_FLOW: ALL_ROLES,
    Action.VIEW_ECONOMY: MEMBERS,
    Action.VIEW_ACCOUNTS: OPERATORS,
    Action.MANAGE_ACCOUNTS: OPERATORS,
    Action.CLOSE_ACCOUNTS: BOARD,
    Action.DECLARE_HOURS: ALL_ROLES,
}


def roles_of(user) -> dict[int, str]:
    """{coop id: role} for a user, read once per request and kept on the user object."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_comunitas_roles", None)
    if cached is None:
        cached = dict(Role.objects.filter(user=user).values_list("coop_id", "kind"))
        user._comunitas_roles = cached
    return cached


def role_in(user, coop: Cooperative) -> str | None:
    return roles_of(user).get(coop.pk)


def can(user, coop: Cooperative, action: Action) -> bool:
    return role_allows(role_in(user, coop), is_public=coop.is_public, action=action)


def role_allows(role: str | None, *, is_public: bool, action: Action) -> bool:
    """The rule itself, for a role already read (core.versions.coop_access reads it together
    with the cached data's version)."""
    return role in ALLOWED[action] or (action in PUBLIC and is_public)


def authorize(user, coop: Cooperative, action: Action) -> str | None:
    """Return the user's role in ``coop`` or raise the right refusal for ``action``."""
    if can(user, coop, action):
        return role_in(user, coop)
    role = role_in(user, coop)
    if role is None and not coop.is_public:
        raise Http404  # a private cooperative does not exist for outsiders
    if not user.is_authenticated:
        raise LoginRequired
    raise PermissionDenied


def visible_coops(user) -> QuerySet[Cooperative]:
    """Cooperatives whose public page the user may open."""
    mine = list(roles_of(user))
    return Cooperative.objects.filter(Q(is_public=True) | Q(pk__in=mine))


def check_slug(slug: str) -> None:
    """An address that cannot be a cooperative's is answered before any lookup."""
    if not SLUG.fullmatch(slug):
        raise Http404


def coop_for(user, slug: str, action: Action) -> Cooperative:
    check_slug(slug)
    coop = get_object_or_404(Cooperative.objects.select_related("seat"), slug=slug)
    authorize(user, coop, action)
    return coop


def coop_view(action: Action):
    """Decorate a view ``view(request, coop, ...)`` reached by ``/c/<slug>/...``."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, slug: str, *args, **kwargs):
            try:
                coop = coop_for(request.user, slug, action)
            except LoginRequired:
                return redirect_to_login(request.get_full_path())
            request.coop = coop
            request.coop_role = role_in(request.user, coop)
            return view(request, coop, *args, **kwargs)

        wrapper.comunitas_action = action  # lets the permission test find every view
        return wrapper

    return decorator
