"""HTML forms of the catalogue and the box office: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import fields_for_model
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from comunitas.commons.models import (
    CommonResource,
    CustomerKind,
    Event,
    OrderStatus,
    PaymentMethod,
    PaymentState,
    Service,
)
from comunitas.commons.resources.forms import DATE
from comunitas.commons.ticketing.services import MAX_PER_LINE

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
# How a buyer pays, in the words of the buyer (the manual provider's two ways).
METHODS = [
    (PaymentMethod.ON_SITE.value, _("Pay at the desk")),
    (PaymentMethod.BANK_TRANSFER.value, _("Bank transfer")),
]


def price_field_name(kind: str) -> str:
    return f"price_{kind}"


class ServiceForm(forms.Form):
    """A service of the catalogue with its price for each kind of customer (blank: not sold)."""

    def __init__(self, *args, coop, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(
            fields_for_model(
                Service, fields=["name", "kind", "description", "is_active", "is_public"]
            )
        )
        self.fields["description"].widget.attrs["rows"] = 3
        self.fields["resource"] = forms.ModelChoiceField(
            label=_("Common resource"),
            queryset=CommonResource.objects.filter(coop=coop).order_by("name"),
            required=False,
            help_text=_("The resource the service is offered on (its revenue is counted there)."),
        )
        for kind, label in CustomerKind.choices:
            self.fields[price_field_name(kind)] = forms.CharField(
                label=_("Price for: %(kind)s") % {"kind": label},
                required=False,
                max_length=20,
                help_text=_("In euros; leave empty if they cannot buy it.")
                if kind == CustomerKind.MEMBER
                else "",
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )
        self.order_fields(["name", "kind", "resource", "description", "is_active", "is_public"])

    def service_fields(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in ("name", "kind", "description", "resource", "is_active", "is_public")
        }

    def prices(self) -> dict[str, str]:
        return {kind: self.cleaned_data[price_field_name(kind)] for kind in CustomerKind.values}


class EventForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends at"), required=False, widget=DATETIME)
    seats = forms.IntegerField(label=_("Seats"), min_value=1, max_value=100_000)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)


class PayForm(forms.Form):
    reference = forms.CharField(
        label=_("Payment reference"),
        required=False,
        max_length=100,
        help_text=_("Receipt number or bank transfer reference, if any."),
    )


def _event_label(event: Event) -> str:
    when = date_format(timezone.localtime(event.starts_at), "SHORT_DATETIME_FORMAT")
    return str(_("%(when)s · %(n)s seats left") % {"when": when, "n": event.seats_left})


class BuyForm(forms.Form):
    """Buy tickets for one event of a service, or items of a service sold without dates."""

    event = forms.TypedChoiceField(label=_("Date and time"), coerce=int)
    quantity = forms.IntegerField(
        label=_("How many"), min_value=1, max_value=MAX_PER_LINE, initial=1
    )
    payment_method = forms.ChoiceField(
        label=_("How you will pay"), choices=METHODS, widget=forms.RadioSelect, initial="on_site"
    )
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(
        label=_("Your e-mail"), help_text=_("Your tickets are sent there."), max_length=254
    )

    def __init__(self, *args, events: list[Event], signed_in: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if events:
            self.fields["event"].choices = [(e.pk, _event_label(e)) for e in events]
        else:
            del self.fields["event"]
        if signed_in:
            del self.fields["name"]
            del self.fields["email"]


class DeskForm(forms.Form):
    """Staff sell at the desk on someone's behalf."""

    event = forms.TypedChoiceField(label=_("Event"), coerce=int, required=False)
    service = forms.TypedChoiceField(label=_("Or an item"), coerce=int, required=False)
    quantity = forms.IntegerField(
        label=_("How many"), min_value=1, max_value=MAX_PER_LINE, initial=1
    )
    customer_kind = forms.ChoiceField(
        label=_("Price for"), choices=CustomerKind.choices, initial=CustomerKind.PUBLIC
    )
    member_number = forms.IntegerField(
        label=_("Member's register number"),
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_("A member pays the member price and the sale counts as their exchange."),
    )
    name = forms.CharField(label=_("Customer's name"), max_length=200, required=False)
    email = forms.EmailField(label=_("Customer's e-mail"), required=False, max_length=254)
    payment_method = forms.ChoiceField(
        label=_("Payment"), choices=METHODS, widget=forms.RadioSelect, initial="on_site"
    )
    paid = forms.BooleanField(label=_("The money is taken now"), required=False, initial=True)

    def __init__(self, *args, events: list[Event], items: list[Service], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = [("", "—")] + [
            (e.pk, f"{e.service.name} · {_event_label(e)}") for e in events
        ]
        self.fields["service"].choices = [("", "—")] + [(s.pk, s.name) for s in items]

    def clean(self):
        data = super().clean()
        if not data.get("event") and not data.get("service"):
            raise forms.ValidationError(_("Choose an event or an item."))
        if data.get("event") and data.get("service"):
            raise forms.ValidationError(_("Choose an event or an item, not both."))
        return data


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Ticket code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    event = forms.TypedChoiceField(label=_("Door of"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, events: list[Event], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = [("", _("Any event"))] + [
            (
                e.pk,
                f"{e.service.name} · "
                + date_format(timezone.localtime(e.starts_at), "SHORT_DATETIME_FORMAT"),
            )
            for e in events
        ]


class OrderFilterForm(forms.Form):
    q = forms.CharField(label=_("Code, name or e-mail"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *OrderStatus.choices]
    )
    payment_state = forms.ChoiceField(
        label=_("Payment"), required=False, choices=[("", _("All")), *PaymentState.choices]
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)


class EventFilterForm(forms.Form):
    upcoming = forms.BooleanField(label=_("Only events still to come"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)
