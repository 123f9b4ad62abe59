"""HTML forms of share capital, transfers, exits and the book's configuration.

They only parse input (numbers and dates in the page's language: "12,50" in Italian); the
services decide what is valid.
"""

from __future__ import annotations

from django import forms
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from comunitas.core.models import Cooperative
from comunitas.members.models import ExitKind, ShareClass

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MoneyField(forms.DecimalField):
    """Euros and cents typed the local way: "12,50" or "1.234,56 €" in Italian, "1,234.56" in
    English. Grouping is dropped only before the decimal separator, so that an ambiguous
    "1.234" in Italian stays 1.234 and is refused for its three decimals, never read as 1234."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("€", "").replace("\u00a0", "").replace(" ", "")
            decimal = get_format("DECIMAL_SEPARATOR")
            grouping = get_format("THOUSAND_SEPARATOR")
            if decimal in value and grouping != decimal:
                whole, cents = value.rsplit(decimal, 1)
                value = f"{whole.replace(grouping, '')}{decimal}{cents}"
        return super().to_python(value)


def money_field(label, *, required: bool = True, help_text: str = "") -> MoneyField:
    return MoneyField(
        label=label,
        required=required,
        max_digits=14,
        decimal_places=2,
        localize=True,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


def date_field(label, *, required: bool = False, help_text: str = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE, help_text=help_text)


class ClassForm(forms.Form):
    """A form that names one of the cooperative's share classes by its code."""

    share_class = forms.ModelChoiceField(
        label=_("Share class"),
        queryset=ShareClass.objects.none(),
        to_field_name="code",
        error_messages={"invalid_choice": _("Choose a share class of this cooperative.")},
    )

    def __init__(self, *args, coop: Cooperative, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["share_class"].queryset = ShareClass.objects.filter(coop=coop)


class SubscribeForm(ClassForm):
    shares = forms.IntegerField(label=_("Number of shares"), min_value=1)
    on_date = date_field(_("Date"))
    reference = forms.CharField(label=_("Reference"), max_length=200, required=False)


class PaymentForm(ClassForm):
    amount = money_field(_("Amount (€)"))
    on_date = date_field(_("Date of payment"))
    reference = forms.CharField(label=_("Reference"), max_length=200, required=False)


class TransferForm(ClassForm):
    buyer_number = forms.IntegerField(label=_("Register number of the buyer"), min_value=1)
    shares = forms.IntegerField(label=_("Number of shares"), min_value=1)


class ExitForm(forms.Form):
    kind = forms.ChoiceField(label=_("Way of leaving"), choices=ExitKind.choices)
    on_date = date_field(_("Date"))
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea)
    decision_reference = forms.CharField(label=_("Board decision"), max_length=200, required=False)
    redemption_amount = money_field(_("Reimbursement (€)"), required=False)
    due_on = date_field(_("Reimbursement due on"))


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Why is it reversed?"), max_length=200, required=False)


class TransferDecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))]
    )
    decided_on = date_field(_("Decided on"))
    decision_reference = forms.CharField(label=_("Board decision"), max_length=200, required=False)
    reason = forms.CharField(label=_("Reason for the rejection"), required=False)


class RedemptionPayForm(forms.Form):
    paid_on = date_field(_("Paid on"))
    reference = forms.CharField(label=_("Reference"), max_length=200, required=False)


class CapitalDateForm(forms.Form):
    on = date_field(_("On"))


class CategoryForm(forms.Form):
    """Add a stakeholder category (code, name) or change one (``category`` names it)."""

    form = forms.CharField(widget=forms.HiddenInput, initial="category")
    category = forms.IntegerField(widget=forms.HiddenInput, required=False)
    code = forms.SlugField(
        label=_("Code"),
        max_length=40,
        required=False,
        help_text=_("Short, without spaces, e.g. 'fruitore'; it cannot change later."),
    )
    name = forms.CharField(label=_("Name"), max_length=80)
    is_financing = forms.BooleanField(label=_("Financing members (sovventori)"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("category") and not data.get("code"):
            self.add_error("code", _("Give the new category a code."))
        return data


class ShareClassForm(forms.Form):
    form = forms.CharField(widget=forms.HiddenInput, initial="share_class")
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=80)
    nominal_value = money_field(
        _("Nominal value (€)"),
        help_text=_("From 25 € to 500 € (art. 2525 c.c.); no maximum under srl rules."),
    )
    valid_from = date_field(_("Issued from"), required=True)
    valid_until = date_field(_("Issued until"))
    min_shares_for_admission = forms.IntegerField(
        label=_("Shares a new member must subscribe"), min_value=1, initial=1
    )
    for_financing = forms.BooleanField(label=_("For financing members"), required=False)
