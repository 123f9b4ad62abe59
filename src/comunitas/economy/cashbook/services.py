"""Every write of the cash book (prima nota): movements entered by hand, their reversal, the
automatic posting of the commons' sales, counterparties and the cooperative's own categories.

Nothing is ever deleted or edited: a wrong movement is reversed by its opposite, dated in an open
year, and the pair nets to zero. A year whose closing is proposed or approved is frozen
(``ledger.ensure_open``): no movement is dated in it, not even a reversal.

Sales of the commons post themselves: ``commons.stats.sales`` keeps a list of listeners told of
each new Sale (the commons never import the economy: ARCHITECTURE's arrows point down), and the
economy's ``AppConfig.ready`` adds ``sale_recorded`` to it.
``Movement.sale`` is one-to-one, so a sale is posted at most once whoever calls first.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from comunitas.commons.models import CommonResource, Sale, SaleKind, Service, ServiceKind
from comunitas.core.audit import audit_record, snapshot
from comunitas.core.errors import ValidationError
from comunitas.core.kernel.edits import edit, locked, require_text, validated
from comunitas.core.kernel.money import MAX_MONEY, ZERO, money
from comunitas.core.kernel.types import Actor, user_of
from comunitas.core.models import Cooperative, Municipality
from comunitas.core.territory.selectors import municipality_resolve
from comunitas.core.validators import compact_code
from comunitas.economy.cashbook import ledger
from comunitas.economy.cashbook.chart import chart_ensure
from comunitas.economy.models import (
    Category,
    Counterparty,
    CounterpartyKind,
    Direction,
    Earmark,
    Flow,
    Job,
    Movement,
    MovementSource,
)
from comunitas.members.models import Member
from comunitas.projects.models import Project

# The links a movement may name, each an object of the same cooperative.
LINKS: dict[str, type] = {
    "counterparty": Counterparty,
    "resource": CommonResource,
    "project": Project,
    "service": Service,
    "member": Member,
    "job": Job,
    "earmark": Earmark,
}
AUDITED = ["on_date", "direction", "amount", "vat", "category", "source", *LINKS, "reverses"]
COUNTERPARTY_FIELDS = ["name", "kind", "tax_code", "municipality", "member"]
CATEGORY_FIELDS = ["code", "name", "direction", "flow"]


def _of_coop(model: type, coop: Cooperative, value: Any, field: str):
    """The object of this cooperative a field names, by instance or id; another's is refused
    with the same message as one that does not exist."""
    if value in (None, ""):
        return None
    if isinstance(value, model):
        if value.coop_id == coop.pk:
            return value
    elif isinstance(value, int | str) and str(value).isdigit() and len(str(value)) < 19:
        found = model.objects.filter(coop=coop, pk=int(value)).first()
        if found is not None:
            return found
    raise ValidationError(_("Choose one of this cooperative's."), field=field)


def category_of(coop: Cooperative, value: Any, field: str = "category") -> Category:
    """A category of the cooperative by instance, id or code (imports and the API use codes)."""
    chart = chart_ensure(coop=coop)
    if isinstance(value, Category) and value.coop_id == coop.pk:
        return value
    if isinstance(value, str) and value in chart:
        return chart[value]
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        found = next((c for c in chart.values() if c.pk == int(value)), None)
        if found is not None:
            return found
    if value in (None, ""):
        raise ValidationError(_("Choose a category."), field=field)
    raise ValidationError(_("Unknown category: %(code)s.") % {"code": str(value)[:40]}, field=field)


# --- movements ------------------------------------------------------------------------------------
def earmark_remaining(earmark: Earmark, *, excluding: int | None = None) -> Decimal:
    """What is left of an earmark: its amount less the expense movements that name it
    (reversals included, with their opposite sign)."""
    spent = (
        Movement.objects.filter(earmark=earmark, direction=Direction.EXPENSE)
        .exclude(pk=excluding)
        .aggregate(total=Sum("amount"))["total"]
    )
    return earmark.amount - (spent or ZERO)


def _check_earmark(movement: Movement) -> None:
    earmark = movement.earmark
    if earmark is None:
        return
    if movement.direction != Direction.EXPENSE:
        raise ValidationError(
            _("Only an expense can spend an earmark of the reinvestment fund."), field="earmark"
        )
    # Lock the earmark: two expenses entered together must not both spend its last euros.
    earmark = locked(earmark)
    if earmark.released:
        raise ValidationError(
            _("This earmark is released: nothing more can be spent on it."), field="earmark"
        )
    remaining = earmark_remaining(earmark)
    if movement.amount > remaining:
        raise ValidationError(
            _("Only %(remaining)s € remain of this earmark.") % {"remaining": remaining},
            field="amount",
        )


def _check_movement(movement: Movement) -> None:
    if movement.on_date is None:
        raise ValidationError(_("Give the date."), field="on_date")
    if not isinstance(movement.on_date, date):
        raise ValidationError(_("Give a date."), field="on_date")
    # Signed: a reversal is the opposite of what it reverses.
    movement.amount = money(movement.amount, field="amount", low=-MAX_MONEY)
    movement.vat = money(movement.vat, field="vat", low=-MAX_MONEY, required=False)
    if movement.amount == 0:
        raise ValidationError(_("The amount cannot be zero."), field="amount")
    if movement.vat and (movement.vat > 0) != (movement.amount > 0):
        raise ValidationError(_("VAT has the sign of the amount."), field="vat")
    if abs(movement.vat) > abs(movement.amount):
        raise ValidationError(_("VAT cannot be more than the gross amount."), field="vat")
    ledger.ensure_open(coop=movement.coop, on_date=movement.on_date)
    validated(movement, exclude=["coop", "category", "recorded_by", *LINKS])


def _movement_values(
    coop: Cooperative,
    *,
    category: Category | str | int | None,
    on_date: date | None,
    amount: Decimal | None,
    vat: Decimal | None,
    description: str | None,
    reference: str | None,
    links: dict[str, Any],
) -> dict[str, Any]:
    """The inputs as the movement's values: the category (by code or id) with the direction it
    says, the links (``LINKS``, by instance or id) as this cooperative's objects, blank texts
    as ""."""
    chosen = category_of(coop, category)
    return {
        "category": chosen,
        "direction": chosen.direction,
        "on_date": on_date,
        "amount": amount,
        "vat": vat,
        "description": description or "",
        "reference": reference or "",
        **{name: _of_coop(model, coop, links[name], name) for name, model in LINKS.items()},
    }


def _check_new_movement(movement: Movement) -> None:
    _check_movement(movement)
    _check_earmark(movement)


@transaction.atomic
def movement_create(
    *,
    actor: Actor,
    coop: Cooperative,
    on_date: date,
    amount: Decimal,
    category: Category | str | int,
    vat: Decimal | None = ZERO,
    description: str = "",
    reference: str = "",
    counterparty: Counterparty | int | None = None,
    resource: CommonResource | int | None = None,
    project: Project | int | None = None,
    service: Service | int | None = None,
    member: Member | int | None = None,
    job: Job | int | None = None,
    earmark: Earmark | int | None = None,
) -> Movement:
    """Enter a movement by hand (staff): its category (an instance, its code or its id) says
    whether money came in or went out; each link is this cooperative's object or its id."""
    values = _movement_values(
        coop,
        category=category,
        on_date=on_date,
        amount=amount,
        vat=vat,
        description=description,
        reference=reference,
        links={
            "counterparty": counterparty,
            "resource": resource,
            "project": project,
            "service": service,
            "member": member,
            "job": job,
            "earmark": earmark,
        },
    )
    return edit(
        Movement(coop=coop, recorded_by=user_of(actor)),
        actor=actor,
        action="movement.create",
        changes=values,
        allowed=values,
        audited=AUDITED,
        check=_check_new_movement,
    )


