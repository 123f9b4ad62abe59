"""HTML forms of units and bookings: they parse input; the services decide what is valid."""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Any

from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from comunitas.commons.bookings.rules import ROME
from comunitas.commons.bookings.units import UNIT_FIELDS, UNIT_RULES
from comunitas.commons.models import (
    WEEKDAYS,
    BookableUnit,
    BookingStatus,
    CommonResource,
    CustomerKind,
    PaymentMethod,
)
from comunitas.commons.resources.forms import DATE

# Fields with a default the short "add a unit" form of a resource's page may leave out.
DEFAULTED = UNIT_RULES
INTERVAL = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*[-\u2013]\s*(\d{1,2})[:.](\d{2})\s*$")


class UnitForm(forms.Form):
    """Add (choosing the resource) or change a bookable unit and its booking rules."""

    def __init__(self, *args, coop=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if coop is not None:
            self.fields["resource"] = forms.ModelChoiceField(
                label=_("Common resource"),
                queryset=CommonResource.objects.filter(coop=coop).order_by("name", "id"),
            )
        self.fields.update(fields_for_model(BookableUnit, fields=UNIT_FIELDS))
        self.fields["description"].widget.attrs["rows"] = 3
        for name in DEFAULTED:
            self.fields[name].required = False
            self.fields[name].widget.attrs["placeholder"] = str(
                BookableUnit._meta.get_field(name).default
            )

    def unit_fields(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in UNIT_FIELDS}
        for name in DEFAULTED:
            if data[name] is None:
                data[name] = BookableUnit._meta.get_field(name).default
        return data


def _parse_intervals(text: str) -> list[tuple[time, time]]:
    found = []
    for part in filter(None, (p.strip() for p in re.split(r"[,;]", text or ""))):
        match = INTERVAL.match(part)
        if not match:
            raise forms.ValidationError(
                _("Write intervals as 09:00-13:00, separated by commas; leave empty when closed.")
            )
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        try:
            found.append((time(h1, m1), time(h2, m2)))
        except ValueError:
            raise forms.ValidationError(_("Give times from 00:00 to 23:59.")) from None
    return found


class HoursForm(forms.Form):
    """The weekly opening hours: one line per weekday, several intervals allowed."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", "hours")
        super().__init__(*args, **kwargs)
        for number, label in WEEKDAYS:
            self.fields[f"day_{number}"] = forms.CharField(
                label=label,
                required=False,
                max_length=200,
                help_text=_("e.g. 09:00-13:00, 14:00-18:00; empty when closed")
                if number == 0
                else "",
            )

    @staticmethod
    def initial_for(unit: BookableUnit) -> dict[str, str]:
        days: dict[str, list[str]] = {}
        for row in unit.hours.all():
            days.setdefault(f"day_{row.weekday}", []).append(
                f"{row.opens:%H:%M}-{row.closes:%H:%M}"
            )
        return {name: ", ".join(parts) for name, parts in days.items()}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.intervals: list[tuple[int, time, time]] = []
        for number, _label in WEEKDAYS:
            name = f"day_{number}"
            if name not in data:
                continue
            try:
                self.intervals += [(number, o, c) for o, c in _parse_intervals(data[name])]
            except forms.ValidationError as exc:
                self.add_error(name, exc)
        return data


class ClosedDayForm(forms.Form):
    on_date = forms.DateField(label=_("Date"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", "closed")
        super().__init__(*args, **kwargs)


class PricesForm(forms.Form):
    """Hourly prices per kind of booker; a kind left empty cannot book."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", "price")
        super().__init__(*args, **kwargs)
        for kind, label in CustomerKind.choices:
            self.fields[kind] = forms.DecimalField(
                label=label,
                required=False,
                max_digits=14,
                decimal_places=2,
                min_value=0,
                help_text=_("euros per hour; empty: cannot book")
                if kind == CustomerKind.MEMBER
                else "",
            )

    @staticmethod
    def initial_for(unit: BookableUnit) -> dict[str, Any]:
        return {p.customer_kind: p.hourly for p in unit.prices.all()}


class BookingForm(forms.Form):
    """A booking on one day: from, until, what for. Visitors give a name and e-mail; staff
    may book for someone else at any price kind."""

    day = forms.DateField(label=_("Day"), widget=DATE)
    start_time = forms.TimeField(
        label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_time = forms.TimeField(
        label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    title = forms.CharField(label=_("Purpose"), max_length=200, required=False)

    def __init__(self, *args, visitor: bool = False, staff: bool = False, slot: int = 30, **kw):
        super().__init__(*args, **kw)
        for name in ("start_time", "end_time"):
            self.fields[name].widget.attrs["step"] = slot * 60
        self.visitor, self.staff = visitor, staff
        if visitor:
            self.fields["name"] = forms.CharField(label=_("Your name"), max_length=200)
            self.fields["email"] = forms.EmailField(label=_("Your e-mail"))
        if staff:
            self.fields["booker_name"] = forms.CharField(
                label=_("Book for (name)"),
                max_length=200,
                required=False,
                help_text=_("Leave empty to book for yourself."),
            )
            self.fields["booker_email"] = forms.EmailField(label=_("Their e-mail"), required=False)
            self.fields["customer_kind"] = forms.ChoiceField(
                label=_("Price for"), choices=CustomerKind.choices, required=False
            )

    def span(self) -> tuple[datetime, datetime]:
        day = self.cleaned_data["day"]
        start = datetime.combine(day, self.cleaned_data["start_time"], tzinfo=ROME)
        end = datetime.combine(day, self.cleaned_data["end_time"], tzinfo=ROME)
        return start, end

    def on_behalf(self) -> bool:
        return self.staff and bool(self.cleaned_data.get("booker_name", "").strip())


class SeriesForm(BookingForm):
    """The same time every week, for a number of weeks."""

    weeks = forms.IntegerField(label=_("Number of weeks"), min_value=1, max_value=52, initial=10)
    field_order = ["day", "start_time", "end_time", "weeks", "title"]


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=300, required=False)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Refuse"))]
    )
    reason = forms.CharField(label=_("Reason (needed to refuse)"), max_length=300, required=False)


class PayForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Paid by"),
        choices=[
            (PaymentMethod.ON_SITE.value, PaymentMethod.ON_SITE.label),
            (PaymentMethod.BANK_TRANSFER.value, PaymentMethod.BANK_TRANSFER.label),
        ],
    )


class BookingFilterForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=BookableUnit.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *BookingStatus.choices], required=False
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)

    def __init__(self, *args, coop, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = (
            BookableUnit.objects.filter(resource__coop=coop)
            .select_related("resource")
            .order_by("resource__name", "name")
        )
        self.fields["unit"].label_from_instance = lambda u: f"{u.resource.name} · {u.name}"
