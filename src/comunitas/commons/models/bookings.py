"""Bookable units (a room, a screen, a pitch) with their opening hours, closed days and hourly
prices, and the bookings of them, single or weekly. Also the kinds of customer and the payment
states and methods that orders and sales reuse."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comunitas.commons.models.resources import CommonResource
from comunitas.core.models import MONEY, Cooperative


class CustomerKind(models.TextChoices):
    """Who books or buys, for prices and for the statistics: the economy issue reads members'
    exchanges for ristorni, the impact issue residents' use."""

    MEMBER = "member", _("Member")
    RESIDENT = "resident", _("Resident")
    ASSOCIATION = "association", _("Association")
    PUBLIC = "public", _("Public")
    FREE = "free", _("Free of charge")


class BookableUnit(models.Model):
    """A part of a resource that people book by the hour: a room, a screen, a bike, a pitch."""

    resource = models.ForeignKey(CommonResource, on_delete=models.CASCADE, related_name="units")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    capacity = models.PositiveIntegerField(_("capacity (people)"), null=True, blank=True)
    is_active = models.BooleanField(_("bookable"), default=True)
    public_booking = models.BooleanField(
        _("visitors may request a booking"),
        default=False,
        help_text=_("Shown on the public booking page of a public cooperative."),
    )
    approval_required = models.BooleanField(_("staff approve each booking"), default=False)
    slot_minutes = models.PositiveSmallIntegerField(
        _("bookings start and end on multiples of (minutes)"),
        default=30,
        validators=[MinValueValidator(5)],
    )
    min_minutes = models.PositiveSmallIntegerField(_("shortest booking (minutes)"), default=60)
    max_minutes = models.PositiveIntegerField(_("longest booking (minutes)"), default=480)
    lead_hours = models.PositiveSmallIntegerField(_("book at least (hours) ahead"), default=0)
    horizon_days = models.PositiveSmallIntegerField(_("book at most (days) ahead"), default=180)
    # The cancellation policy: a booker may cancel free of charge until this many hours before
    # the start; later only staff can cancel, and the price stays due.
    free_cancel_hours = models.PositiveSmallIntegerField(
        _("free cancellation until (hours before)"), default=48
    )
    # Bumped in the transaction of every change to the unit, its hours, closed days or
    # bookings (they all lock the unit first): a cached availability names the version it shows.
    version = models.PositiveIntegerField(default=0, editable=False)
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["resource", "name", "id"]
        verbose_name = _("bookable unit")
        verbose_name_plural = _("bookable units")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_minutes__gte=F("slot_minutes"))
                & Q(max_minutes__gte=F("min_minutes")),
                name="unit_lengths_ordered",
            ),
            models.CheckConstraint(condition=Q(slot_minutes__gte=5), name="unit_slot_positive"),
        ]

    def __str__(self) -> str:
        return self.name


WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class OpeningHours(models.Model):
    """When a unit can be booked on a weekday (several rows for a day with a lunch break)."""

    unit = models.ForeignKey(BookableUnit, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), choices=WEEKDAYS
    )  # 0 = Monday, as date.weekday()
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["unit", "weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(condition=Q(closes__gt=F("opens")), name="hours_closes_later"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="hours_weekday_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class ClosedDay(models.Model):
    """A day a unit is closed although its opening hours say otherwise (a holiday, works)."""

    unit = models.ForeignKey(BookableUnit, on_delete=models.CASCADE, related_name="closed_days")
    on_date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["unit", "on_date"]
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")
        constraints = [models.UniqueConstraint(fields=["unit", "on_date"], name="closed_day_once")]

    def __str__(self) -> str:
        return f"{self.on_date}"


class UnitPrice(models.Model):
    """The hourly price of a unit for one kind of booker; a kind without a row cannot book."""

    unit = models.ForeignKey(BookableUnit, on_delete=models.CASCADE, related_name="prices")
    customer_kind = models.CharField(_("booker"), max_length=12, choices=CustomerKind.choices)
    hourly = models.DecimalField(_("price per hour"), **MONEY)

    class Meta:
        ordering = ["unit", "customer_kind"]
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        constraints = [
            models.UniqueConstraint(fields=["unit", "customer_kind"], name="unit_price_once"),
            models.CheckConstraint(condition=Q(hourly__gte=0), name="unit_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_customer_kind_display()} {self.hourly}"


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", _("Awaiting approval")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


# A booking in these states holds its time: no other may overlap it.
HOLDING = [BookingStatus.REQUESTED, BookingStatus.CONFIRMED]


class PaymentState(models.TextChoices):
    TO_PAY = "to_pay", _("To pay")
    PAID = "paid", _("Paid")
    NOTHING_DUE = "nothing_due", _("Nothing due")
    REFUNDED = "refunded", _("Refunded")


class PaymentMethod(models.TextChoices):
    ON_SITE = "on_site", _("Paid on site")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    PROVIDER = "provider", _("Payment provider")


class BookingSeries(models.Model):
    """A weekly recurring booking (the choir every Tuesday); each occurrence is a Booking."""

    unit = models.ForeignKey(BookableUnit, on_delete=models.CASCADE, related_name="series")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    first_start = models.DateTimeField()
    minutes = models.PositiveIntegerField()
    weeks = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recurring booking")
        verbose_name_plural = _("recurring bookings")

    def __str__(self) -> str:
        return f"{self.unit} x{self.weeks}"


class Booking(models.Model):
    """A unit held over the half-open range [start, end). No two holding bookings of a unit
    overlap: on PostgreSQL an exclusion constraint (migration 0003) says so, and the service
    checks under a lock on the unit, so SQLite answers the same."""

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="bookings")
    unit = models.ForeignKey(BookableUnit, on_delete=models.PROTECT, related_name="bookings")
    series = models.ForeignKey(
        BookingSeries, on_delete=models.SET_NULL, null=True, blank=True, related_name="bookings"
    )
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    status = models.CharField(_("status"), max_length=10, choices=BookingStatus.choices)
    title = models.CharField(_("purpose"), max_length=200, blank=True)
    # Who booked: a login when there is one, a member when the booker is one (ristorni), and
    # always a name and e-mail to reach them (a visitor or a caller entered by staff).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings",
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="bookings"
    )
    booker_name = models.CharField(_("booked by"), max_length=200)
    booker_email = models.EmailField(_("e-mail"), blank=True)
    customer_kind = models.CharField(_("booker"), max_length=12, choices=CustomerKind.choices)
    price = models.DecimalField(_("price"), **MONEY)
    payment_state = models.CharField(
        _("payment"), max_length=12, choices=PaymentState.choices, default=PaymentState.TO_PAY
    )
    payment_method = models.CharField(
        _("paid by"), max_length=14, choices=PaymentMethod.choices, blank=True
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    late_cancellation = models.BooleanField(default=False)  # the price stays due
    ical_token = models.CharField(max_length=40, blank=True)
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit", "start", "id"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        indexes = [
            models.Index(fields=["unit", "start"], name="booking_unit_start"),
            models.Index(fields=["coop", "start"], name="booking_coop_start"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="booking_end_after_start"),
            models.CheckConstraint(condition=Q(price__gte=0), name="booking_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {timezone.localtime(self.start):%Y-%m-%d %H:%M}"
