"""Pages of the annual closing: the list (approved closings and their allocation are public, drafts
and proposals the operators'), preparing a closing, its page with the result, the legal minima
and the dividend cap, the allocation with a live preview, proposing it to the assembly and
recording its approval, the coverage of a loss, the ristorni and each member's statement.

Thin views over ``closing.services`` and ``closing.selectors``; every page declares its action
and is in the permission matrix (tests/economy/closing/matrix.py). A member reads only their own
ristorno: another's answers 404, as for the other apps' personal data."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from comunitas.core.errors import ValidationError
from comunitas.core.kernel.money import CENT
from comunitas.core.lookups import or_404
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, can, coop_view
from comunitas.core.submission import act_and_flash, submit, submit_and_flash
from comunitas.economy.closing import documents, selectors, services
from comunitas.economy.closing.forms import (
    AllocationForm,
    ApproveForm,
    ClosingForm,
    CoverageForm,
    PayForm,
    RistorniForm,
)
from comunitas.economy.closing.rules import allocation_compute, allocation_parameters
from comunitas.economy.closing.rules import legal_minima as minima_of
from comunitas.economy.models import (
    AllocationKind,
    Closing,
    ClosingStatus,
    Ristorno,
)

PAGE_SIZE = 30
CHART_WIDTH = 600
# One colour per allocation line, in the legal order (each with text on white at WCAG AA).
COLOURS = ["#1f5c45", "#3a7d5c", "#7a4f01", "#6b4226", "#a4161a", "#33507a", "#5c3d7a"]


def _closing(request: HttpRequest, coop: Cooperative, closing_id: int) -> Closing:
    """A closing the caller may see: drafts and proposals only for the operators."""
    return or_404(selectors.closing_seen, coop=coop, pk=closing_id, user=request.user)


def _ristorno(request: HttpRequest, coop: Cooperative, ristorno_id: int) -> Ristorno:
    return or_404(selectors.ristorno_visible, coop=coop, pk=ristorno_id, user=request.user)


def closing_figures(closing: Closing) -> dict:
    """What every closing page shows: the lines in the legal order, the minima, the cap."""
    lines = selectors.ordered_lines(closing)
    x = Decimal(0)
    for line, colour in zip(lines, COLOURS, strict=False):
        line.share = (
            (line.amount * 100 / closing.result).quantize(CENT) if closing.result > 0 else None
        )
        line.colour, line.x = colour, x
        line.width = (line.share or Decimal(0)) * CHART_WIDTH / 100
        x += line.width
    return {
        "lines": lines,
        "chart_width": CHART_WIDTH,
        "minima": minima_of(result=closing.result),
        "cap": services.closing_dividend_cap(closing),
        "matches": services.allocation_matches(closing, selectors.line_amounts(closing)),
        **losses_context(closing),
    }


def losses_context(closing: Closing) -> dict:
    """What economy/closing/losses.html shows."""
    losses = selectors.losses_of(closing, selectors.line_amounts(closing))
    return {
        "losses": losses,
        "coverage_rows": selectors.coverage_rows(losses.coverage),
        "proposal_rows": selectors.coverage_rows(losses.proposal),
    }


# --- the list and preparing a closing -----------------------------------------------------------
# What a draft may change.
FIGURES = ("result_source", "result", "postal_bond_rate", "postal_bond_rate_note", "notes")


def _figures(form: ClosingForm) -> dict:
    return {name: form.cleaned_data[name] for name in FIGURES}


@coop_view(Action.VIEW_MONEY_FLOW)
def closing_list(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """Closings, the latest year first: a constant number of queries (the count, the page's
    rows, their allocation lines)."""
    operators = can(request.user, coop, Action.VIEW_ACCOUNTS)
    found = selectors.closing_list(coop=coop, all_statuses=operators)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    for closing in page.object_list:
        closing.ordered = selectors.ordered_lines(closing)
    context = {
        "coop": coop,
        "page_obj": page,
        "operators": operators,
        "can_close": can(request.user, coop, Action.CLOSE_ACCOUNTS),
        "kinds": AllocationKind.choices,
    }
    return render(request, "economy/closing/list.html", context)


@coop_view(Action.CLOSE_ACCOUNTS)
def closing_create(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    form = ClosingForm(request.POST or None, creating=True)
    closing = submit(
        request,
        form,
        lambda: services.closing_prepare(
            actor=request.user, coop=coop, year=form.cleaned_data["year"], **_figures(form)
        ),
    )
    if closing:
        messages.success(request, _("The closing is prepared as a draft: allocate its result."))
        return redirect("economy:closing_detail", coop.slug, closing.pk)
    return render(request, "economy/closing/form.html", {"coop": coop, "form": form})


@coop_view(Action.CLOSE_ACCOUNTS)
def closing_edit(request: HttpRequest, coop: Cooperative, closing_id: int) -> HttpResponse:
    closing = _closing(request, coop, closing_id)
    initial = {name: getattr(closing, name) for name in FIGURES}
    form = ClosingForm(request.POST or None, creating=False, initial=initial)
    saved = submit(
        request,
        form,
        lambda: services.closing_update(actor=request.user, closing=closing, **_figures(form)),
    )
    if saved:
        messages.success(request, _("Changes saved."))
        return redirect("economy:closing_detail", coop.slug, closing.pk)
    context = {"coop": coop, "form": form, "closing": closing}
    return render(request, "economy/closing/form.html", context)


@coop_view(Action.VIEW_ECONOMY)
def closing_mine(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """The caller's own ristorni, year by year."""
    context = {"coop": coop, "ristorni": list(selectors.my_ristorni(coop=coop, user=request.user))}
    return render(request, "economy/closing/mine.html", context)


