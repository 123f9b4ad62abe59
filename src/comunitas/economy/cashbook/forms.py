"""Forms of the cash book pages: they parse input; ``cashbook.services`` decides what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from comunitas.commons.models import CommonResource, Service
from comunitas.core.models import Cooperative
from comunitas.core.territory.forms import municipality_input
from comunitas.economy.cashbook.imports import FIELDS
from comunitas.economy.models import (
    Category,
    Counterparty,
    CounterpartyKind,
    Direction,
    Earmark,
    Flow,
    ImportKind,
    Job,
)
from comunitas.members.models import Member
from comunitas.projects.models import Project

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONTHS = [("", _("All"))] + [(str(m), str(m)) for m in range(1, 13)]


def _choice(queryset, label, **extra) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(queryset=queryset, label=label, required=False, **extra)


class MovementFilterForm(forms.Form):
    """The list's filters (GET); a bad value is ignored rather than an error page."""

    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2199)
    month = forms.TypedChoiceField(
        label=_("Month"), choices=MONTHS, required=False, coerce=int, empty_value=None
    )
    direction = forms.ChoiceField(
        label=_("Direction"), choices=[("", _("All")), *Direction.choices], required=False
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    resource = forms.TypedChoiceField(
        label=_("Common resource"), required=False, coerce=int, empty_value=None
    )
    project = forms.TypedChoiceField(
        label=_("Project"), required=False, coerce=int, empty_value=None
    )
    counterparty = forms.TypedChoiceField(
        label=_("Counterparty"), required=False, coerce=int, empty_value=None
    )
    q = forms.CharField(label=_("Text"), required=False, max_length=100)

    def __init__(self, *args, coop: Cooperative, categories: list[Category], **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["category"].choices = everything + [(c.code, c.name) for c in categories]
        self.fields["resource"].choices = everything + list(
            CommonResource.objects.filter(coop=coop).values_list("pk", "name")
        )
        self.fields["project"].choices = everything + list(
            Project.objects.filter(coop=coop).values_list("pk", "title")
        )
        self.fields["counterparty"].choices = everything + list(
            Counterparty.objects.filter(coop=coop).values_list("pk", "name")
        )

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class MovementForm(forms.Form):
    """A movement entered by hand; the member is named by register number."""

    on_date = forms.DateField(label=_("Date"), widget=DATE)
    category = forms.ModelChoiceField(queryset=Category.objects.none(), label=_("Category"))
    amount = forms.DecimalField(
        label=_("Gross amount (€)"),
        max_digits=14,
        decimal_places=2,
        help_text=_("VAT included. Negative for a refund."),
    )
    vat = forms.DecimalField(
        label=_("Of which VAT (€)"), max_digits=14, decimal_places=2, required=False
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    reference = forms.CharField(
        label=_("Reference"),
        max_length=80,
        required=False,
        help_text=_("Invoice or bank reference."),
    )
    counterparty = _choice(Counterparty.objects.none(), _("Counterparty"))
    resource = _choice(CommonResource.objects.none(), _("Common resource"))
    project = _choice(Project.objects.none(), _("Project"))
    service = _choice(Service.objects.none(), _("Service"))
    member_number = forms.IntegerField(
        label=_("Member (register number)"), required=False, min_value=1, max_value=10**9
    )
    job = _choice(Job.objects.none(), _("Job"), help_text=_("For wages: the position paid."))
    earmark = _choice(
        Earmark.objects.none(),
        _("Reinvestment fund earmark"),
        help_text=_("Spending of the community reinvestment fund."),
    )

    def __init__(self, *args, coop: Cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.coop = coop
        for name, model in (
            ("category", Category),
            ("counterparty", Counterparty),
            ("resource", CommonResource),
            ("project", Project),
            ("service", Service),
            ("job", Job),
        ):
            self.fields[name].queryset = model.objects.filter(coop=coop)
        self.fields["earmark"].queryset = Earmark.objects.filter(coop=coop, released=False)

    def clean_member_number(self):
        number = self.cleaned_data.get("member_number")
        if number is None:
            return None
        member = Member.objects.filter(coop=self.coop, number=number).first()
        if member is None:
            raise forms.ValidationError(_("No member has this register number."))
        return member

    def movement_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["member"] = data.pop("member_number")
        return data


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=150)
    on_date = forms.DateField(
        label=_("Date of the reversal"),
        required=False,
        widget=DATE,
        help_text=_("Today when empty."),
    )


class CounterpartyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=CounterpartyKind.choices)
    tax_code = forms.CharField(
        label=_("Partita IVA or codice fiscale"), max_length=20, required=False
    )
    member_number = forms.IntegerField(
        label=_("Member (register number)"), required=False, min_value=1, max_value=10**9
    )

    def __init__(self, *args, coop: Cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.coop = coop
        self.fields["municipality"] = municipality_input(_("Municipality"))
        self.fields["municipality"].required = False
        self.order_fields(["name", "kind", "tax_code", "municipality", "member_number"])

    clean_member_number = MovementForm.clean_member_number

    def counterparty_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["member"] = data.pop("member_number")
        return data


class CategoryForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"), max_length=40, help_text=_("Short and stable: imports name it.")
    )
    name = forms.CharField(label=_("Name"), max_length=120)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    flow = forms.ChoiceField(
        label=_("Flow"),
        choices=[c for c in Flow.choices if c[0] != Flow.REVENUE],
        required=False,
        help_text=_("For an expense: where its money goes."),
    )


class ImportForm(forms.Form):
    """The file, its kind and encoding, and which of its columns holds what (empty: the usual
    Italian headers are recognised)."""

    file = forms.FileField(label=_("CSV or XLSX file"))
    kind = forms.ChoiceField(label=_("Kind"), choices=ImportKind.choices)
    encoding = forms.ChoiceField(
        label=_("Text encoding (CSV)"),
        choices=[("", _("UTF-8")), ("windows-1252", "Windows-1252"), ("latin-1", "Latin-1")],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {
            "date": _("Column of the date"),
            "amount": _("Column of the amount (signed)"),
            "debit": _("Column of the debits (money out)"),
            "credit": _("Column of the credits (money in)"),
            "description": _("Column of the description"),
            "reference": _("Column of the reference"),
            "counterparty": _("Column of the counterparty"),
            "category": _("Column of the category code"),
        }
        for name in FIELDS:
            self.fields[f"map_{name}"] = forms.CharField(
                label=labels[name], max_length=100, required=False
            )

    def mapping(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[f"map_{name}"].strip()
            for name in FIELDS
            if self.cleaned_data.get(f"map_{name}", "").strip()
        }
