"""Pages of share capital: subscriptions, payments, transfers, exits, reimbursements, the
capital on a date and the book's configuration (stakeholder categories, share classes).

The forms of a member's page post to the action routes here, which redirect back to that page
with a message: a success, or what was wrong (service errors are named after their field) and
nothing saved. The pages with their own forms (settings) show errors next to the fields."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comunitas.core.errors import ValidationError
from comunitas.core.kernel.money import ZERO
from comunitas.core.lookups import or_404
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, can, coop_view
from comunitas.core.submission import apply_errors, form_message, submit
from comunitas.members.book import selectors as book_selectors
from comunitas.members.book import services as book_services
from comunitas.members.models import (
    Member,
    ShareTransfer,
    StakeholderCategory,
)
from comunitas.members.shares import selectors, services
from comunitas.members.shares.forms import (
    CapitalDateForm,
    CategoryForm,
    ExitForm,
    PaymentForm,
    RedemptionPayForm,
    ReverseForm,
    ShareClassForm,
    SubscribeForm,
    TransferDecideForm,
    TransferForm,
)

PAGE_SIZE = 50


# --- helpers ------------------------------------------------------------------------------------
def member_page(coop: Cooperative, member_id: int) -> str:
    """The member's page, where the forms of the action routes below are shown."""
    return reverse("members:member_detail", args=[coop.slug, member_id])


def _error_text(form: forms.Form, exc: ValidationError, aliases: dict[str, str]) -> str:
    """A service's errors as one message, each after the label of the field it concerns."""
    for error in exc.errors:
        name = aliases.get(error.field or "", error.field)
        form.add_error(name if name in form.fields else None, error.message)
    return form_message(form)


def _run(request: HttpRequest, form: forms.Form, save, success: str, **aliases: str) -> bool:
    """Validate ``form``, call ``save()`` (a service), flash the outcome; True when saved."""
    if not form.is_valid():
        messages.error(request, form_message(form))
        return False
    try:
        save()
    except ValidationError as exc:
        messages.error(request, _error_text(form, exc, aliases))
        return False
    messages.success(request, success)
    return True


def _on_member(
    request: HttpRequest,
    coop: Cooperative,
    member_id: int,
    form: forms.Form,
    act: Callable[[Member], object],
    success: str,
    **aliases: str,
) -> HttpResponse:
    """A form posted from a member's page: ``act(member)`` (a service) through ``_run``, then
    back to the page."""
    member = or_404(book_selectors.member_get, coop=coop, pk=member_id)
    _run(request, form, lambda: act(member), success, **aliases)
    return redirect(member_page(coop, member.pk))


# --- a member's shares and exit -----------------------------------------------------------------
# The forms' fields are the services' parameters: share_class, shares or amount, on_date…
@require_POST
@coop_view(Action.MANAGE_MEMBERS)
def subscribe(request: HttpRequest, coop: Cooperative, member_id: int) -> HttpResponse:
    form = SubscribeForm(request.POST, coop=coop)
    return _on_member(
        request,
        coop,
        member_id,
        form,
        lambda member: services.shares_subscribe(
            actor=request.user, member=member, **form.cleaned_data
        ),
        _("The subscription is recorded."),
    )


@require_POST
@coop_view(Action.MANAGE_MEMBERS)
def payment(request: HttpRequest, coop: Cooperative, member_id: int) -> HttpResponse:
    form = PaymentForm(request.POST, coop=coop)
    return _on_member(
        request,
        coop,
        member_id,
        form,
        lambda member: services.payment_record(
            actor=request.user, member=member, **form.cleaned_data
        ),
        _("The payment is recorded."),
    )


@require_POST
@coop_view(Action.MANAGE_MEMBERS)
def transfer(request: HttpRequest, coop: Cooperative, member_id: int) -> HttpResponse:
    """Ask the board to approve a transfer; the buyer is named by register number."""
    form = TransferForm(request.POST, coop=coop)

    def save(seller: Member) -> ShareTransfer:
        number = form.cleaned_data["buyer_number"]
        buyer = book_selectors.current_member_by_number(coop=coop, number=number, field="buyer")
        return services.transfer_request(
            actor=request.user,
            seller=seller,
            buyer=buyer,
            share_class=form.cleaned_data["share_class"],
            shares=form.cleaned_data["shares"],
        )

    return _on_member(
        request,
        coop,
        member_id,
        form,
        save,
        _("The transfer is recorded and waits for the board's decision."),
        buyer="buyer_number",
    )