# --- a closing's page ---------------------------------------------------------------------------
@coop_view(Action.VIEW_MONEY_FLOW)
def closing_detail(request: HttpRequest, coop: Cooperative, closing_id: int) -> HttpResponse:
    closing = _closing(request, coop, closing_id)
    close = can(request.user, coop, Action.CLOSE_ACCOUNTS)
    operators = can(request.user, coop, Action.VIEW_ACCOUNTS)
    plan = selectors.ristorno_plan(closing=closing)
    context = {
        "coop": coop,
        "closing": closing,
        **closing_figures(closing),
        **prevalence_context(coop, closing.year),
        "plan": plan,
        "totals": selectors.ristorni_totals(plan=plan) if plan and operators else None,
        "can_close": close,
        "operators": operators,
        "approve_form": (
            ApproveForm(coop=coop) if close and closing.status == ClosingStatus.PROPOSED else None
        ),
        "ristorni_form": (
            RistorniForm(initial={"basis": plan.basis, "shares_percent": plan.shares_percent})
            if plan
            else RistorniForm()
        )
        if close and not closing.locked
        else None,
        "pay_form": PayForm(coop=coop) if close and closing.locked and plan else None,
    }
    return render(request, "economy/closing/detail.html", context)


def prevalence_context(coop: Cooperative, year: int) -> dict:
    """What economy/closing/prevalence.html shows of a year."""
    prevalence = selectors.prevalence_of(coop=coop, year=year)
    return {"prevalence": prevalence, "prevalence_rows": selectors.prevalence_rows(prevalence)}


def _allocation_values(form: AllocationForm) -> dict:
    return {name: form.cleaned_data[name] for name in form.fields}


def allocation_preview(
    closing: Closing, form: AllocationForm, ceiling: selectors.Ceiling | None = None
) -> dict:
    """The lines the form's figures would give, or the rule they break (nothing saved)."""
    if not form.is_valid():
        return {"errors": [e for errors in form.errors.values() for e in errors]}
    ceiling = ceiling or selectors.ristorni_ceiling(closing=closing)
    plan = selectors.ristorno_plan(closing=closing)
    try:
        amounts = allocation_compute(
            result=closing.result,
            dividend_cap=services.closing_dividend_cap(closing),
            mutual_share=ceiling.share,
            loss_brought_forward=closing.loss_brought_forward,
            ristorni_shares_percent=plan.shares_percent if plan else None,
            **_allocation_values(form),
        )
    except ValidationError as exc:
        return {"errors": [e.message for e in exc.errors]}
    return {"preview": [(AllocationKind(k).label, v) for k, v in amounts.items()]}


