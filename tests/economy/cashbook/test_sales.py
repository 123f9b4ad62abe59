"""Sales of the commons post themselves to the cash book, once: a paid booking is one income, its
refund a negative one, an order line a service or a product; sales recorded before the economy
existed post in bulk; a frozen year's sales wait and are counted."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone
from typer.testing import CliRunner

from comunitas.cli import app
from comunitas.commons.bookings import services as bookings_services
from comunitas.commons.models import Sale, SaleKind
from comunitas.commons.stats import sales as commons_sales
from comunitas.commons.ticketing import services as ticketing_services
from comunitas.economy.cashbook import services
from comunitas.economy.models import Direction, Movement, MovementSource
from tests.commons.bookings.matrix import DAY, at, book, make_unit
from tests.commons.ticketing.matrix import buy, make_event, make_service
from tests.economy.cashbook.matrix import freeze
from tests.helpers import make_resource

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(people):
    resource = make_resource(people["coop"], people["admin"])
    return make_unit(resource, people["admin"], max_minutes=240, public_booking=False)


def paid_booking(unit, people):
    booking = book(unit, people["member"], at(DAY, 10), at(DAY, 12))
    bookings_services.booking_pay(actor=people["staff"], booking=booking, method="bank_transfer")
    return booking


def test_a_paid_booking_posts_one_income_even_if_posted_again(people, unit):
    booking = paid_booking(unit, people)
    sale = Sale.objects.get(booking=booking)
    movement = Movement.objects.get(sale=sale)
    assert movement.source == MovementSource.SALE and movement.direction == Direction.INCOME
    assert movement.amount == sale.amount == booking.price
    assert movement.category.code == "services" and movement.resource_id == unit.resource_id
    assert movement.member_id == booking.member_id and movement.on_date == sale.on_date
    assert str(booking.pk) in movement.reference
    assert services.sale_post(sale=sale) is None
    assert services.sales_post_pending(coop=people["coop"]) == 0
    assert Movement.objects.filter(sale__booking=booking).count() == 1


def test_a_refund_is_a_negative_income(people, unit):
    booking = paid_booking(unit, people)
    bookings_services.booking_cancel(
        actor=people["member"], booking=booking, now=booking.start - timezone.timedelta(days=3)
    )
    refund = Movement.objects.get(sale__booking=booking, sale__kind=SaleKind.REFUND)
    assert refund.direction == Direction.INCOME and refund.amount == -booking.price
    assert refund.description.startswith("Refund")
    total = sum(m.amount for m in Movement.objects.filter(sale__booking=booking))
    assert total == 0


def test_an_order_line_is_a_service_or_a_product(people):
    coop = people["coop"]
    screening = make_service(coop)
    honey = make_service(coop, name="Honey", kind="product")
    order = buy(coop, people["resident"], [(screening, make_event(screening), 2), (honey, None, 1)])
    ticketing_services.order_pay(actor=people["staff"], order=order, reference="scontrino 12")
    codes = {m.service_id: m.category.code for m in Movement.objects.filter(source="sale")}
    assert codes == {screening.pk: "services", honey.pk: "products"}
    assert set(Movement.objects.values_list("reference", flat=True)) == {"scontrino 12"}
    assert sum(m.amount for m in Movement.objects.all()) == order.total


def test_sales_recorded_before_the_economy_post_in_bulk_and_frozen_years_wait(people, unit):
    coop = people["coop"]
    listeners = list(commons_sales._sale_listeners)
    commons_sales._sale_listeners.clear()  # as before the economy existed
    try:
        first = paid_booking(unit, people)
        second = book(unit, people["member"], at(DAY, 14), at(DAY, 16))
        bookings_services.booking_pay(actor=people["staff"], booking=second, method="on_site")
    finally:
        commons_sales._sale_listeners[:] = listeners
    assert not Movement.objects.exists()
    old = Sale.objects.get(booking=second)
    last_year = timezone.localdate().year - 1
    Sale.objects.filter(pk=old.pk).update(on_date=old.on_date.replace(year=last_year))
    freeze(coop, last_year)
    assert services.sales_post_pending(coop=coop) == 1
    assert Movement.objects.get().sale.booking == first
    assert services.sales_pending_frozen(coop=coop) == 1
    assert services.sales_post_pending(coop=coop) == 0  # idempotent
    old.refresh_from_db()
    assert services.sale_post(sale=old) is None  # the frozen year is skipped


def test_the_cli_posts_the_pending_sales(people, unit):
    listeners = list(commons_sales._sale_listeners)
    commons_sales._sale_listeners.clear()
    try:
        paid_booking(unit, people)
    finally:
        commons_sales._sale_listeners[:] = listeners
    result = CliRunner().invoke(app, ["economy", "post-sales", "--coop", "alpha"])
    assert result.exit_code == 0, result.output
    assert "1 sales posted" in result.output
    assert Movement.objects.get().amount == Decimal("24.00")
