"""Sales: the revenue the commons earned, one row per paid booking or order line and a negative row
per refund, written by ``commons.stats.sales``; the statistics and the economy read them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from comunitas.commons.models.bookings import Booking, CustomerKind, PaymentMethod
from comunitas.commons.models.resources import CommonResource
from comunitas.commons.models.ticketing import OrderLine, Service
from comunitas.core.models import MONEY, Cooperative


class SaleKind(models.TextChoices):
    SALE = "sale", _("Sale")
    REFUND = "refund", _("Refund")


class Sale(models.Model):
    """Revenue the commons earned: one row per paid booking or order line (and a negative row
    when it is refunded), written once by ``commons.stats.sales``. The economy posts these to
    its cash book (``economy.cashbook``) and reads members' rows as their exchanges with the
    cooperative (ristorni, ``economy.closing``); the impact app reads who used what."""

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="sales")
    kind = models.CharField(max_length=6, choices=SaleKind.choices, default=SaleKind.SALE)
    on_date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), **MONEY)  # negative for a refund
    resource = models.ForeignKey(
        CommonResource, on_delete=models.PROTECT, null=True, blank=True, related_name="sales"
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="sales"
    )
    booking = models.ForeignKey(
        Booking, on_delete=models.PROTECT, null=True, blank=True, related_name="sales"
    )
    order_line = models.ForeignKey(
        OrderLine, on_delete=models.PROTECT, null=True, blank=True, related_name="sales"
    )
    customer_kind = models.CharField(_("customer"), max_length=12, choices=CustomerKind.choices)
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="sales"
    )
    quantity = models.IntegerField(default=1)  # tickets, items, or 1 for a booking
    payment_method = models.CharField(max_length=14, choices=PaymentMethod.choices)
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["coop", "on_date", "id"]
        verbose_name = _("sale")
        verbose_name_plural = _("sales")
        indexes = [models.Index(fields=["coop", "on_date"], name="sale_coop_date")]
        constraints = [
            # Exactly one source, and each source sold (and refunded) at most once.
            models.CheckConstraint(
                condition=(Q(booking__isnull=False) & Q(order_line__isnull=True))
                | (Q(booking__isnull=True) & Q(order_line__isnull=False)),
                name="sale_one_source",
            ),
            models.UniqueConstraint(
                fields=["booking", "kind"],
                condition=Q(booking__isnull=False),
                name="sale_booking_once",
            ),
            models.UniqueConstraint(
                fields=["order_line", "kind"],
                condition=Q(order_line__isnull=False),
                name="sale_line_once",
            ),
            models.CheckConstraint(
                condition=(Q(kind="sale") & Q(amount__gte=0))
                | (Q(kind="refund") & Q(amount__lte=0)),
                name="sale_sign_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.on_date} {self.amount}"