def _starting(form: AllocationForm) -> AllocationForm:
    """The form bound to its starting values, for the preview shown before any typing."""
    values = {name: form.initial.get(name, field.initial) for name, field in form.fields.items()}
    return AllocationForm(values)


@coop_view(Action.CLOSE_ACCOUNTS)
def closing_allocation(request: HttpRequest, coop: Cooperative, closing_id: int) -> HttpResponse:
    """The allocation form, with the legal minima, the cap and a preview htmx refreshes as one
    types (the same page without JavaScript: the preview follows the POST)."""
    closing = _closing(request, coop, closing_id)
    lines = selectors.line_amounts(closing)
    initial = allocation_parameters(lines, result=closing.result) or None
    form = AllocationForm(request.POST or None, initial=initial)
    saved = submit(
        request,
        form,
        lambda: services.closing_allocate(
            actor=request.user, closing=closing, **_allocation_values(form)
        ),
    )
    if saved:
        messages.success(request, _("The allocation is saved."))
        return redirect("economy:closing_detail", coop.slug, closing.pk)
    ceiling = selectors.ristorni_ceiling(closing=closing)
    context = {
        "coop": coop,
        "closing": closing,
        "form": form,
        "ceiling": ceiling,
        **closing_figures(closing),
        **allocation_preview(closing, form if form.is_bound else _starting(form), ceiling),
    }
    return render(request, "economy/closing/allocation.html", context)


@coop_view(Action.CLOSE_ACCOUNTS)
def closing_allocation_preview(
    request: HttpRequest, coop: Cooperative, closing_id: int
) -> HttpResponse:
    closing = _closing(request, coop, closing_id)
    context = {"closing": closing, **allocation_preview(closing, AllocationForm(request.GET))}
    return render(request, "economy/closing/allocation_preview.html", context)


def _act(request, coop: Cooperative, closing_id: int, service, done: str) -> HttpResponse:
    closing = _closing(request, coop, closing_id)
    act_and_flash(request, lambda: service(actor=request.user, closing=closing), done=done)
    return redirect("economy:closing_detail", coop.slug, closing.pk)


@coop_view(Action.CLOSE_ACCOUNTS)
def closing_coverage(request: HttpRequest, coop: Cooperative, closing_id: int) -> HttpResponse:
    """How a loss is covered: the reserves held, the proposal (indivisible reserve, then legal
    reserve, then carried forward) as the form's starting values, or the coverage recorded."""
    closing = _closing(request, coop, closing_id)
    losses = selectors.losses_of(closing)
    form = CoverageForm(request.POST or None, initial=losses.coverage or losses.proposal)
    saved = submit(
        request,
        form,
        lambda: services.closing_cover(actor=request.user, closing=closing, **form.cleaned_data),
    )
    if saved:
        messages.success(request, _("The coverage of the loss is recorded."))
        return redirect("economy:closing_detail", coop.slug, closing.pk)
    context = {
        "coop": coop,
        "closing": closing,
        "form": form,
        "losses": losses,
        "reserves": selectors.coverage_rows(losses.reserves),
    }
    return render(request, "economy/closing/coverage.html", context)


@require_POST
@coop_view(Action.CLOSE_ACCOUNTS)
def closing_propose(request: HttpRequest, coop: Cooperative, closing_id: int) -> HttpResponse:
    done = _("The closing is proposed to the assembly: its year's accounts are now frozen.")
    return _act(request, coop, closing_id, services.closing_propose, done)


@require_POST
@coop_view(Action.CLOSE_ACCOUNTS)
def closing_withdraw(request: HttpRequest, coop: Cooperative, closing_id: int) -> HttpResponse:
    done = _("The closing is back to draft: its year is open again.")
    return _act(request, coop, closing_id, services.closing_withdraw, done)


