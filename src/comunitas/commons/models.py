"""The registry of common resources (beni comuni) a cooperative looks after: what they are, who
owns them, on which legal basis the cooperative uses them, what it must do for them, and the
history of what was done on them."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comunitas.core.models import MONEY, Cooperative, Municipality


class ResourceKind(models.TextChoices):
    BUILDING = "building", _("Building")
    LAND = "land", _("Land")
    HERITAGE = "heritage", _("Cultural heritage site")
    EQUIPMENT = "equipment", _("Equipment")
    VEHICLE = "vehicle", _("Vehicle")
    OTHER = "other", _("Other")


class OwnerKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    PUBLIC_BODY = "public_body", _("Other public body")
    CHURCH = "church", _("Church body")
    PRIVATE = "private", _("Private owner")
    # Beni confiscati alla criminalità organizzata (D.lgs. 159/2011, art. 48).
    CONFISCATED = "confiscated", _("State: confiscated asset")


class Condition(models.TextChoices):
    GOOD = "good", _("Good")
    NEEDS_WORK = "needs_work", _("Needs work")
    UNUSABLE = "unusable", _("Unusable")


class CommonResource(models.Model):
    """A common resource (bene comune) the cooperative runs: a cinema, catacombs, a refuge."""

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="resources")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=ResourceKind.choices)
    owner_kind = models.CharField(_("owner"), max_length=12, choices=OwnerKind.choices)
    owner_name = models.CharField(_("owner's name"), max_length=200, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity (people)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    condition = models.CharField(
        _("condition"), max_length=12, choices=Condition.choices, default=Condition.GOOD
    )
    description = models.TextField(_("description"), blank=True, max_length=4000)
    is_public = models.BooleanField(
        _("shown on the public page"),
        default=False,
        help_text=_("Visitors of the cooperative's public page see this resource."),
    )
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["coop", "name", "id"]
        verbose_name = _("common resource")
        verbose_name_plural = _("common resources")
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=0),
                name="resource_capacity_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.name


class UseRightKind(models.TextChoices):
    CONCESSION = "concession", _("Concession (concessione)")
    COMODATO = "comodato", _("Free loan (comodato d'uso)")
    PACT = "pact", _("Collaboration pact (patto di collaborazione)")
    LEASE = "lease", _("Lease (locazione)")
    OWNERSHIP = "ownership", _("Ownership (proprietà)")
    # Assegnazione di un bene confiscato (D.lgs. 159/2011, art. 48 c. 3).
    CONFISCATED = "confiscated", _("Assignment of a confiscated asset")


class UseRight(models.Model):
    """The legal basis (titolo di utilizzo) on which the cooperative uses a resource, valid
    over the half-open range [start_on, end_on); ownership has no end."""

    resource = models.ForeignKey(
        CommonResource, on_delete=models.CASCADE, related_name="use_rights"
    )
    kind = models.CharField(_("legal basis"), max_length=12, choices=UseRightKind.choices)
    granted_by = models.CharField(_("granted by"), max_length=200, blank=True)
    reference = models.CharField(_("deed reference"), max_length=200, blank=True)
    start_on = models.DateField(_("from"))
    end_on = models.DateField(_("until"), null=True, blank=True)
    annual_fee = models.DecimalField(_("annual fee"), default=0, **MONEY)
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["resource", "-start_on", "-id"]
        verbose_name = _("legal basis for use")
        verbose_name_plural = _("legal bases for use")
        constraints = [
            models.CheckConstraint(
                condition=Q(annual_fee__gte=0), name="use_right_fee_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gt=F("start_on")),
                name="use_right_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class ObligationKind(models.TextChoices):
    INSURANCE = "insurance", _("Insurance")
    MAINTENANCE = "maintenance", _("Maintenance")
    REPORTING = "reporting", _("Reporting to the owner")
    OTHER = "other", _("Other")


class Obligation(models.Model):
    """Something the cooperative must do for a resource by a date (an insurance to renew, the
    yearly report owed to the municipality under the concession)."""

    resource = models.ForeignKey(
        CommonResource, on_delete=models.CASCADE, related_name="obligations"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ObligationKind.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    recurring_months = models.PositiveSmallIntegerField(
        _("repeats every (months)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["resource", "due_on", "id"]
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        constraints = [
            models.CheckConstraint(
                condition=Q(recurring_months__isnull=True) | Q(recurring_months__gte=1),
                name="obligation_recurrence_positive",
            )
        ]

    def __str__(self) -> str:
        return self.description or self.get_kind_display()


class ResourceLogEntry(models.Model):
    """One line of a resource's history: work done, an inspection, a handover."""

    resource = models.ForeignKey(CommonResource, on_delete=models.CASCADE, related_name="log")
    on_date = models.DateField(_("date"))
    text = models.TextField(_("what was done"), max_length=4000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["resource", "-on_date", "-id"]
        verbose_name = _("history entry")
        verbose_name_plural = _("history entries")

    def __str__(self) -> str:
        return self.text[:60]


class ResourceFileKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    DOCUMENT = "document", _("Document")


def _resource_file_path(instance: ResourceFile, filename: str) -> str:
    # The stored name never comes from the uploader (no path tricks, no clashes).
    return f"commons/{instance.resource.coop_id}/{instance.resource_id}/{instance.token}"


class ResourceFile(models.Model):
    """A photo or document of a resource (the concession deed, the insurance policy, a floor
    plan), stored under MEDIA_ROOT, outside the web root, and served only by a view that asks
    who may see it: photos marked public to visitors, documents to staff and the board."""

    resource = models.ForeignKey(CommonResource, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=10, choices=ResourceFileKind.choices)
    title = models.CharField(_("title"), max_length=200)
    token = models.CharField(max_length=40, unique=True, editable=False)
    file = models.FileField(upload_to=_resource_file_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    is_public = models.BooleanField(_("shown to visitors"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["resource", "kind", "-uploaded_at", "-id"]
        verbose_name = _("file")
        verbose_name_plural = _("files")

    def __str__(self) -> str:
        return self.title


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


class SaleKind(models.TextChoices):
    SALE = "sale", _("Sale")
    REFUND = "refund", _("Refund")


class Sale(models.Model):
    """Revenue the commons earned: one row per paid booking or order line (and a negative row
    when it is refunded), written once by ``commons.sales``. The economy issue posts these to
    the cash book and reads members' rows as their exchanges with the cooperative (ristorni);
    the impact issue reads who used what."""

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
