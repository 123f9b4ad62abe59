"""Tables of the community reinvestment fund: an earmark sets money of the fund aside for a project
or a need; what is spent against it is the expense movements that name it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from comunitas.core.models import MONEY, Cooperative
from comunitas.decisions.models.budgets import ParticipatoryBudget
from comunitas.economy.models.cashbook import NAME_MAX
from comunitas.projects.models import Need, Project

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