@require_POST
@coop_view(Action.CLOSE_ACCOUNTS)
def closing_approve(request: HttpRequest, coop: Cooperative, closing_id: int) -> HttpResponse:
    closing = _closing(request, coop, closing_id)
    form = ApproveForm(request.POST, coop=coop)
    submit_and_flash(
        request,
        form,
        lambda: services.closing_approve(
            actor=request.user, closing=closing, motion=form.cleaned_data["motion"]
        ),
        done=_("The approval is recorded: the closing and its year are locked."),
        failed=_("The approval was not recorded."),
    )
    return redirect("economy:closing_detail", coop.slug, closing.pk)


# --- ristorni -----------------------------------------------------------------------------------
@require_POST
@coop_view(Action.CLOSE_ACCOUNTS)
def closing_ristorni_compute(
    request: HttpRequest, coop: Cooperative, closing_id: int
) -> HttpResponse:
    closing = _closing(request, coop, closing_id)
    form = RistorniForm(request.POST)
    plan = submit_and_flash(
        request,
        form,
        lambda: services.ristorni_compute(
            actor=request.user,
            closing=closing,
            basis=form.cleaned_data["basis"],
            shares_percent=form.cleaned_data["shares_percent"],
        ),
        done=_("The ristorni are computed."),
        failed=_("The ristorni were not computed."),
    )
    if plan:
        return redirect("economy:closing_ristorni", coop.slug, closing.pk)
    return redirect("economy:closing_detail", coop.slug, closing.pk)


@coop_view(Action.VIEW_ACCOUNTS)
def closing_ristorni(request: HttpRequest, coop: Cooperative, closing_id: int) -> HttpResponse:
    """Every member's ristorno of the closing: the count, the page's rows with their members,
    the plan and the totals."""
    closing = _closing(request, coop, closing_id)
    plan = selectors.ristorno_plan(closing=closing)
    page = None
    if plan is not None:
        page = Paginator(selectors.ristorni_of(plan=plan), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
    context = {
        "coop": coop,
        "closing": closing,
        "plan": plan,
        "page_obj": page,
        "totals": selectors.ristorni_totals(plan=plan) if plan else None,
        "pay_form": (
            PayForm(coop=coop)
            if plan and closing.locked and can(request.user, coop, Action.CLOSE_ACCOUNTS)
            else None
        ),
    }
    return render(request, "economy/closing/ristorni.html", context)


@require_POST
@coop_view(Action.CLOSE_ACCOUNTS)
def closing_ristorni_pay(request: HttpRequest, coop: Cooperative, closing_id: int) -> HttpResponse:
    closing = _closing(request, coop, closing_id)
    form = PayForm(request.POST, coop=coop)
    if form.is_valid():
        try:
            paid = services.ristorni_pay(
                actor=request.user,
                closing=closing,
                share_class=form.cleaned_data["share_class"],
                on_date=form.cleaned_data["on_date"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(e.message for e in exc.errors))
        else:
            if paid:
                done = ngettext("%(n)s ristorno is paid.", "%(n)s ristorni are paid.", len(paid))
                messages.success(request, done % {"n": len(paid)})
            else:
                messages.info(request, _("Every ristorno was paid already."))
    else:
        messages.error(request, _("Give the date of the payment."))
    return redirect("economy:closing_ristorni", coop.slug, closing.pk)


@coop_view(Action.VIEW_ECONOMY)
def closing_statement(
    request: HttpRequest, coop: Cooperative, closing_ristorno_id: int
) -> HttpResponse:
    ristorno = _ristorno(request, coop, closing_ristorno_id)
    context = selectors.statement(ristorno=ristorno)
    return render(request, "economy/closing/statement.html", context)


@coop_view(Action.VIEW_ECONOMY)
def closing_statement_pdf(
    request: HttpRequest, coop: Cooperative, closing_ristorno_id: int
) -> HttpResponse:
    ristorno = _ristorno(request, coop, closing_ristorno_id)
    response = HttpResponse(
        documents.statement_pdf(ristorno=ristorno), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{documents.statement_filename(ristorno)}"'
    return response
