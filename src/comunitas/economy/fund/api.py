"""API of the economy's dashboard and exports, the reinvestment fund and the money flow.

Same rules as the pages (fund.views): the fund and an approved year's flow are public, a year
not approved is for operators; the dashboard's aggregates and their export for members; the
year's movements for operators; earmarks are decided by the board. Objects are fetched within
the cooperative (another's id answers 404, in a body 422). Parsing here, rules in
``fund.services``, files in ``fund.exports``."""

from __future__ import annotations

from typing import Annotated, Literal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Status
from ninja.pagination import paginate

from comunitas.core.endpoints import PUBLIC, Pagination, answers
from comunitas.core.lookups import or_404
from comunitas.core.permissions import Action, can, coop_for
from comunitas.decisions.models.budgets import ParticipatoryBudget
from comunitas.economy.cashbook.selectors import owned
from comunitas.economy.fund import dashboard, exports, sankey, selectors, services
from comunitas.economy.fund.schemas import (
    EconomyDashboardOut,
    FundBalanceOut,
    FundEarmarkDetailOut,
    FundEarmarkIn,
    FundEarmarkOut,
    FundFlowOut,
    FundFromBudgetIn,
)
from comunitas.economy.fund.selectors import MAX_YEAR, MIN_YEAR
from comunitas.economy.models import ClosingStatus, Earmark
from comunitas.projects.models import Need, Project

router = Router(tags=["economy"])
BASE = "/coops/{slug}/economy"
FUND = f"{BASE}/fund"
EARMARKS = f"{FUND}/earmarks"
EARMARK = f"{EARMARKS}/{{int:fund_earmark_id}}"
Year = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]
BINARY = {"schema": {"type": "string", "format": "binary"}}
FILE_ANSWER = {
    "responses": {
        200: {
            "description": "CSV or XLSX",
            "content": {
                "text/csv": BINARY,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": BINARY,
            },
        }
    }
}
MOVEMENTS_SHOWN = 500


def _budget(coop, pk: int | None) -> ParticipatoryBudget | None:
    return owned(
        ParticipatoryBudget,
        coop=coop,
        pk=pk,
        field="budget_id",
        message=_("Choose a participatory budget of this cooperative."),
    )


def earmark_out(earmark: Earmark) -> dict:
    row = selectors.earmark_row(earmark)
    return {
        **{
            name: getattr(earmark, name)
            for name in (
                "id",
                "on_date",
                "amount",
                "source",
                "decision_reference",
                "budget_id",
                "project_id",
                "need_id",
                "purpose",
                "released",
                "synthetic",
            )
        },
        "project_title": earmark.project.title if earmark.project_id else None,
        "need_title": earmark.need.title if earmark.need_id else None,
        "spent": row.spent,
        "committed": row.committed,
        "remaining": row.remaining,
    }


def _earmark(coop, pk: int) -> Earmark:
    return or_404(selectors.earmark_get, coop=coop, pk=pk)


# --- the dashboard and the exports ----------------------------------------------------------------
@router.get(f"{BASE}/dashboard", response=answers(200, EconomyDashboardOut))
def economy_dashboard(request, slug: str, year: Year | None = None):
    """Revenue by common resource and by service, costs by category and the totals of a year
    (the latest with movements by default), and every year's result."""
    coop = coop_for(request.auth, slug, Action.VIEW_ECONOMY)
    board = dashboard.dashboard(coop=coop, year=year)
    return {
        "year": board.year,
        "revenue": board.revenue,
        "costs": board.costs,
        "result": board.result,
        "movements": board.movements,
        "by_resource": board.by_resource,
        "by_service": board.by_service,
        "by_category": board.by_category,
        "years": [
            {"year": y.year, "revenue": y.revenue, "costs": y.costs, "result": y.result}
            for y in board.years
        ],
    }


def _format(fmt: str) -> str:
    return fmt if fmt in exports.FORMATS else "csv"


@router.get(f"{BASE}/export/aggregates", response=answers(200, None), openapi_extra=FILE_ANSWER)
def economy_export_aggregates(
    request,
    slug: str,
    year: Year | None = None,
    fmt: Literal["csv", "xlsx"] = Query("csv", alias="format"),
):
    """The year's aggregates (this year by default) as CSV or XLSX."""
    coop = coop_for(request.auth, slug, Action.VIEW_ECONOMY)
    return exports.aggregates_file(coop, year or exports.this_year(), _format(fmt))


@router.get(f"{BASE}/export/movements", response=answers(200, None), openapi_extra=FILE_ANSWER)
def economy_export_movements(
    request,
    slug: str,
    year: Year | None = None,
    fmt: Literal["csv", "xlsx"] = Query("csv", alias="format"),
):
    """The year's movements (this year by default) as CSV or XLSX: staff and the board."""
    coop = coop_for(request.auth, slug, Action.VIEW_ACCOUNTS)
    return exports.movements_file(coop, year or exports.this_year(), _format(fmt))