def movement_reverse(
    *, actor: Actor, movement: Movement, on_date: date | None = None, reason: str
) -> Movement:
    """Cancel a movement by its opposite (dated today unless told), in an open year; once."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the movement is reversed."), field="reason")
    on_date = on_date or timezone.localdate()
    try:
        with transaction.atomic():
            # Locked and read again: two reversals of the same row queue here and the second
            # sees the first (on SQLite every write transaction is BEGIN IMMEDIATE already).
            original = locked(movement)
            if original.source == MovementSource.REVERSAL:
                raise ValidationError(_("A reversal cannot be reversed: enter the movement again."))
            if Movement.objects.filter(reverses=original).exists():
                raise ValidationError(_("This movement is already reversed."))
            ledger.ensure_open(coop=original.coop, on_date=on_date)
            reversal = Movement(
                coop_id=original.coop_id,
                on_date=on_date,
                direction=original.direction,
                amount=-original.amount,
                vat=-original.vat,
                category_id=original.category_id,
                description=_("Reversal: %(reason)s") % {"reason": reason},
                reference=original.reference,
                **{f"{name}_id": getattr(original, f"{name}_id") for name in LINKS},
                source=MovementSource.REVERSAL,
                reverses=original,
                recorded_by=user_of(actor),
                synthetic=original.synthetic,
            )
            reversal.description = reversal.description[:200]
            reversal.save()
            audit_record(
                actor=actor,
                action="movement.reverse",
                obj=reversal,
                coop=original.coop,
                after={**snapshot(reversal, AUDITED), "reason": reason[:500]},
            )
    except IntegrityError:  # the one-to-one caught a reversal that slipped past the check
        raise ValidationError(_("This movement is already reversed.")) from None
    return reversal


# --- sales of the commons -------------------------------------------------------------------------
def sale_category_code(sale: Sale) -> str:
    """A booking is a service; an order line is a product when what it sold is a product."""
    if sale.order_line_id and sale.service_id:
        service = sale.service
        if service is not None and service.kind == ServiceKind.PRODUCT:
            return "products"
    return "services"


def _sale_movement(sale: Sale, category: Category) -> Movement:
    """The income a sale is: its amount (negative for a refund), what was sold and to whom, and
    the payment's reference (the order's, or the booking's number)."""
    if sale.booking_id:
        description = _("Booking n. %(id)s") % {"id": sale.booking_id}
        reference = _("booking %(id)s") % {"id": sale.booking_id}
    else:
        order = sale.order_line.order
        description = _("Order n. %(id)s") % {"id": order.pk}
        reference = order.payment_reference or _("order %(id)s") % {"id": order.pk}
    if sale.kind == SaleKind.REFUND:
        description = _("Refund: %(what)s") % {"what": description}
    return Movement(
        coop_id=sale.coop_id,
        on_date=sale.on_date,
        direction=Direction.INCOME,
        amount=sale.amount,
        category=category,
        description=description[:200],
        reference=reference[:80],
        resource_id=sale.resource_id,
        service_id=sale.service_id,
        member_id=sale.member_id,
        source=MovementSource.SALE,
        sale=sale,
        synthetic=sale.synthetic,
    )


