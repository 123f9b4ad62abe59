"""Pages of the economy's dashboard and exports, the reinvestment fund and the money flow.

Thin views over ``fund.dashboard``, ``fund.selectors``, ``fund.services``, ``fund.sankey``
and ``fund.exports``; every page declares its action and is in the permission matrix
(tests/economy/fund/matrix.py). The fund and the money flow of a year with an approved closing
are public; a year not approved yet is shown, marked as draft figures, only to operators. Who
was paid from an earmark is shown to operators only: the amounts and dates are public."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comunitas.core.errors import LoginRequired
from comunitas.core.lookups import or_404
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, authorize, can, coop_view
from comunitas.core.submission import act_and_flash, submit, submit_and_flash
from comunitas.economy.closing import selectors as closing_selectors
from comunitas.economy.fund import dashboard, exports, sankey, selectors, services
from comunitas.economy.fund.forms import EarmarkForm, FromBudgetForm
from comunitas.economy.fund.selectors import MAX_YEAR, MIN_YEAR
from comunitas.economy.models import Closing, ClosingStatus
from comunitas.economy.work import figures as work_figures

PAGE_SIZE = 50


def parse_year(value: str | None) -> int | None:
    """A year from the query string; anything else is no year (the latest is shown)."""
    if value and value.isdigit() and len(value) == 4 and MIN_YEAR <= int(value) <= MAX_YEAR:
        return int(value)
    return None


# --- the dashboard and its exports ----------------------------------------------------------------
@coop_view(Action.VIEW_ECONOMY)
def economy_home(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """KPI cards and charts of a year, the results of every year, links to the other pages."""
    board = dashboard.dashboard(coop=coop, year=parse_year(request.GET.get("year")))
    year = board.year or exports.this_year()
    can_accounts = can(request.user, coop, Action.VIEW_ACCOUNTS)
    context = {
        "coop": coop,
        "board": board,
        "jobs": work_figures.jobs_summary(coop=coop, year=year),
        "hours": work_figures.volunteer_summary(coop=coop, year=year),
        "charts": dashboard.dashboard_charts(board),
        "can_accounts": can_accounts,
        "prevalence": _prevalence(coop, board.year, can_accounts),
    }
    return render(request, "economy/fund/dashboard.html", context)


def _prevalence(coop: Cooperative, year: int | None, operators: bool):
    """The mutual prevalence of the year shown: once its closing is approved for everyone who
    sees the page, before only for the operators (as the money flow)."""
    if year is None:
        return None
    approved = Closing.objects.filter(coop=coop, year=year, status=ClosingStatus.APPROVED)
    if not operators and not approved.exists():
        return None
    return closing_selectors.prevalence_of(coop=coop, year=year)


def _export_year(request: HttpRequest) -> int:
    return parse_year(request.GET.get("year")) or exports.this_year()


@coop_view(Action.VIEW_ECONOMY)
def export_aggregates_csv(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    return exports.aggregates_file(coop, _export_year(request), "csv")


@coop_view(Action.VIEW_ECONOMY)
def export_aggregates_xlsx(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    return exports.aggregates_file(coop, _export_year(request), "xlsx")


@coop_view(Action.VIEW_ACCOUNTS)
def export_movements_csv(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    return exports.movements_file(coop, _export_year(request), "csv")


@coop_view(Action.VIEW_ACCOUNTS)
def export_movements_xlsx(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    return exports.movements_file(coop, _export_year(request), "xlsx")


# --- the fund ---------------------------------------------------------------------------------
@coop_view(Action.VIEW_MONEY_FLOW)
def fund(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """Inflows by year, every earmark with its spending, what is available (two queries)."""
    context = {
        "coop": coop,
        "balance": selectors.fund_balance(coop=coop),
        "can_close": can(request.user, coop, Action.CLOSE_ACCOUNTS),
    }
    return render(request, "economy/fund/home.html", context)


@coop_view(Action.CLOSE_ACCOUNTS)
def earmark_create(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    form = EarmarkForm(request.POST or None, coop=coop)
    earmark = submit(
        request,
        form,
        lambda: services.earmark_create(actor=request.user, coop=coop, **form.cleaned_data),
    )
    if earmark:
        return redirect("economy:fund_earmark", coop.slug, earmark.pk)
    context = {
        "coop": coop,
        "form": form,
        "budget_form": FromBudgetForm(coop=coop),
        "available": selectors.fund_available(coop=coop),
    }
    return render(request, "economy/fund/earmark_form.html", context)


@require_POST
@coop_view(Action.CLOSE_ACCOUNTS)
def earmarks_from_budget(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    form = FromBudgetForm(request.POST, coop=coop)
    submit_and_flash(
        request,
        form,
        lambda: (
            services.earmarks_from_budget(actor=request.user, budget=form.cleaned_data["budget"])
            or True
        ),
        done=_("The funded projects of the budget are earmarked."),
        failed=_("Nothing was earmarked."),
    )
    return redirect("economy:fund", coop.slug)


@coop_view(Action.VIEW_MONEY_FLOW)
def earmark_detail(request: HttpRequest, coop: Cooperative, fund_earmark_id: int) -> HttpResponse:
    """An earmark and its spending: amounts and dates for everyone, who was paid for operators
    (two queries for the movements: the page and its count)."""
    earmark = or_404(selectors.earmark_get, coop=coop, pk=fund_earmark_id)
    page = Paginator(selectors.earmark_movements(earmark=earmark), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "coop": coop,
        "row": selectors.earmark_row(earmark),
        "earmark": earmark,
        "page_obj": page,
        "show_names": can(request.user, coop, Action.VIEW_ACCOUNTS),
        "can_close": can(request.user, coop, Action.CLOSE_ACCOUNTS),
    }
    return render(request, "economy/fund/earmark.html", context)


@require_POST
@coop_view(Action.CLOSE_ACCOUNTS)
def earmark_release(request: HttpRequest, coop: Cooperative, fund_earmark_id: int) -> HttpResponse:
    earmark = or_404(selectors.earmark_get, coop=coop, pk=fund_earmark_id)
    act_and_flash(
        request,
        lambda: services.earmark_release(actor=request.user, earmark=earmark),
        done=_("The earmark is released: what was not spent is back in the fund."),
    )
    return redirect("economy:fund_earmark", coop.slug, earmark.pk)


# --- the money flow -------------------------------------------------------------------------------
def flow_years(coop: Cooperative, *, drafts: bool) -> list[int]:
    """The years a visitor may open: those with an approved closing, and for operators every
    year with a closing or movements."""
    approved = Closing.objects.filter(coop=coop)
    if not drafts:
        approved = approved.filter(status=ClosingStatus.APPROVED)
    years = set(approved.values_list("year", flat=True))
    if drafts:
        years |= {y.year for y in dashboard.yearly_results(coop=coop)}
    return sorted(years, reverse=True)


def flow_for(request: HttpRequest, coop: Cooperative, year: int) -> sankey.MoneyFlow:
    """The year's flow, if the visitor may see it: an approved year for everyone, any other
    only for operators (the refusal is the one ``authorize`` gives)."""
    closing = selectors.flow_closing(coop=coop, year=year)
    if closing is None or closing.status != ClosingStatus.APPROVED:
        authorize(request.user, coop, Action.VIEW_ACCOUNTS)
    return sankey.money_flow(coop=coop, year=year, closing=closing)


def _flow_context(request: HttpRequest, coop: Cooperative, flow: sankey.MoneyFlow) -> dict:
    drafts = can(request.user, coop, Action.VIEW_ACCOUNTS)
    return {"coop": coop, **exports.flow_context(flow), "years": flow_years(coop, drafts=drafts)}


def _guarded(view):
    """Turn the refusal of a draft year into the login page for anonymous visitors."""

    def wrapper(request, coop, *args, **kwargs):
        try:
            return view(request, coop, *args, **kwargs)
        except LoginRequired:
            return redirect_to_login(request.get_full_path())

    return wrapper


@coop_view(Action.VIEW_MONEY_FLOW)
def flow_latest(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """The latest year the visitor may see, or a page saying there is none yet."""
    years = flow_years(coop, drafts=can(request.user, coop, Action.VIEW_ACCOUNTS))
    if not years:
        return render(request, "economy/fund/flow.html", {"coop": coop, "flow": None})
    flow = flow_for(request, coop, years[0])
    return render(request, "economy/fund/flow.html", _flow_context(request, coop, flow))


@coop_view(Action.VIEW_MONEY_FLOW)
@_guarded
def flow_year(request: HttpRequest, coop: Cooperative, fund_flow_year: int) -> HttpResponse:
    if not MIN_YEAR <= fund_flow_year <= MAX_YEAR:
        raise Http404
    flow = flow_for(request, coop, fund_flow_year)
    return render(request, "economy/fund/flow.html", _flow_context(request, coop, flow))


@coop_view(Action.VIEW_MONEY_FLOW)
@_guarded
def flow_pdf(request: HttpRequest, coop: Cooperative, fund_flow_year: int) -> HttpResponse:
    if not MIN_YEAR <= fund_flow_year <= MAX_YEAR:
        raise Http404
    flow = flow_for(request, coop, fund_flow_year)
    response = HttpResponse(
        exports.flow_pdf_bytes(coop=coop, flow=flow), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="flussi-{coop.slug}-{fund_flow_year}.pdf"'
    return response
