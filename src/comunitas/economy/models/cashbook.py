"""Tables of the cash book (prima nota): the chart of accounts (``Category``), counterparties,
imported files and the movements themselves, with the text limits every economy model uses.

Every amount is exact euros and cents (``MONEY``); a movement belongs to the calendar year of
its date and is never deleted, only reversed by its opposite. ``Movement.job`` and
``Movement.earmark`` name the work and fund models by string, so this module imports no other
capability's models."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from comunitas.commons.models import CommonResource, Sale, Service
from comunitas.core.kernel.money import ZERO
from comunitas.core.models import MONEY, Cooperative, Municipality
from comunitas.members.models import Member
from comunitas.projects.models import Project

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
    chart for community cooperatives (``cashbook.chart.DEFAULT_CHART``) and may add its own."""

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
    vat = models.DecimalField(_("of which VAT (€)"), **MONEY, default=ZERO)
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