def sale_post(*, sale: Sale) -> Movement | None:
    """Post a sale to the cash book once; None when it is already posted, is zero or falls in a
    frozen year (then it waits: ``sales_pending_frozen`` counts it for the staff)."""
    if not sale.amount or ledger.year_frozen(coop=sale.coop, year=sale.on_date.year):
        return None
    if Movement.objects.filter(sale=sale).exists():
        return None
    category = chart_ensure(coop=sale.coop)[sale_category_code(sale)]
    movement = _sale_movement(sale, category)
    try:
        with transaction.atomic():
            movement.save()
            audit_record(
                actor=None,
                action="movement.sale",
                obj=movement,
                coop=sale.coop,
                after=snapshot(movement, AUDITED),
            )
    except IntegrityError:  # posted by a concurrent call: the one-to-one decides
        return None
    return movement


def sale_recorded(sale: Sale) -> None:
    """Post a sale as the commons record it (a listener of ``commons.stats.sales``)."""
    sale_post(sale=sale)


def _unposted(coop: Cooperative):
    return Sale.objects.filter(coop=coop, movement__isnull=True).exclude(amount=0)


def _unposted_frozen_years(coop: Cooperative) -> set[int]:
    # order_by(): Sale's default ordering would otherwise keep the DISTINCT from collapsing.
    years = _unposted(coop).values_list("on_date__year", flat=True).order_by().distinct()
    return {year for year in years if ledger.year_frozen(coop=coop, year=year)}


def sales_post_pending(*, coop: Cooperative, batch: int = 1000) -> int:
    """Post every sale not yet in the cash book (recorded before the economy existed, or by the
    demo) in bulk; the sales of frozen years are left out. Returns how many were posted."""
    chart = chart_ensure(coop=coop)
    frozen = _unposted_frozen_years(coop)
    posted = 0
    with transaction.atomic():
        pending = (
            _unposted(coop)
            .exclude(on_date__year__in=frozen)
            .select_related("service", "order_line__order")
        )
        movements = [_sale_movement(s, chart[sale_category_code(s)]) for s in pending]
        Movement.objects.bulk_create(movements, batch_size=batch)
        posted = len(movements)
        if posted:
            audit_record(
                actor=None,
                action="movement.sale",
                obj=coop,
                coop=coop,
                after={"sales": posted, "frozen_years_skipped": sorted(frozen)},
            )
    return posted


def sales_pending_frozen(*, coop: Cooperative) -> int:
    """Sales that cannot be posted because their year is frozen (to be told to the staff)."""
    years = _unposted_frozen_years(coop)
    return _unposted(coop).filter(on_date__year__in=years).count() if years else 0


