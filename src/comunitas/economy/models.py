"""The economy of a cooperative: the cash book (prima nota), jobs and volunteering, budgets, the
annual closing with the legal allocation of the result, ristorni, and the community
reinvestment fund.

Every amount is exact euros and cents (``MONEY``). The financial year is the calendar year, as it
is for almost every Italian cooperative: a movement belongs to the year of its date. Nothing
financial is deleted: a movement is reversed by another one of the opposite sign, and a closing,
once approved, is locked together with every movement of its year.

Each fact the impact and observatory apps will read is a field, not free text: who was paid
(``Movement.counterparty`` / ``job``), where a supplier is (``Counterparty.municipality``), which
resource or project earned or spent it, where a worker lives (``Job.municipality``).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from comunitas.commons.models import CommonResource, Sale, Service
from comunitas.core.models import MONEY, PERCENT, Cooperative, Municipality
from comunitas.decisions.budget_models import ParticipatoryBudget
from comunitas.decisions.models import Motion
from comunitas.members.models import Member, ShareMovement
from comunitas.projects.models import Need, Project

TEXT_MAX = 2_000
NAME_MAX = 200


# --- cash book ------------------------------------------------------------------------------------


class Direction(models.TextChoices):
    INCOME = "income", _("Income")
    EXPENSE = "expense", _("Expense")


class Flow(models.TextChoices):
    """Where a category's money goes in the money-flow diagram and in local-spending measures
    (LM3): wages and purchases are paid to people and suppliers who may be local."""

    REVENUE = "revenue", _("Revenue")
    WAGES = "wages", _("Wages")
    PURCHASES = "purchases", _("Purchases from suppliers")
    OTHER = "other", _("Other costs")


class Category(models.Model):
    """A line of the cooperative's chart of accounts. Each cooperative starts from the default
    chart for community cooperatives (``cashbook_services.DEFAULT_CHART``) and may add its own."""

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="categories")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    direction = models.CharField(_("direction"), max_length=7, choices=Direction.choices)
    flow = models.CharField(_("flow"), max_length=9, choices=Flow.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["coop", "direction", "position", "id"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(fields=["coop", "code"], name="category_code_once"),
            models.CheckConstraint(
                condition=(Q(direction="income") & Q(flow="revenue"))
                | (Q(direction="expense") & ~Q(flow="revenue")),
                name="category_flow_matches_direction",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CounterpartyKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    SUPPLIER = "supplier", _("Supplier")
    FUNDER = "funder", _("Funder or public body")
    OTHER = "other", _("Other")


class Counterparty(models.Model):
    """Who the cooperative was paid by or paid: a customer, a supplier, a funder. Its
    municipality says whether money spent with it stays in the territory."""

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="counterparties")
    name = models.CharField(_("name"), max_length=NAME_MAX)
    kind = models.CharField(_("kind"), max_length=8, choices=CounterpartyKind.choices)
    tax_code = models.CharField(
        _("partita IVA or codice fiscale"), max_length=16, blank=True, default=""
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["coop", "name", "id"]
        verbose_name = _("counterparty")
        verbose_name_plural = _("counterparties")
        constraints = [
            models.UniqueConstraint(fields=["coop", "name"], name="counterparty_name_once"),
        ]

    def __str__(self) -> str:
        return self.name


class MovementSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    SALE = "sale", _("Sale of the commons")
    IMPORT = "import", _("Imported")
    REVERSAL = "reversal", _("Reversal")


class ImportKind(models.TextChoices):
    BANK = "bank", _("Bank statement")
    ACCOUNTANT = "accountant", _("Accountant's export")


class ImportBatch(models.Model):
    """One imported file: its rows become movements all together or not at all."""

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="import_batches")
    kind = models.CharField(_("kind"), max_length=10, choices=ImportKind.choices)
    filename = models.CharField(_("file"), max_length=255)
    rows = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)  # rows skipped as already in the book
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["coop", "-created_at"]

    def __str__(self) -> str:
        return self.filename


class Movement(models.Model):
    """A line of the cash book (prima nota): money in or out on a day.

    ``amount`` is the gross amount, VAT included, positive for what came in (income) or went out
    (expense); a refund of a sale is an income of negative amount, and a reversal has the
    opposite sign of the movement it reverses, so that the two net to zero."""

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="cash_movements")
    on_date = models.DateField(_("date"))
    direction = models.CharField(_("direction"), max_length=7, choices=Direction.choices)
    amount = models.DecimalField(_("gross amount (€)"), **MONEY)
    vat = models.DecimalField(_("of which VAT (€)"), **MONEY, default=Decimal("0.00"))
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="cash_movements",
        verbose_name=_("category"),
    )
    description = models.CharField(_("description"), max_length=NAME_MAX, blank=True)
    reference = models.CharField(
        _("reference"), max_length=80, blank=True, help_text=_("Invoice or bank reference.")
    )
    counterparty = models.ForeignKey(
        Counterparty,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cash_movements",
        verbose_name=_("counterparty"),
    )
    resource = models.ForeignKey(
        CommonResource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cash_movements",
        verbose_name=_("common resource"),
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cash_movements",
        verbose_name=_("project"),
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cash_movements",
        verbose_name=_("service"),
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cash_movements",
        verbose_name=_("member"),
    )
    job = models.ForeignKey(
        "Job",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cash_movements",
        verbose_name=_("job"),
        help_text=_("For wages: the position paid."),
    )
    earmark = models.ForeignKey(
        "Earmark",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cash_movements",
        verbose_name=_("reinvestment fund earmark"),
        help_text=_("Spending of the community reinvestment fund."),
    )
    source = models.CharField(
        _("source"), max_length=8, choices=MovementSource.choices, default=MovementSource.MANUAL
    )
    sale = models.OneToOneField(
        Sale, on_delete=models.PROTECT, null=True, blank=True, related_name="movement"
    )
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="cash_movements"
    )
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["coop", "on_date", "id"]
        verbose_name = _("movement")
        verbose_name_plural = _("movements")
        indexes = [
            models.Index(fields=["coop", "on_date"], name="cash_movement_coop_date"),
            models.Index(
                fields=["coop", "on_date", "amount", "reference"], name="cash_movement_dup"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="movement_amount_not_zero"),
            models.CheckConstraint(
                condition=(Q(amount__gt=0) & Q(vat__gte=0) & Q(vat__lte=F("amount")))
                | (Q(amount__lt=0) & Q(vat__lte=0) & Q(vat__gte=F("amount"))),
                name="movement_vat_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(source="reversal", reverses__isnull=False)
                | (~Q(source="reversal") & Q(reverses__isnull=True)),
                name="movement_reversal_names_original",
            ),
            models.CheckConstraint(
                condition=Q(source="sale", sale__isnull=False)
                | (~Q(source="sale") & Q(sale__isnull=True)),
                name="movement_sale_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.on_date} {self.amount}"

    @property
    def net(self) -> Decimal:
        return self.amount - self.vat


# --- jobs and volunteering ------------------------------------------------------------------------


class ContractType(models.TextChoices):
    PERMANENT = "permanent", _("Permanent employment")
    FIXED_TERM = "fixed_term", _("Fixed-term employment")
    APPRENTICESHIP = "apprentice", _("Apprenticeship")
    SEASONAL = "seasonal", _("Seasonal")
    COLLABORATION = "collab", _("Collaboration or freelance")
    INTERNSHIP = "internship", _("Internship or traineeship")
    OTHER = "other", _("Other")


class AgeBand(models.TextChoices):
    UNDER_25 = "u25", _("Under 25")
    FROM_25 = "25-34", _("25-34")
    FROM_35 = "35-49", _("35-49")
    FROM_50 = "50-64", _("50-64")
    OVER_65 = "65+", _("65 and over")


class Job(models.Model):
    """A position (posto di lavoro): who holds it, under what contract, how much of a full-time
    job it is, from when to when. ``end_date`` is the first day it no longer exists
    (half-open), empty while it lasts."""

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="jobs")
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("member"),
    )
    person_name = models.CharField(
        _("person"), max_length=NAME_MAX, blank=True, help_text=_("When not a member.")
    )
    title = models.CharField(_("position"), max_length=120)
    contract = models.CharField(_("contract"), max_length=10, choices=ContractType.choices)
    fte = models.DecimalField(
        _("full-time equivalent"),
        max_digits=4,
        decimal_places=2,
        help_text=_("1 for a full-time position, 0.5 for half time."),
    )
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("worker's municipality of residence"),
    )
    lives_in_territory = models.BooleanField(_("lives in the territory"))
    age_band = models.CharField(_("age band"), max_length=5, choices=AgeBand.choices, blank=True)
    # Only with the worker's consent (kept with its date); empty when not known or not given.
    previously_unemployed = models.BooleanField(_("previously unemployed"), null=True, blank=True)
    unemployment_consent_on = models.DateField(null=True, blank=True)
    resource = models.ForeignKey(
        CommonResource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("common resource"),
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("project"),
    )
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["coop", "start_date", "id"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        constraints = [
            models.CheckConstraint(
                condition=Q(fte__gt=0) & Q(fte__lte=1), name="job_fte_between_0_and_1"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gt=F("start_date")),
                name="job_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(member__isnull=False) | ~Q(person_name=""), name="job_has_person"
            ),
            models.CheckConstraint(
                condition=Q(previously_unemployed__isnull=True)
                | Q(unemployment_consent_on__isnull=False),
                name="job_unemployment_needs_consent",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class VolunteerStatus(models.TextChoices):
    DECLARED = "declared", _("Declared, to confirm")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Not confirmed")


class VolunteerEntry(models.Model):
    """Hours of volunteering by a person on a day: entered by staff (confirmed at once) or
    declared by the volunteer and confirmed by staff."""

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="volunteering")
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteering",
        verbose_name=_("member"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The volunteer's login, when declared by the volunteer."),
    )
    person_name = models.CharField(_("volunteer"), max_length=NAME_MAX, blank=True)
    activity = models.CharField(_("activity"), max_length=NAME_MAX)
    on_date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteering",
        verbose_name=_("project"),
    )
    resource = models.ForeignKey(
        CommonResource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteering",
        verbose_name=_("common resource"),
    )
    status = models.CharField(
        _("status"),
        max_length=9,
        choices=VolunteerStatus.choices,
        default=VolunteerStatus.DECLARED,
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["coop", "-on_date", "id"]
        verbose_name = _("volunteering")
        verbose_name_plural = _("volunteering")
        indexes = [models.Index(fields=["coop", "on_date"], name="volunteer_coop_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="volunteer_hours_in_a_day"
            ),
            models.CheckConstraint(
                condition=Q(member__isnull=False) | Q(user__isnull=False) | ~Q(person_name=""),
                name="volunteer_has_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.on_date} {self.hours}"


class VolunteerRate(models.Model):
    """The value of one hour of volunteering from ``valid_from`` (used by the impact app to
    value volunteer time; a dated parameter the cooperative sets and justifies)."""

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="volunteer_rates")
    valid_from = models.DateField(_("in force from"))
    hourly_value = models.DecimalField(_("value of an hour (€)"), **MONEY)
    source = models.CharField(
        _("basis"), max_length=NAME_MAX, blank=True, help_text=_("Where the value comes from.")
    )

    class Meta:
        ordering = ["coop", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["coop", "valid_from"], name="volunteer_rate_once"),
            models.CheckConstraint(condition=Q(hourly_value__gt=0), name="volunteer_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.valid_from}: {self.hourly_value}"


# --- budgets --------------------------------------------------------------------------------------


class BudgetLine(models.Model):
    """The amount planned for a category in a year, for the whole cooperative, a project or a
    common resource (at most one of the two)."""

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="budget_lines")
    year = models.PositiveSmallIntegerField(_("year"))
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="budget_lines", verbose_name=_("category")
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="economy_budget",
        verbose_name=_("project"),
    )
    resource = models.ForeignKey(
        CommonResource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_lines",
        verbose_name=_("common resource"),
    )
    amount = models.DecimalField(_("planned (€)"), **MONEY)

    class Meta:
        ordering = ["coop", "year", "category", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_line_not_negative"),
            models.CheckConstraint(
                condition=Q(project__isnull=True) | Q(resource__isnull=True),
                name="budget_line_one_subject",
            ),
            models.UniqueConstraint(
                fields=["coop", "year", "category", "project", "resource"],
                name="budget_line_once",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.category_id} {self.amount}"


# --- annual closing -------------------------------------------------------------------------------


class ResultSource(models.TextChoices):
    CASH_BOOK = "cash_book", _("From the cash book")
    STATEMENT = "statement", _("From the approved financial statement")


class ClosingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PROPOSED = "proposed", _("Proposed to the assembly")
    APPROVED = "approved", _("Approved")


class PostalBondRate(models.Model):
    """The highest rate of the buoni postali fruttiferi from ``valid_from``: art. 2514 c.c. caps
    the dividends of a prevalently mutualistic cooperative at this rate plus 2.5 points of the
    paid-in capital. A dated parameter, entered with its source."""

    valid_from = models.DateField(_("in force from"), unique=True)
    rate = models.DecimalField(_("rate (%)"), **PERCENT)
    source = models.CharField(_("source"), max_length=NAME_MAX)

    class Meta:
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.valid_from}: {self.rate}%"


class Closing(models.Model):
    """The closing of a financial year (esercizio): its result and how the result is allocated.

    A loss allocates nothing. Approval names the assembly's motion that approved it and locks the
    closing and every movement of its year."""

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="closings")
    year = models.PositiveSmallIntegerField(_("year"))
    result_source = models.CharField(_("result taken"), max_length=9, choices=ResultSource.choices)
    result = models.DecimalField(_("result for the year (€)"), **MONEY)  # negative: a loss
    status = models.CharField(
        _("status"), max_length=8, choices=ClosingStatus.choices, default=ClosingStatus.DRAFT
    )
    # Art. 2514 dividend cap: the buoni postali rate used (from PostalBondRate, or as entered)
    # and the paid-in capital the dividends are computed on.
    postal_bond_rate = models.DecimalField(_("buoni postali rate (%)"), **PERCENT)
    paid_in_capital = models.DecimalField(_("paid-in capital (€)"), **MONEY)
    motion = models.ForeignKey(
        Motion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assembly motion"),
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    notes = models.TextField(_("notes"), max_length=TEXT_MAX, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["coop", "-year"]
        verbose_name = _("annual closing")
        verbose_name_plural = _("annual closings")
        constraints = [
            models.UniqueConstraint(fields=["coop", "year"], name="closing_once_a_year"),
            models.CheckConstraint(
                condition=~Q(status="approved") | (Q(approved_on__isnull=False)),
                name="closing_approved_has_date",
            ),
            models.CheckConstraint(condition=Q(paid_in_capital__gte=0), name="closing_capital"),
        ]

    def __str__(self) -> str:
        return f"{self.coop} {self.year}"

    @property
    def locked(self) -> bool:
        return self.status == ClosingStatus.APPROVED


class AllocationKind(models.TextChoices):
    """The lines of the allocation, in the legal order (DOMAIN.md §2)."""

    LEGAL_RESERVE = "legal_reserve", _("Legal reserve (art. 2545-quater c.c., at least 30%)")
    MUTUAL_FUNDS = "mutual_funds", _("Fondi mutualistici (L. 59/1992 art. 11, 3%)")
    RISTORNI = "ristorni", _("Ristorni to members (art. 2545-sexies c.c.)")
    DIVIDENDS = "dividends", _("Dividends (within the art. 2514 c.c. cap)")
    INDIVISIBLE_RESERVE = "indivisible", _("Indivisible reserve (art. 2545-ter c.c.)")
    REINVESTMENT_FUND = "reinvestment", _("Community reinvestment fund")


class AllocationLine(models.Model):
    closing = models.ForeignKey(Closing, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("allocation"), max_length=13, choices=AllocationKind.choices)
    amount = models.DecimalField(_("amount (€)"), **MONEY)

    class Meta:
        ordering = ["closing", "id"]
        constraints = [
            models.UniqueConstraint(fields=["closing", "kind"], name="allocation_line_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="allocation_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"


# --- ristorni -------------------------------------------------------------------------------------


class RistornoBasis(models.TextChoices):
    """What a member's exchange with the cooperative is measured by (art. 2545-sexies)."""

    WORK = "work", _("Work: full-time-equivalent days of the member's jobs")
    PURCHASES = "purchases", _("Purchases: what the member paid for goods and services")
    SERVICES = "services", _("Services used: bookings and items bought")


