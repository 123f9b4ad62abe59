"""Sales: the revenue the commons earn, one row per paid booking or order line, written once.

Called by the booking and order services inside their transaction when something is paid or
refunded; a second call is a no-op rather than a double count.
The economy issue posts these rows to the cash book."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone

from comunitas.commons.models import Booking, Order, Sale, SaleKind

# Told of each new Sale, inside its transaction. A higher app adds itself here from its
# AppConfig.ready (the economy, which posts sales to its cash book), so that the commons never
# import it: higher layers call down (ARCHITECTURE.md).
_sale_listeners: list[Callable[[Sale], object]] = []


def sale_listener_add(listener: Callable[[Sale], object]) -> None:
    if listener not in _sale_listeners:
        _sale_listeners.append(listener)


def _record(**fields) -> Sale | None:
    # The caller holds a lock on the booking or order, so this check cannot race; the unique
    # constraints on Sale are the last line.
    source = {k: fields[k] for k in ("booking", "order_line", "kind") if k in fields}
    if Sale.objects.filter(**source).exists():
        return None
    sale = Sale.objects.create(**fields)
    for listener in _sale_listeners:
        listener(sale)
    return sale


def booking_sold(booking: Booking, *, refund: bool = False) -> Sale | None:
    """Record the payment (or refund) of a booking; nothing for a free booking."""
    if booking.price == 0:
        return None
    return _record(
        coop_id=booking.coop_id,
        kind=SaleKind.REFUND if refund else SaleKind.SALE,
        on_date=timezone.localdate(),
        amount=-booking.price if refund else booking.price,
        resource_id=booking.unit.resource_id,
        booking=booking,
        customer_kind=booking.customer_kind,
        member_id=booking.member_id,
        quantity=1,
        payment_method=booking.payment_method,
        synthetic=booking.synthetic,
    )


def order_sold(order: Order, *, refund: bool = False) -> list[Sale]:
    """Record the payment (or refund) of each line of an order with something to pay."""
    sales = []
    for line in order.lines.select_related("service"):
        if line.amount == Decimal(0):
            continue
        sale = _record(
            coop_id=order.coop_id,
            kind=SaleKind.REFUND if refund else SaleKind.SALE,
            on_date=timezone.localdate(),
            amount=-line.amount if refund else line.amount,
            resource_id=line.service.resource_id,
            service_id=line.service_id,
            order_line=line,
            customer_kind=order.customer_kind,
            member_id=order.member_id,
            quantity=-line.quantity if refund else line.quantity,
            payment_method=order.payment_method,
            synthetic=order.synthetic,
        )
        if sale is not None:
            sales.append(sale)
    return sales
