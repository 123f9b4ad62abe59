"""The sections of a cooperative's dashboard, in the order of the loop.

Each later app appends its section (needs, decisions, projects, commons, economy, impact,
members): a template, the action a role needs to see it, and a function that reads its data
through the app's selectors. The dashboard shows the sections the visitor's role allows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from comunitas.commons.resources import selectors as commons_selectors
from comunitas.commons.stats import views as stats_views
from comunitas.core.coops import selectors as coops_selectors
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action
from comunitas.decisions.assemblies import selectors as assembly_selectors
from comunitas.decisions.consultations import selectors as consultation_selectors
from comunitas.economy.closing import selectors as closing_selectors
from comunitas.economy.fund import selectors as fund_selectors
from comunitas.members.book import selectors as book_selectors
from comunitas.projects.models import ANSWERED_NEED, OPEN_NEED, NeedStatus
from comunitas.projects.needs import selectors as needs_selectors
from comunitas.projects.proposals import selectors as proposals_selectors


@dataclass(frozen=True)
class DashboardSection:
    template: str
    action: Action
    data: Callable[[Cooperative], dict[str, Any]]


# The joins-and-exits chart: at most this many years, the latest.
CHART_YEARS = 15
CHART = {"left": 32, "top": 16, "plot": 140, "bottom": 24, "group": 44, "bar": 16}


def year_chart(per_year: list[dict[str, int]]) -> dict[str, Any]:
    """Bars of members joining and leaving per year, as SVG coordinates (no JavaScript, so the
    PDF and the page show the same chart); the template adds a table as its text alternative."""
    years = per_year[-CHART_YEARS:]
    c = CHART
    highest = max([1, *(y["joined"] for y in years), *(y["left"] for y in years)])
    scale = c["plot"] / highest
    base = c["top"] + c["plot"]
    groups = []
    for i, row in enumerate(years):
        x = c["left"] + i * c["group"] + 4
        bars = []
        for j, key in enumerate(("joined", "left")):
            height = round(row[key] * scale, 1)
            bars.append(
                {
                    "key": key,
                    "value": row[key],
                    "x": x + j * c["bar"],
                    "y": round(base - height, 1),
                    "height": height,
                }
            )
        groups.append({"year": row["year"], "bars": bars, "label_x": x + c["bar"]})
    return {
        "width": c["left"] + max(len(years), 1) * c["group"] + 8,
        "height": base + c["bottom"],
        "base": base,
        "top": c["top"],
        "left": c["left"],
        "bar": c["bar"],
        "highest": highest,
        "groups": groups,
        "years": years,
        "truncated": len(per_year) > len(years),
    }


def members_block(coop: Cooperative) -> dict[str, Any]:
    stats = book_selectors.book_stats(coop=coop)
    return {"stats": stats, "chart": year_chart(stats.per_year)}


# Deadlines of the commons shown this many days ahead.
REMINDER_DAYS = 90


def commons_block(coop: Cooperative) -> dict[str, Any]:
    """Obligations overdue or due soon and legal bases about to end (two queries)."""
    today = timezone.localdate()
    return {
        "today": today,
        "days": REMINDER_DAYS,
        "obligations": list(
            commons_selectors.obligations_due(coop=coop, within_days=REMINDER_DAYS, today=today)[
                :20
            ]
        ),
        "rights": list(
            commons_selectors.use_rights_expiring(
                coop=coop, within_days=REMINDER_DAYS, today=today
            )[:20]
        ),
    }


# Proposals awaiting the board and open needs shown on the dashboard, at most.
DASHBOARD_ROWS = 8


def needs_board_block(coop: Cooperative) -> dict[str, Any]:
    """For the board and staff: the proposals awaiting the board's decision, the needs by
    status and the share of them a project answers (three queries)."""
    by_status = needs_selectors.need_status_counts(coop=coop)
    in_play = needs_selectors.CategoryCoverage(
        "",
        "",
        needs=sum(n for s, n in by_status.items() if s != NeedStatus.MERGED),
        answered=sum(by_status.get(s, 0) for s in ANSWERED_NEED),
        declined=by_status.get(NeedStatus.DECLINED, 0),
    )
    awaiting = list(proposals_selectors.proposals_for_board(coop=coop)[: DASHBOARD_ROWS + 1])
    return {
        "awaiting": awaiting[:DASHBOARD_ROWS],
        "more_awaiting": len(awaiting) > DASHBOARD_ROWS,
        "statuses": [
            (value, label, by_status.get(value, 0)) for value, label in NeedStatus.choices
        ],
        "coverage": in_play.percent,
        "open": sum(by_status.get(s, 0) for s in OPEN_NEED),
    }


def economy_block(coop: Cooperative) -> dict[str, Any]:
    """The last approved closing with its allocation, the fund, and the mutual prevalence of
    the closing's year (arts. 2512-2513 c.c.)."""
    data = fund_selectors.dashboard_economy(coop=coop)
    if data["closing"] is not None:
        data["prevalence"] = closing_selectors.prevalence_of(coop=coop, year=data["closing"].year)
    return data


def needs_block(coop: Cooperative) -> dict[str, Any]:
    """For everyone with a role: the most supported needs still waiting for an answer."""
    found = needs_selectors.need_list(coop=coop).filter(status__in=OPEN_NEED)
    return {"needs": list(found[:DASHBOARD_ROWS])}


DASHBOARD: list[DashboardSection] = [
    DashboardSection(
        "core/dashboard/territory.html",
        Action.VIEW_DASHBOARD,
        lambda coop: {
            "territory": coops_selectors.territory_summary(coop=coop),
            "role_counts": coops_selectors.role_counts(coop=coop),
        },
    ),
    DashboardSection(
        "core/dashboard/statute.html",
        Action.VIEW_STATUTE,
        lambda coop: {"statute": coops_selectors.statute_on(coop=coop)},
    ),
    # The loop's sections (needs … impact) go here, before the members.
    DashboardSection("projects/dashboard/needs_board.html", Action.MANAGE_NEEDS, needs_board_block),
    DashboardSection("projects/dashboard/needs.html", Action.VIEW_DASHBOARD, needs_block),
    DashboardSection(
        "decisions/dashboard/consultations.html",
        Action.VIEW_DASHBOARD,
        lambda coop: consultation_selectors.dashboard_consultations(coop=coop),
    ),
    DashboardSection(
        "decisions/dashboard/assemblies.html",
        Action.VIEW_ASSEMBLIES,
        lambda coop: assembly_selectors.dashboard_assemblies(coop=coop),
    ),
    DashboardSection("commons/dashboard/reminders.html", Action.MANAGE_COMMONS, commons_block),
    DashboardSection("commons/dashboard/use.html", Action.VIEW_SALES, stats_views.dashboard_block),
    DashboardSection("economy/dashboard/economy.html", Action.VIEW_MONEY_FLOW, economy_block),
    DashboardSection("members/dashboard/book.html", Action.VIEW_MEMBERS, members_block),
    DashboardSection(
        "core/dashboard/recent.html",
        Action.VIEW_AUDIT,
        lambda coop: {"recent": list(coops_selectors.audit_list(coop=coop)[:8])},
    ),
]