class RistornoPlan(models.Model):
    """The ristorni of a closing: the amount the allocation gives them, the basis, and how much
    of each member's ristorno becomes new shares instead of cash."""

    closing = models.OneToOneField(Closing, on_delete=models.CASCADE, related_name="ristorno")
    basis = models.CharField(_("basis"), max_length=9, choices=RistornoBasis.choices)
    shares_percent = models.DecimalField(
        _("paid as new shares (%)"), **PERCENT, default=Decimal("0")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(shares_percent__gte=0) & Q(shares_percent__lte=100),
                name="ristorno_shares_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.closing_id} {self.basis}"


class Ristorno(models.Model):
    """One member's ristorno (art. 2545-sexies): the exchange measured, the amount, the part
    paid in cash and the part turned into shares through the member book."""

    plan = models.ForeignKey(RistornoPlan, on_delete=models.CASCADE, related_name="lines")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="ristorni")
    exchange = models.DecimalField(
        _("exchange with the cooperative"), max_digits=16, decimal_places=2
    )
    amount = models.DecimalField(_("ristorno (€)"), **MONEY)
    cash = models.DecimalField(_("in cash (€)"), **MONEY)
    in_shares = models.DecimalField(_("as shares (€)"), **MONEY)
    share_movement = models.ForeignKey(
        ShareMovement, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cash_paid_on = models.DateField(_("cash paid on"), null=True, blank=True)

    class Meta:
        ordering = ["plan", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "member"], name="ristorno_once_per_member"),
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(cash__gte=0) & Q(in_shares__gte=0),
                name="ristorno_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(amount=F("cash") + F("in_shares")), name="ristorno_parts_add_up"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.amount}"


