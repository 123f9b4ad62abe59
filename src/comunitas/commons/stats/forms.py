"""HTML forms of the sales list and the statistics page: a year, a date range, a resource."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comunitas.commons.models import CommonResource, CustomerKind, SaleKind, Service
from comunitas.commons.resources.forms import DATE
from comunitas.commons.stats import selectors
from comunitas.core.models import Cooperative


def _year_field(required: bool) -> forms.IntegerField:
    return forms.IntegerField(
        label=gettext_lazy("Year"),
        required=required,
        min_value=selectors.FIRST_YEAR,
        max_value=selectors.LAST_YEAR,
    )


class SaleFilterForm(forms.Form):
    year = _year_field(required=False)
    date_from = forms.DateField(label=gettext_lazy("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=gettext_lazy("To (included)"), required=False, widget=DATE)
    resource = forms.TypedChoiceField(
        label=gettext_lazy("Resource"), required=False, coerce=int, empty_value=None
    )
    service = forms.TypedChoiceField(
        label=gettext_lazy("Service"), required=False, coerce=int, empty_value=None
    )
    customer_kind = forms.ChoiceField(label=gettext_lazy("Customer"), required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Sales or refunds"), required=False)

    def __init__(self, *args, coop: Cooperative, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        resources = CommonResource.objects.filter(coop=coop).order_by("name", "id")
        services = Service.objects.filter(coop=coop).order_by("name", "id")
        self.fields["resource"].choices = everything + list(resources.values_list("pk", "name"))
        self.fields["service"].choices = everything + list(services.values_list("pk", "name"))
        self.fields["customer_kind"].choices = everything + list(CustomerKind.choices)
        self.fields["kind"].choices = everything + list(SaleKind.choices)

    def filters(self) -> selectors.SaleFilters:
        if not self.is_valid():
            return selectors.SaleFilters(year=timezone.localdate().year)
        data = {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}
        return selectors.SaleFilters(**data)


class StatsForm(forms.Form):
    year = _year_field(required=True)
    resource = forms.TypedChoiceField(
        label=gettext_lazy("Resource"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, resources: list[CommonResource], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resource"].choices = [("", _("All resources"))] + [
            (r.pk, r.name) for r in resources
        ]
