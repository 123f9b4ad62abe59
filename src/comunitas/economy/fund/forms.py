"""HTML forms of the reinvestment fund: they parse input; ``fund.services`` decide what is valid.
Projects, needs and budgets offered are this cooperative's own, so a forged id of another one is
a field error before any service runs."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comunitas.core.kernel.money import CENT, MAX_MONEY
from comunitas.core.models import Cooperative
from comunitas.decisions.models.budgets import ParticipatoryBudget
from comunitas.economy.models import NAME_MAX, EarmarkSource
from comunitas.projects.models import Need, Project


def _choice(queryset, label, message: str) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=label,
        queryset=queryset,
        required=False,
        empty_label=_("None"),
        error_messages={"invalid_choice": message},
    )


def counted_budgets(coop: Cooperative):
    return ParticipatoryBudget.objects.filter(coop=coop, tally__isnull=False).only(
        "id", "title", "coop_id"
    )


class EarmarkForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount (€)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(CENT), MaxValueValidator(MAX_MONEY)],
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=NAME_MAX)
    on_date = forms.DateField(
        label=_("Date of the decision"), widget=forms.DateInput(attrs={"type": "date"})
    )
    source = forms.ChoiceField(label=_("Decided by"), choices=EarmarkSource.choices)
    decision_reference = forms.CharField(
        label=_("Decision"),
        max_length=NAME_MAX,
        required=False,
        help_text=_("The board's minutes, e.g. 'CdA del 12/01/2027, verbale n. 1'."),
    )

    def __init__(self, *args, coop: Cooperative, **kwargs):
        kwargs.setdefault("initial", {"on_date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["project"] = _choice(
            Project.objects.filter(coop=coop).only("id", "title", "coop_id").order_by("title"),
            _("Project"),
            str(_("Choose a project of this cooperative.")),
        )
        self.fields["need"] = _choice(
            Need.objects.filter(coop=coop).only("id", "title", "coop_id").order_by("-id"),
            _("Need"),
            str(_("Choose a need of this cooperative.")),
        )
        self.fields["budget"] = _choice(
            counted_budgets(coop),
            _("Participatory budget"),
            str(_("Choose a participatory budget of this cooperative.")),
        )


class FromBudgetForm(forms.Form):
    def __init__(self, *args, coop: Cooperative, **kwargs):
        kwargs.setdefault("prefix", "budget")
        super().__init__(*args, **kwargs)
        self.fields["budget"] = forms.ModelChoiceField(
            label=_("Participatory budget"),
            queryset=counted_budgets(coop),
            error_messages={
                "invalid_choice": _("Choose a participatory budget of this cooperative.")
            },
        )