# --- community reinvestment fund ------------------------------------------------------------------


class EarmarkSource(models.TextChoices):
    BOARD = "board", _("Board decision")
    PARTICIPATORY_BUDGET = "budget", _("Participatory budget")


class Earmark(models.Model):
    """Money of the community reinvestment fund set aside for a project or a need. What is
    spent against it is the expense movements that name it."""

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="earmarks")
    on_date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount (€)"), **MONEY)
    source = models.CharField(_("decided by"), max_length=6, choices=EarmarkSource.choices)
    decision_reference = models.CharField(
        _("decision"), max_length=NAME_MAX, blank=True, help_text=_("The board's minutes.")
    )
    budget = models.ForeignKey(
        ParticipatoryBudget,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="earmarks",
        verbose_name=_("participatory budget"),
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="earmarks",
        verbose_name=_("project"),
    )
    need = models.ForeignKey(
        Need,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="earmarks",
        verbose_name=_("need"),
    )
    purpose = models.CharField(_("purpose"), max_length=NAME_MAX)
    released = models.BooleanField(
        _("released"), default=False, help_text=_("What was not spent returns to the fund.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["coop", "-on_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="earmark_positive"),
            models.CheckConstraint(
                condition=Q(project__isnull=False) | Q(need__isnull=False),
                name="earmark_has_purpose",
            ),
            models.CheckConstraint(
                condition=~Q(source="budget") | Q(budget__isnull=False),
                name="earmark_budget_named",
            ),
        ]

    def __str__(self) -> str:
        return self.purpose
