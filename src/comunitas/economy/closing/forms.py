"""HTML forms of the annual closing: they parse input; ``closing.services`` decide what is
valid (the legal minima, the dividend cap, the statuses). Motions and share classes offered are
always this cooperative's own, so a forged id of another one is a field error first."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from comunitas.core.kernel.money import MAX_MONEY, ZERO
from comunitas.core.models import Cooperative
from comunitas.decisions.assemblies.selectors import held_on
from comunitas.economy.closing import selectors
from comunitas.economy.models import TEXT_MAX, ResultSource, RistornoBasis
from comunitas.members.models import ShareClass


def _money(label, min_value: Decimal = -MAX_MONEY, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=14,
        decimal_places=2,
        min_value=min_value,
        max_value=MAX_MONEY,
        widget=forms.NumberInput(attrs={"step": "0.01"}),
        **kwargs,
    )


def _percent(label, low: int = 0, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=5,
        decimal_places=2,
        min_value=Decimal(low),
        max_value=Decimal(100),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": low, "max": 100}),
        **kwargs,
    )


class ClosingForm(forms.Form):
    """A new closing (with its year) or a draft's figures."""

    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2199)
    result_source = forms.ChoiceField(
        label=_("Result taken"), choices=ResultSource.choices, initial=ResultSource.CASH_BOOK
    )
    result = _money(
        _("Result for the year (€)"),
        required=False,
        help_text=_("Only from the approved financial statement; a loss is negative."),
    )
    postal_bond_rate = _percent(
        _("Buoni postali rate (%)"),
        required=False,
        help_text=_(
            "For the art. 2514 dividend cap. Empty: the highest rate in force in the year "
            "(the law says 'massimo'); another rate needs a note."
        ),
    )
    postal_bond_rate_note = forms.CharField(
        label=_("Why this rate"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea({"rows": 2}),
        help_text=_("Required when the board enters a rate other than the highest of the year."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=TEXT_MAX, widget=forms.Textarea({"rows": 3})
    )

    def __init__(self, *args, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:
            self.fields["year"].initial = timezone.localdate().year - 1
        else:
            del self.fields["year"]


class AllocationForm(forms.Form):
    legal_reserve_percent = _percent(
        _("Legal reserve (% of the profit)"),
        low=30,
        initial=Decimal(30),
        help_text=_("At least 30% (art. 2545-quater c.c.)."),
    )
    ristorni = _money(_("Ristorni (€)"), initial=ZERO, min_value=Decimal(0))
    dividends = _money(_("Dividends (€)"), initial=ZERO, min_value=Decimal(0))
    reinvestment_percent = _percent(
        _("Community reinvestment fund (% of the rest)"),
        initial=Decimal(50),
        help_text=_("What is not given to the fund goes to the indivisible reserve."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("ristorni", "dividends"):
            self.fields[name].widget.attrs["min"] = "0"


class CoverageForm(forms.Form):
    """How the loss is covered; the service checks the sum and what each reserve holds."""

    indivisible = _money(_("From the indivisible reserve (€)"), min_value=Decimal(0))
    legal_reserve = _money(_("From the legal reserve (€)"), min_value=Decimal(0))
    carried_forward = _money(_("Carried forward to the next years (€)"), min_value=Decimal(0))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["min"] = "0"


class ApproveForm(forms.Form):
    motion = forms.ModelChoiceField(label=_("Motion carried by the assembly"), queryset=None)

    def __init__(self, *args, coop: Cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["motion"].queryset = selectors.carried_motions(coop=coop)
        self.fields["motion"].label_from_instance = lambda m: (
            f"{m.assembly.title} ({date_format(held_on(m.assembly))}): {m.title}"
        )


class RistorniForm(forms.Form):
    basis = forms.ChoiceField(label=_("Exchange measured by"), choices=RistornoBasis.choices)
    shares_percent = _percent(
        _("Paid as new shares (%)"), initial=Decimal(0), help_text=_("The rest is paid in cash.")
    )


class PayForm(forms.Form):
    on_date = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    share_class = forms.ModelChoiceField(
        label=_("Share class of the new shares"),
        queryset=None,
        required=False,
        empty_label=_("Default: the ordinary shares"),
    )

    def __init__(self, *args, coop: Cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on_date"].initial = timezone.localdate()
        self.fields["share_class"].queryset = ShareClass.objects.filter(
            coop=coop, for_financing=False
        )
