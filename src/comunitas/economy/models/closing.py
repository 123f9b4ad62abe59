"""Tables of the annual closing: the closing of a year and its result, the lines of the legal
allocation, how a loss is covered, the buoni postali rates that cap dividends (art. 2514 c.c.),
and the ristorni (art. 2545-sexies c.c.) with each member's line."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from comunitas.core.models import MONEY, PERCENT, Cooperative
from comunitas.decisions.models import Motion
from comunitas.economy.models.cashbook import NAME_MAX, TEXT_MAX
from comunitas.members.models import Member, ShareMovement

# --- annual closing -------------------------------------------------------------------------------


class ResultSource(models.TextChoices):
    CASH_BOOK = "cash_book", _("From the cash book")
    STATEMENT = "statement", _("From the approved financial statement")


class ClosingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PROPOSED = "proposed", _("Proposed to the assembly")
    APPROVED = "approved", _("Approved")


class RateReading(models.TextChoices):
    """How the buoni postali rate of a closing was chosen (art. 2514 c.c. says "the maximum
    rate"; the associations' circulars read it differently, so the reading is stored)."""

    HIGHEST = "highest", _("The highest rate in force in the year")
    BOARD = "board", _("Entered by the board")


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

    A loss allocates nothing: it is covered from the reserves or carried forward
    (``LossCoverage``). ``loss_brought_forward`` is the loss earlier closings carried forward and
    left uncovered, read when the closing is prepared or changed. Approval names the assembly's
    motion that approved it and locks the closing and every movement of its year."""

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
    # Blank for closings prepared before the reading was stored (issue 17).
    postal_bond_rate_reading = models.CharField(
        _("rate taken as"), max_length=7, choices=RateReading.choices, blank=True
    )
    postal_bond_rate_source = models.CharField(_("source of the rate"), max_length=300, blank=True)
    postal_bond_rate_note = models.TextField(
        _("why the board chose this rate"), max_length=TEXT_MAX, blank=True
    )
    loss_brought_forward = models.DecimalField(
        _("loss brought forward (€)"), **MONEY, default=Decimal("0.00")
    )
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
            models.CheckConstraint(
                condition=Q(loss_brought_forward__gte=0), name="closing_loss_brought_forward"
            ),
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
    LOSS_COVERAGE = "loss_coverage", _("Coverage of the losses carried forward")
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


# --- losses -------------------------------------------------------------------------------------


class CoverageSource(models.TextChoices):
    """Where the loss of a closing goes, in the order the coverage is proposed: the indivisible
    reserve (art. 2545-ter c.c.), the legal reserve last, or carried forward to the next years."""

    INDIVISIBLE_RESERVE = "indivisible", _("Indivisible reserve (art. 2545-ter c.c.)")
    LEGAL_RESERVE = "legal_reserve", _("Legal reserve (art. 2545-quater c.c.)")
    CARRIED_FORWARD = "carried_forward", _("Carried forward to the next years")


class LossCoverage(models.Model):
    """One part of the coverage of a closing's loss (the year's loss and the loss brought
    forward) the assembly decides: the parts add up to it to the cent."""

    closing = models.ForeignKey(Closing, on_delete=models.CASCADE, related_name="coverage")
    source = models.CharField(_("covered by"), max_length=15, choices=CoverageSource.choices)
    amount = models.DecimalField(_("amount (€)"), **MONEY)

    class Meta:
        ordering = ["closing", "id"]
        constraints = [
            models.UniqueConstraint(fields=["closing", "source"], name="loss_coverage_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="loss_coverage_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.amount}"


# --- mutual exchange ------------------------------------------------------------------------------


class MutualExchange(models.TextChoices):
    """The kinds of mutual exchange with the members of art. 2513 c.c., each measured on an item
    of the income statement (art. 2425 c.c.); the statute says which the cooperative has."""

    SALES = "sales", _("Sales to members (revenue, item A1)")
    WORK = "work", _("Members' work (labour cost, item B9)")
    SUPPLIES = "supplies", _("Goods and services from members (costs, items B6 and B7)")


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
