"""HTML forms of the commons registry: they parse input; the services decide what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from comunitas.commons.models import CommonResource, Obligation, UseRight
from comunitas.core.territory.forms import municipality_input
from comunitas.core.territory.selectors import municipality_resolve

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # the forms of every capability
FORM_RESOURCE_FIELDS = [
    "name",
    "kind",
    "owner_kind",
    "owner_name",
    "address",
    "capacity",
    "condition",
    "description",
    "is_public",
]


class ResourceForm(forms.Form):
    """Register or correct a common resource."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(CommonResource, fields=FORM_RESOURCE_FIELDS))
        self.fields["municipality"] = municipality_input(_("Municipality"))
        self.fields["municipality"].required = False
        self.fields["description"].widget.attrs["rows"] = 4
        self.order_fields(["name", "kind", "owner_kind", "owner_name", "municipality", "address"])

    def resource_fields(self) -> dict[str, Any]:
        """The cleaned values as the services take them (the municipality resolved)."""
        data = dict(self.cleaned_data)
        text = (data.pop("municipality") or "").strip()
        data["municipality"] = municipality_resolve(text) if text else None
        return data


class UseRightForm(forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", "right")
        super().__init__(*args, **kwargs)
        self.fields.update(
            fields_for_model(
                UseRight,
                fields=["kind", "granted_by", "reference", "start_on", "end_on", "annual_fee"],
            )
        )
        for name in ("start_on", "end_on"):
            self.fields[name].widget = DATE
        self.fields["annual_fee"].initial = "0.00"


class ObligationForm(forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", "obligation")
        super().__init__(*args, **kwargs)
        self.fields.update(
            fields_for_model(
                Obligation, fields=["kind", "description", "due_on", "recurring_months"]
            )
        )
        self.fields["due_on"].widget = DATE
        self.fields["recurring_months"].widget.attrs.update(min=1, max=120)


class LogForm(forms.Form):
    on_date = forms.DateField(label=_("Date"), required=False, widget=DATE)
    text = forms.CharField(
        label=_("What was done"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", "log")
        super().__init__(*args, **kwargs)


class DoneForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), required=False, widget=DATE)