@require_POST
@coop_view(Action.DECIDE_MEMBERS)
def exit_record(request: HttpRequest, coop: Cooperative, member_id: int) -> HttpResponse:
    form = ExitForm(request.POST)
    return _on_member(
        request,
        coop,
        member_id,
        form,
        lambda member: services.member_exit(actor=request.user, member=member, **form.cleaned_data),
        _("The exit is recorded; the member stays in the book."),
    )


@require_POST
@coop_view(Action.DECIDE_MEMBERS)
def movement_reverse(request: HttpRequest, coop: Cooperative, movement_id: int) -> HttpResponse:
    """Undo a wrong payment or subscription with its opposite movement (reason required)."""
    movement = or_404(selectors.movement_get, coop=coop, pk=movement_id)
    form = ReverseForm(request.POST)
    _run(
        request,
        form,
        lambda: services.movement_reverse(
            actor=request.user, movement=movement, reason=form.cleaned_data["reason"]
        ),
        _("The movement is reversed; the ledger keeps both lines."),
    )
    return redirect(member_page(coop, movement.member_id))


# --- transfers ----------------------------------------------------------------------------------
@coop_view(Action.VIEW_MEMBERS)
def transfers(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """Transfers waiting for the board (all) and those decided (newest first, paginated)."""
    found = selectors.transfer_list(coop=coop)
    pending = list(found.filter(status=ShareTransfer.Status.PENDING))
    decided = found.exclude(status=ShareTransfer.Status.PENDING).order_by("-decided_on", "-id")
    page = Paginator(decided, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "coop": coop,
        "pending": pending,
        "page_obj": page,
        "today": timezone.localdate(),
        "can_decide": can(request.user, coop, Action.DECIDE_MEMBERS),
    }
    return render(request, "members/shares/transfers.html", context)


@require_POST
@coop_view(Action.DECIDE_MEMBERS)
def transfer_decide(request: HttpRequest, coop: Cooperative, transfer_id: int) -> HttpResponse:
    found = or_404(selectors.transfer_get, coop=coop, pk=transfer_id)
    form = TransferDecideForm(request.POST)
    approve = form.data.get("decision") == "approve"
    _run(
        request,
        form,
        lambda: services.transfer_decide(
            actor=request.user,
            transfer=found,
            approve=approve,
            decided_on=form.cleaned_data["decided_on"],
            decision_reference=form.cleaned_data["decision_reference"],
            reason=form.cleaned_data["reason"],
        ),
        _("The transfer is approved: the shares have moved.")
        if approve
        else _("The transfer is rejected."),
    )
    return redirect("members:shares_transfers", coop.slug)


# --- reimbursements -----------------------------------------------------------------------------
@coop_view(Action.VIEW_MEMBERS)
def redemptions(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    today = timezone.localdate()
    found = selectors.redemption_list(coop=coop)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "coop": coop,
        "page_obj": page,
        "today": today,
        "totals": selectors.redemption_totals(coop=coop, today=today),
        "can_manage": can(request.user, coop, Action.MANAGE_MEMBERS),
    }
    return render(request, "members/shares/redemptions.html", context)


@require_POST
@coop_view(Action.MANAGE_MEMBERS)
def redemption_pay(request: HttpRequest, coop: Cooperative, redemption_id: int) -> HttpResponse:
    found = or_404(selectors.redemption_get, coop=coop, pk=redemption_id)
    form = RedemptionPayForm(request.POST)
    _run(
        request,
        form,
        lambda: services.redemption_pay(
            actor=request.user,
            redemption=found,
            paid_on=form.cleaned_data["paid_on"],
            reference=form.cleaned_data["reference"],
        ),
        _("The reimbursement is recorded as paid."),
    )
    if request.POST.get("next") == "member":
        return redirect(member_page(coop, found.member_id))
    return redirect("members:shares_redemptions", coop.slug)


# --- capital ------------------------------------------------------------------------------------
CHART_WIDTH = 480
BAR_HEIGHT = 18
ROW_HEIGHT = 2 * BAR_HEIGHT + 20
LABEL_WIDTH = 150


def capital_chart(summary: book_selectors.CapitalSummary) -> dict:
    """Bar geometry of paid against subscribed capital per class, scaled to the largest."""
    largest = max((row["subscribed"] for row in summary.by_class), default=ZERO)
    scale = Decimal(CHART_WIDTH - LABEL_WIDTH - 10) / largest if largest > 0 else Decimal(0)
    rows = []
    for i, row in enumerate(summary.by_class):
        top = 10 + i * ROW_HEIGHT
        rows.append(
            {
                **row,
                "to_pay": row["subscribed"] - row["paid"],
                "top": top,
                "paid_top": top + BAR_HEIGHT + 2,
                "text_y": top + BAR_HEIGHT - 4,
                "subscribed_width": int(max(row["subscribed"], ZERO) * scale),
                "paid_width": int(max(row["paid"], ZERO) * scale),
            }
        )
    return {
        "rows": rows,
        "width": CHART_WIDTH,
        "height": 10 + len(rows) * ROW_HEIGHT + 24,
        "label_width": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
        "legend_y": 10 + len(rows) * ROW_HEIGHT + 10,
    }


@coop_view(Action.VIEW_MEMBERS)
def capital(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """Share capital on any date (?on=YYYY-MM-DD, today by default)."""
    today = timezone.localdate()
    form = CapitalDateForm(request.GET or None, initial={"on": today})
    day = today
    if form.is_bound:
        if form.is_valid():
            day = form.cleaned_data["on"] or today
        else:
            messages.error(
                request,
                _("That is not a date; the capital is shown as of today, %(day)s.")
                % {"day": localize(today)},
            )
            form = CapitalDateForm(initial={"on": today})
    summary = book_selectors.capital_summary(coop=coop, on_date=day)
    context = {"coop": coop, "form": form, "summary": summary, "chart": capital_chart(summary)}
    return render(request, "members/shares/capital.html", context)


# --- configuration ------------------------------------------------------------------------------
def _category_forms(
    coop: Cooperative, bound: CategoryForm | None
) -> list[tuple[StakeholderCategory, CategoryForm]]:
    """One rename form per category; the posted one keeps its input and errors."""
    rows = []
    for category in book_selectors.categories(coop=coop).annotate(members_count=Count("members")):
        if bound is not None and bound.data.get("category") == str(category.pk):
            form = bound
        else:
            form = CategoryForm(
                initial={
                    "category": category.pk,
                    "name": category.name,
                    "is_financing": category.is_financing,
                },
                auto_id=f"id_cat{category.pk}_%s",
            )
        rows.append((category, form))
    return rows


@coop_view(Action.DECIDE_MEMBERS)
def book_settings(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """Stakeholder categories (add, rename, mark financing) and share classes (add)."""
    book_services.book_setup(coop=coop)
    kind = request.POST.get("form") if request.method == "POST" else None
    new_category = CategoryForm(auto_id="id_newcat_%s", initial={"form": "category"})
    edited_category: CategoryForm | None = None
    class_form = ShareClassForm(initial={"valid_from": timezone.localdate()})
    if kind == "category":
        posted = CategoryForm(request.POST)
        if request.POST.get("category"):
            posted.auto_id = f"id_cat{request.POST.get('category')}_%s"
            edited_category = posted
        else:
            posted.auto_id = "id_newcat_%s"
            new_category = posted
        if _save_category(request, coop, posted):
            return redirect("members:shares_settings", coop.slug)
    elif kind == "share_class":
        class_form = ShareClassForm(request.POST)
        created = submit(
            request,
            class_form,
            lambda: services.share_class_create(
                actor=request.user,
                coop=coop,
                **{k: v for k, v in class_form.cleaned_data.items() if k != "form"},
            ),
        )
        if created:
            messages.success(request, _("The share class is created."))
            return redirect("members:shares_settings", coop.slug)
    elif request.method == "POST":
        messages.error(request, _("Unknown form."))
    context = {
        "coop": coop,
        "category_rows": _category_forms(coop, edited_category),
        "new_category": new_category,
        "share_classes": book_selectors.share_classes(coop=coop).annotate(
            holders=Count("movements__member", distinct=True)
        ),
        "class_form": class_form,
    }
    return render(request, "members/shares/settings.html", context)


def _save_category(request: HttpRequest, coop: Cooperative, form: CategoryForm) -> bool:
    if not form.is_valid():
        return False
    data = form.cleaned_data
    category = None
    fields = {"name": data["name"], "is_financing": data["is_financing"]}
    if data["category"]:
        category = or_404(book_selectors.category_get, coop=coop, pk=data["category"])
    else:
        last = StakeholderCategory.objects.filter(coop=coop).order_by("-position").first()
        fields.update(code=data["code"], position=(last.position + 1) if last else 0)
    try:
        book_services.category_save(actor=request.user, coop=coop, fields=fields, category=category)
    except ValidationError as exc:
        apply_errors(form, exc)
        return False
    messages.success(request, _("The category is saved."))
    return True
