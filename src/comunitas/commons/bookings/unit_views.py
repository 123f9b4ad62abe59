"""Pages of a bookable unit's settings (MANAGE_COMMONS): adding a unit to a resource, its data
and booking rules, weekly opening hours, closed days and hourly prices. Thin views over
``commons.bookings.units``; each page is in the permission matrix
(tests/commons/bookings/matrix.py)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comunitas.commons.bookings import selectors
from comunitas.commons.bookings import units as bookings_units
from comunitas.commons.bookings.forms import ClosedDayForm, HoursForm, PricesForm, UnitForm
from comunitas.commons.models import BookableUnit, ClosedDay, CommonResource
from comunitas.core.errors import ValidationError
from comunitas.core.lookups import or_404
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, coop_view
from comunitas.core.submission import submit


@coop_view(Action.MANAGE_COMMONS)
def unit_create(request: HttpRequest, coop: Cooperative, resource_id: int) -> HttpResponse:
    """Add a bookable unit to a resource (the resource's page posts its short form here)."""
    resource = get_object_or_404(CommonResource, coop=coop, pk=resource_id)
    form = UnitForm(request.POST or None)
    unit = submit(
        request,
        form,
        lambda: bookings_units.unit_create(
            actor=request.user, resource=resource, **form.unit_fields()
        ),
    )
    if unit:
        messages.success(request, _("The unit is added: now set its opening hours and prices."))
        return redirect("commons:unit_settings", coop.slug, unit.pk)
    context = {"coop": coop, "form": form, "resource": resource}
    return render(request, "commons/bookings/unit_form.html", context)


def _settings_page(
    request: HttpRequest, coop: Cooperative, unit: BookableUnit, status: int = 200, **forms
) -> HttpResponse:
    initial = {name: getattr(unit, name) for name in bookings_units.UNIT_FIELDS}
    context = {
        "coop": coop,
        "unit": unit,
        "form": forms.get("form") or UnitForm(initial=initial),
        "hours_form": forms.get("hours_form") or HoursForm(initial=HoursForm.initial_for(unit)),
        "closed_form": forms.get("closed_form") or ClosedDayForm(),
        "prices_form": forms.get("prices_form") or PricesForm(initial=PricesForm.initial_for(unit)),
    }
    return render(request, "commons/bookings/unit_settings.html", context, status=status)


@coop_view(Action.MANAGE_COMMONS)
def unit_settings(request: HttpRequest, coop: Cooperative, unit_id: int) -> HttpResponse:
    """A unit's data and rules, opening hours, closed days and prices."""
    unit = or_404(selectors.unit_get, coop=coop, pk=unit_id, public_only=False)
    if request.method != "POST":
        return _settings_page(request, coop, unit)
    form = UnitForm(request.POST)
    if submit(
        request,
        form,
        lambda: bookings_units.unit_update(
            actor=request.user, unit=unit, fields=form.unit_fields()
        ),
    ):
        messages.success(request, _("Changes saved."))
        return redirect("commons:unit_settings", coop.slug, unit.pk)
    return _settings_page(request, coop, unit, form=form)


def _unit_post(request, coop, unit_id, form, form_name, save, done) -> HttpResponse:
    unit = or_404(selectors.unit_get, coop=coop, pk=unit_id, public_only=False)
    if submit(request, form, lambda: save(unit)):
        messages.success(request, done)
        return redirect("commons:unit_settings", coop.slug, unit.pk)
    return _settings_page(request, coop, unit, **{form_name: form})


@require_POST
@coop_view(Action.MANAGE_COMMONS)
def unit_hours(request: HttpRequest, coop: Cooperative, unit_id: int) -> HttpResponse:
    form = HoursForm(request.POST)
    return _unit_post(
        request,
        coop,
        unit_id,
        form,
        "hours_form",
        lambda unit: bookings_units.unit_hours_set(
            actor=request.user, unit=unit, intervals=form.intervals
        ),
        _("The opening hours are saved."),
    )


@require_POST
@coop_view(Action.MANAGE_COMMONS)
def unit_closed_add(request: HttpRequest, coop: Cooperative, unit_id: int) -> HttpResponse:
    form = ClosedDayForm(request.POST)
    return _unit_post(
        request,
        coop,
        unit_id,
        form,
        "closed_form",
        lambda unit: bookings_units.closed_day_add(
            actor=request.user,
            unit=unit,
            on_date=form.cleaned_data["on_date"],
            reason=form.cleaned_data["reason"],
        ),
        _("The closed day is recorded."),
    )


@require_POST
@coop_view(Action.MANAGE_COMMONS)
def unit_closed_remove(
    request: HttpRequest, coop: Cooperative, unit_id: int, closed_day_id: int
) -> HttpResponse:
    closed = get_object_or_404(
        ClosedDay, pk=closed_day_id, unit_id=unit_id, unit__resource__coop=coop
    )
    bookings_units.closed_day_remove(actor=request.user, closed=closed)
    messages.success(request, _("The day is open again."))
    return redirect("commons:unit_settings", coop.slug, unit_id)


@require_POST
@coop_view(Action.MANAGE_COMMONS)
def unit_prices(request: HttpRequest, coop: Cooperative, unit_id: int) -> HttpResponse:
    form = PricesForm(request.POST)

    def save(unit):
        try:
            return bookings_units.unit_prices_set(
                actor=request.user, unit=unit, prices=dict(form.cleaned_data)
            )
        except ValidationError as exc:  # "prices.member" is the form's "member"
            errors = [
                type(e)(e.field.removeprefix("prices.") if e.field else None, e.message)
                for e in exc.errors
            ]
            raise ValidationError(errors=errors) from None

    return _unit_post(request, coop, unit_id, form, "prices_form", save, _("The prices are saved."))
