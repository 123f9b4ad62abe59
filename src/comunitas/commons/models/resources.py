"""The registry of common resources (beni comuni) a cooperative looks after: what they are, who
owns them, on which legal basis the cooperative uses them, what it must do for them, and the
history of what was done on them."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
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
