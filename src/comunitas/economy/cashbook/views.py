"""Pages of the cash book (prima nota): the list with its filters and totals, a movement and its
reversal, entering one by hand, counterparties, categories and importing a file.

Thin views over ``cashbook.services``, ``cashbook.selectors`` and ``cashbook.imports``. The rows
are the staff's and the board's (VIEW_ACCOUNTS); every write needs MANAGE_ACCOUNTS. Each page is
in the permission matrix (tests/economy/cashbook/matrix.py)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comunitas.core.errors import ValidationError
from comunitas.core.lookups import or_404
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, can, coop_view
from comunitas.core.submission import apply_errors, submit, submit_and_flash
from comunitas.economy.cashbook import imports, selectors, services
from comunitas.economy.cashbook.forms import (
    CategoryForm,
    CounterpartyForm,
    ImportForm,
    MovementFilterForm,
    MovementForm,
    ReverseForm,
)
from comunitas.economy.models import Counterparty, MovementSource

PAGE_SIZE = 50


# --- the list and one movement --------------------------------------------------------------------
@coop_view(Action.VIEW_ACCOUNTS)
def movement_list(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """The filtered cash book, newest first, with the totals of the filter: a constant number of
    queries (the filter's choices, the totals, the page's count and rows)."""
    categories = list(selectors.categories(coop=coop))
    form = MovementFilterForm(request.GET or None, coop=coop, categories=categories)
    found = selectors.movements(coop=coop, filters=selectors.MovementFilters(**form.filters()))
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "coop": coop,
        "form": form,
        "page_obj": page,
        "totals": selectors.totals(found),
        "query": query.urlencode(),
        "can_manage": can(request.user, coop, Action.MANAGE_ACCOUNTS),
    }
    return render(request, "economy/cashbook/list.html", context)


@coop_view(Action.VIEW_ACCOUNTS)
def movement_detail(request: HttpRequest, coop: Cooperative, cash_movement_id: int) -> HttpResponse:
    movement = or_404(selectors.movement_get, coop=coop, pk=cash_movement_id)
    reversal = selectors.reversal_of(movement)
    manage = can(request.user, coop, Action.MANAGE_ACCOUNTS)
    context = {
        "coop": coop,
        "movement": movement,
        "reversal": reversal,
        "reverse_form": (
            ReverseForm()
            if manage and reversal is None and movement.source != MovementSource.REVERSAL
            else None
        ),
    }
    return render(request, "economy/cashbook/detail.html", context)


@coop_view(Action.MANAGE_ACCOUNTS)
def movement_create(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    selectors.categories(coop=coop)  # the default chart, installed the first time
    form = MovementForm(request.POST or None, coop=coop)
    movement = submit(
        request,
        form,
        lambda: services.movement_create(actor=request.user, coop=coop, **form.movement_fields()),
    )
    if movement:
        messages.success(request, _("The movement is in the cash book."))
        return redirect("economy:cash_detail", coop.slug, movement.pk)
    return render(request, "economy/cashbook/form.html", {"coop": coop, "form": form})


@require_POST
@coop_view(Action.MANAGE_ACCOUNTS)
def movement_reverse(
    request: HttpRequest, coop: Cooperative, cash_movement_id: int
) -> HttpResponse:
    """Reverse a movement by its opposite (the form is on the movement's page)."""
    movement = or_404(selectors.movement_get, coop=coop, pk=cash_movement_id)
    form = ReverseForm(request.POST)
    reversal = submit_and_flash(
        request,
        form,
        lambda: services.movement_reverse(
            actor=request.user,
            movement=movement,
            on_date=form.cleaned_data["on_date"],
            reason=form.cleaned_data["reason"],
        ),
        done=_("The movement is reversed."),
        failed=_("The movement was not reversed."),
    )
    return redirect("economy:cash_detail", coop.slug, reversal.pk if reversal else movement.pk)


# --- counterparties -------------------------------------------------------------------------------
@coop_view(Action.VIEW_ACCOUNTS)
def counterparty_list(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    q = request.GET.get("q", "")[:100]
    found = selectors.counterparties(coop=coop, q=q)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "coop": coop,
        "page_obj": page,
        "q": q,
        "can_manage": can(request.user, coop, Action.MANAGE_ACCOUNTS),
    }
    return render(request, "economy/cashbook/counterparties.html", context)


def _counterparty_initial(counterparty: Counterparty) -> dict:
    return {
        "name": counterparty.name,
        "kind": counterparty.kind,
        "tax_code": counterparty.tax_code,
        "municipality": str(counterparty.municipality) if counterparty.municipality else "",
        "member_number": counterparty.member.number if counterparty.member else None,
    }


@coop_view(Action.MANAGE_ACCOUNTS)
def counterparty_create(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    form = CounterpartyForm(request.POST or None, coop=coop)
    saved = submit(
        request,
        form,
        lambda: services.counterparty_create(
            actor=request.user, coop=coop, **form.counterparty_fields()
        ),
    )
    if saved:
        messages.success(request, _("Counterparty added."))
        return redirect("economy:cash_counterparties", coop.slug)
    return render(request, "economy/cashbook/counterparty_form.html", {"coop": coop, "form": form})


@coop_view(Action.MANAGE_ACCOUNTS)
def counterparty_edit(
    request: HttpRequest, coop: Cooperative, cash_counterparty_id: int
) -> HttpResponse:
    counterparty = or_404(selectors.counterparty_get, coop=coop, pk=cash_counterparty_id)
    form = CounterpartyForm(
        request.POST or None, coop=coop, initial=_counterparty_initial(counterparty)
    )
    saved = submit(
        request,
        form,
        lambda: services.counterparty_update(
            actor=request.user, counterparty=counterparty, fields=form.counterparty_fields()
        ),
    )
    if saved:
        messages.success(request, _("Changes saved."))
        return redirect("economy:cash_counterparties", coop.slug)
    context = {"coop": coop, "form": form, "counterparty": counterparty}
    return render(request, "economy/cashbook/counterparty_form.html", context)


# --- categories -----------------------------------------------------------------------------------
def _categories_page(request: HttpRequest, coop: Cooperative, form) -> HttpResponse:
    context = {"coop": coop, "categories": list(selectors.categories(coop=coop)), "form": form}
    return render(request, "economy/cashbook/categories.html", context)


@coop_view(Action.VIEW_ACCOUNTS)
def category_list(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """The chart of accounts; staff add a category of the cooperative's own below it."""
    manage = can(request.user, coop, Action.MANAGE_ACCOUNTS)
    return _categories_page(request, coop, CategoryForm() if manage else None)


@coop_view(Action.MANAGE_ACCOUNTS)
def category_create(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    form = CategoryForm(request.POST or None)
    saved = submit(
        request,
        form,
        lambda: services.category_create(actor=request.user, coop=coop, **form.cleaned_data),
    )
    if saved:
        messages.success(request, _("Category added."))
        return redirect("economy:cash_categories", coop.slug)
    return _categories_page(request, coop, form)


# --- import ---------------------------------------------------------------------------------------
@coop_view(Action.MANAGE_ACCOUNTS)
def import_file(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """Upload a bank statement or an accountant's export: the per-row errors, or what was
    imported and what was skipped as already in the book."""
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > imports.MAX_FILE_BYTES:
                raise ValidationError(_("The file is larger than 10 MB."), field="file")
            report = imports.import_movements(
                coop=coop,
                actor=request.user,
                file=upload.read(),
                name=upload.name,
                kind=form.cleaned_data["kind"],
                mapping=form.mapping(),
                encoding=form.cleaned_data["encoding"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)  # "mapping" is no field of the form: above it
    context = {"coop": coop, "form": form, "report": report}
    return render(request, "economy/cashbook/import.html", context)
