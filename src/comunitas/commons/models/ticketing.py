"""The catalogue and the box office: services (a tour, a screening, a product) with their prices,
timed events with seats, orders, their lines and the tickets checked at the door."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comunitas.commons.models.bookings import CustomerKind, PaymentMethod, PaymentState
from comunitas.commons.models.resources import CommonResource
from comunitas.core.models import MONEY, Cooperative


class ServiceKind(models.TextChoices):
    TOUR = "tour", _("Guided tour")
    SCREENING = "screening", _("Screening or show")
    STAY = "stay", _("Overnight stay")
    REPAIR = "repair", _("Repair or work")
    PRODUCT = "product", _("Product")
    OTHER = "other", _("Other service")


class Service(models.Model):
    """An item of the cooperative's catalogue: a guided tour, a screening, a night at the
    refuge, a repair, a jar of honey from the shop."""

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="services")
    resource = models.ForeignKey(
        CommonResource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="services",
        verbose_name=_("common resource"),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=ServiceKind.choices)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    is_active = models.BooleanField(_("on sale"), default=True)
    is_public = models.BooleanField(_("sold to visitors"), default=False)
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["coop", "name", "id"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self) -> str:
        return self.name


class ServicePrice(models.Model):
    """The price of a service (per ticket, night or item) for one kind of customer."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="prices")
    customer_kind = models.CharField(_("customer"), max_length=12, choices=CustomerKind.choices)
    price = models.DecimalField(_("price"), **MONEY)

    class Meta:
        ordering = ["service", "customer_kind"]
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        constraints = [
            models.UniqueConstraint(fields=["service", "customer_kind"], name="service_price_once"),
            models.CheckConstraint(condition=Q(price__gte=0), name="service_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_customer_kind_display()} {self.price}"


class Event(models.Model):
    """A timed occurrence of a service with seats (a screening at 21:00, a tour at 10:30).
    ``seats_taken`` only moves by a conditional UPDATE and a check constraint caps it at
    ``seats``, so no interleaving of buyers can oversell, on either database."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="events")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    seats = models.PositiveIntegerField(_("seats"))
    seats_taken = models.PositiveIntegerField(default=0)
    is_cancelled = models.BooleanField(default=False)
    synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["service", "starts_at"], name="event_service_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(seats_taken__lte=F("seats")), name="event_never_oversold"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="event_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def seats_left(self) -> int:
        return self.seats - self.seats_taken


class OrderStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CANCELLED = "cancelled", _("Cancelled")


class Order(models.Model):
    """A purchase: tickets for events and items of the catalogue, with its payment state."""

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="orders")
    code = models.CharField(max_length=16, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.OPEN
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    customer_name = models.CharField(_("name"), max_length=200)
    customer_email = models.EmailField(_("e-mail"), blank=True)
    customer_kind = models.CharField(_("customer"), max_length=12, choices=CustomerKind.choices)
    total = models.DecimalField(_("total"), **MONEY)
    payment_state = models.CharField(
        _("payment"), max_length=12, choices=PaymentState.choices, default=PaymentState.TO_PAY
    )
    payment_method = models.CharField(
        _("paid by"), max_length=14, choices=PaymentMethod.choices, blank=True
    )
    payment_provider = models.CharField(max_length=30, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [models.Index(fields=["coop", "created_at"], name="order_coop_created")]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="order_total_not_negative")
        ]

    def __str__(self) -> str:
        return self.code


class OrderLine(models.Model):
    """So many of one service (for one event, when it has seats) at the price of the day."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, null=True, blank=True, related_name="lines"
    )
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(_("price each"), **MONEY)
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0) & Q(amount__gte=0), name="line_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.service}"


class Ticket(models.Model):
    """One seat of an event, with the code checked at the door (once)."""

    line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="tickets")
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="tickets")
    code = models.CharField(max_length=16, unique=True)
    is_void = models.BooleanField(default=False)  # the order was cancelled
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["event", "id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")

    def __str__(self) -> str:
        return self.code