# --- the fund -------------------------------------------------------------------------------------
@router.get(FUND, response=answers(200, FundBalanceOut), openapi_extra=PUBLIC)
def fund_balance(request, slug: str):
    """What came in (by year), what is earmarked, spent and available."""
    balance = selectors.fund_balance(coop=coop_for(request.auth, slug, Action.VIEW_MONEY_FLOW))
    return {
        "inflows": balance.inflows,
        "committed": balance.committed,
        "spent": balance.spent,
        "available": balance.available,
        "inflows_by_year": [{"year": y, "amount": a} for y, a in balance.inflows_by_year],
    }


@router.get(EARMARKS, response=answers(200, list[FundEarmarkOut]), openapi_extra=PUBLIC)
@paginate(Pagination)
def fund_earmark_list(request, slug: str):
    """The earmarks, newest first, with what was spent against each."""
    coop = coop_for(request.auth, slug, Action.VIEW_MONEY_FLOW)
    return [earmark_out(e) for e in selectors.earmark_list(coop=coop)]


@router.post(EARMARKS, response=answers(201, FundEarmarkOut))
def fund_earmark_create(request, slug: str, payload: FundEarmarkIn):
    """Earmark money of the fund for a project or a need (the board)."""
    coop = coop_for(request.auth, slug, Action.CLOSE_ACCOUNTS)
    values = payload.dict()
    earmark = services.earmark_create(
        actor=request.auth,
        coop=coop,
        amount=values["amount"],
        purpose=values["purpose"],
        on_date=values["on_date"],
        source=payload.source.value if hasattr(payload.source, "value") else payload.source,
        decision_reference=values["decision_reference"],
        project=owned(
            Project,
            coop=coop,
            pk=payload.project_id,
            field="project_id",
            message=_("Choose a project of this cooperative."),
        ),
        need=owned(
            Need,
            coop=coop,
            pk=payload.need_id,
            field="need_id",
            message=_("Choose a need of this cooperative."),
        ),
        budget=_budget(coop, payload.budget_id),
    )
    return Status(201, earmark_out(_earmark(coop, earmark.pk)))


@router.post(f"{FUND}/from-budget", response=answers(201, list[FundEarmarkOut]))
def fund_from_budget(request, slug: str, payload: FundFromBudgetIn):
    """One earmark per project a counted participatory budget funded (the board); the earmarks
    made now (none when they were made before)."""
    coop = coop_for(request.auth, slug, Action.CLOSE_ACCOUNTS)
    budget = _budget(coop, payload.budget_id)
    made = services.earmarks_from_budget(actor=request.auth, budget=budget)
    return Status(201, [earmark_out(_earmark(coop, e.pk)) for e in made])


@router.get(EARMARK, response=answers(200, FundEarmarkDetailOut), openapi_extra=PUBLIC)
def fund_earmark_get(request, slug: str, fund_earmark_id: int):
    """An earmark and its payments; who was paid only for staff and the board."""
    coop = coop_for(request.auth, slug, Action.VIEW_MONEY_FLOW)
    earmark = _earmark(coop, fund_earmark_id)
    names = can(request.auth, coop, Action.VIEW_ACCOUNTS)
    movements = selectors.earmark_movements(earmark=earmark)[:MOVEMENTS_SHOWN]
    return {
        **earmark_out(earmark),
        "movements": [
            {
                "id": m.pk,
                "on_date": m.on_date,
                "amount": m.amount,
                "category": m.category.name,
                "counterparty": (m.counterparty.name if m.counterparty_id else None)
                if names
                else None,
            }
            for m in movements
        ],
    }


@router.post(f"{EARMARK}/release", response=answers(200, FundEarmarkOut))
def fund_earmark_release(request, slug: str, fund_earmark_id: int):
    """Release an earmark: what was not spent returns to the fund (the board)."""
    coop = coop_for(request.auth, slug, Action.CLOSE_ACCOUNTS)
    earmark = services.earmark_release(actor=request.auth, earmark=_earmark(coop, fund_earmark_id))
    return earmark_out(_earmark(coop, earmark.pk))


# --- the money flow -------------------------------------------------------------------------------
@router.get(
    f"{BASE}/flow/{{int:fund_flow_year}}", response=answers(200, FundFlowOut), openapi_extra=PUBLIC
)
def fund_flow(request, slug: str, fund_flow_year: int):
    """The year's money flow as nodes and links (exact euros): public once the year's closing
    is approved, for staff and the board before."""
    if not MIN_YEAR <= fund_flow_year <= MAX_YEAR:
        raise Http404
    coop = coop_for(request.auth, slug, Action.VIEW_MONEY_FLOW)
    closing = selectors.flow_closing(coop=coop, year=fund_flow_year)
    if closing is None or closing.status != ClosingStatus.APPROVED:
        coop_for(request.auth, slug, Action.VIEW_ACCOUNTS)
    return sankey.money_flow(coop=coop, year=fund_flow_year, closing=closing).as_json()