# --- counterparties -------------------------------------------------------------------------------
def _tax_code(value: str) -> str:
    """A partita IVA (11 digits) or a codice fiscale (16 characters), checked by python-stdnum;
    stored compact and upper case."""
    from stdnum.exceptions import ValidationError as StdnumError
    from stdnum.it import codicefiscale, iva

    code = compact_code(value)
    if code.startswith("IT") and code[2:].isdigit():
        code = code[2:]  # the VAT number written with its country prefix
    if not code:
        return ""
    try:
        if code.isdigit():
            iva.validate(code)
        else:
            codicefiscale.validate(code)
    except StdnumError:
        raise ValidationError(
            _("%(value)s is not a valid partita IVA or codice fiscale.") % {"value": code[:20]},
            field="tax_code",
        ) from None
    return code


def _municipality(value: Any) -> Municipality | None:
    if value in (None, ""):
        return None
    if isinstance(value, Municipality):
        return value
    return municipality_resolve(str(value), field="municipality")


def _counterparty_values(coop: Cooperative, fields: dict[str, Any]) -> dict[str, Any]:
    """The values given (all of them on a creation, a patch's on an update), as the
    counterparty's: the tax code checked and compact, the
    municipality and the member resolved (an unknown field is left for ``assign`` to refuse)."""
    resolve = {
        "tax_code": lambda value: _tax_code(value or ""),
        "municipality": _municipality,
        "member": lambda value: _of_coop(Member, coop, value, "member"),
    }
    return {
        name: resolve[name](value) if name in resolve else value for name, value in fields.items()
    }


def _check_counterparty(counterparty: Counterparty) -> None:
    counterparty.name = counterparty.name or ""
    require_text(counterparty, ["name"])
    if counterparty.kind not in CounterpartyKind.values:
        raise ValidationError(_("Choose the kind of counterparty."), field="kind")
    same = Counterparty.objects.filter(coop=counterparty.coop, name__iexact=counterparty.name)
    if same.exclude(pk=counterparty.pk).exists():
        raise ValidationError(_("A counterparty with this name already exists."), field="name")
    validated(counterparty, exclude=["coop", "municipality", "member"])


@transaction.atomic
def counterparty_create(
    *,
    actor: Actor,
    coop: Cooperative,
    name: str,
    kind: str = CounterpartyKind.SUPPLIER,
    tax_code: str = "",
    municipality: Municipality | str | None = None,
    member: Member | int | None = None,
) -> Counterparty:
    """Add a customer, supplier or funder; its municipality (an instance, an ISTAT code or
    "Name (PR)") says whether it is local; the member is this cooperative's, or its id."""
    values = {
        "name": name,
        "kind": kind,
        "tax_code": tax_code,
        "municipality": municipality,
        "member": member,
    }
    return edit(
        Counterparty(coop=coop),
        actor=actor,
        action="counterparty.create",
        changes=_counterparty_values(coop, values),
        allowed=COUNTERPARTY_FIELDS,
        audited=COUNTERPARTY_FIELDS,
        check=_check_counterparty,
    )


@transaction.atomic
def counterparty_update(
    *, actor: Actor, counterparty: Counterparty, fields: dict[str, Any]
) -> Counterparty:
    counterparty = (
        Counterparty.objects.select_for_update().select_related("coop").get(pk=counterparty.pk)
    )
    return edit(
        counterparty,
        actor=actor,
        action="counterparty.update",
        changes=_counterparty_values(counterparty.coop, fields),
        allowed=COUNTERPARTY_FIELDS,
        audited=COUNTERPARTY_FIELDS,
        check=_check_counterparty,
    )


# --- categories -----------------------------------------------------------------------------------
def _check_category(category: Category, chart: dict[str, Category]) -> None:
    require_text(category, ["code", "name"])
    if category.direction not in Direction.values:
        raise ValidationError(_("Choose income or expense."), field="direction")
    if category.direction == Direction.INCOME:
        category.flow = Flow.REVENUE
    elif category.flow not in Flow.values or category.flow == Flow.REVENUE:
        raise ValidationError(
            _("An expense goes to wages, purchases from suppliers or other costs."), field="flow"
        )
    if category.code in chart:
        raise ValidationError(_("A category with this code already exists."), field="code")
    validated(category, exclude=["coop"])


@transaction.atomic
def category_create(
    *,
    actor: Actor,
    coop: Cooperative,
    code: str,
    name: str,
    direction: str,
    flow: str | None = "",
) -> Category:
    """Add a category of the cooperative's own; an income category always flows to revenue
    (its ``flow`` is only read for an expense)."""
    chart = chart_ensure(coop=coop)
    return edit(
        Category(coop=coop, position=len(chart)),
        actor=actor,
        action="category.create",
        changes={
            "code": (code or "").strip().lower(),
            "name": name or "",
            "direction": direction or "",
            "flow": flow or "",
        },
        allowed=CATEGORY_FIELDS,
        audited=CATEGORY_FIELDS,
        check=lambda category: _check_category(category, chart),
    )
