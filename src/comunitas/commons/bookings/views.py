"""Pages of bookable units and bookings: the public booking page, a unit's availability (week or
month) with the booking form, weekly series, "my bookings", the staff list, a booking's page
with cancel / approve / refuse / paid. The units' settings are in ``unit_views``, the
iCalendar feeds in ``feed_views``.

Thin views over the bookings' services and selectors; every page under /c/<slug>/ declares its
action and is in the permission matrix (tests/commons/bookings/matrix.py). Object level:
visitors without a role reach only active units open to public booking (404 for the others); a
booking's page is its booker's or the staff's (404 for anyone else, so nobody learns of another
person's booking)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from comunitas.commons.bookings import ical, rules, selectors, series, services
from comunitas.commons.bookings.customers import Customer, customer_for
from comunitas.commons.bookings.forms import (
    BookingFilterForm,
    BookingForm,
    CancelForm,
    DecideForm,
    PayForm,
    SeriesForm,
)
from comunitas.commons.models import (
    HOLDING,
    BookableUnit,
    Booking,
    BookingStatus,
    CustomerKind,
    PaymentState,
)
from comunitas.core import throttle
from comunitas.core.errors import ValidationError
from comunitas.core.lookups import or_404
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, can, coop_view
from comunitas.core.submission import apply_errors, submit

PAGE_SIZE = 50
# Booking requests a network address without a login may send per hour (as applications).
REQUESTS_PER_HOUR = settings.BOOKING_REQUESTS_PER_HOUR


# --- helpers ------------------------------------------------------------------------------------
def _unit(request: HttpRequest, coop: Cooperative, unit_id: int) -> BookableUnit:
    return or_404(selectors.unit_get, coop=coop, pk=unit_id, public_only=request.coop_role is None)


def _staff(request: HttpRequest, coop: Cooperative) -> bool:
    return can(request.user, coop, Action.MANAGE_BOOKINGS)


def _booking(request: HttpRequest, coop: Cooperative, booking_id: int) -> Booking:
    staff = _staff(request, coop)
    return or_404(selectors.booking_get, coop=coop, pk=booking_id, user=request.user, staff=staff)


def _customer(request: HttpRequest, coop: Cooperative, form: BookingForm) -> Customer:
    data = form.cleaned_data
    if form.on_behalf():
        kind = data.get("customer_kind") or CustomerKind.PUBLIC
        return Customer(kind, None, data["booker_name"], data.get("booker_email") or "")
    if form.visitor:
        return Customer(CustomerKind.PUBLIC, None, data["name"], data["email"])
    return customer_for(request.user, coop)


def _parse_day(text: str | None) -> date:
    try:
        day = date.fromisoformat(text or "")
    except ValueError:
        return timezone.localdate()
    return day if date(2000, 1, 1) <= day <= date(2199, 1, 1) else timezone.localdate()


def _window(view: str, day: date) -> tuple[date, int, date, date]:
    """(first day, number of days, previous start, next start) of the week or month shown."""
    if view == "month":
        first = day.replace(day=1)
        days = calendar.monthrange(first.year, first.month)[1]
        previous = (first - timedelta(days=1)).replace(day=1)
        return first, days, previous, first + timedelta(days=days)
    first = day - timedelta(days=day.weekday())
    return first, 7, first - timedelta(days=7), first + timedelta(days=7)


def _booking_form(request, coop, unit, data=None, cls=BookingForm) -> BookingForm:
    return cls(
        data,
        visitor=not request.user.is_authenticated,
        staff=_staff(request, coop),
        slot=unit.slot_minutes,
    )


def _feed_url(request: HttpRequest, name: str, *args) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


# --- the public booking page and a unit's availability ------------------------------------------
@require_GET
@coop_view(Action.BOOK)
def booking_home(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """The units the caller may book: visitors the ones open to public booking, people with a
    role every active unit, each linking to its availability."""
    staff = _staff(request, coop)
    units = selectors.unit_list(
        coop=coop, public_only=request.coop_role is None, active_only=not staff
    )
    context = {
        "coop": coop,
        "units": units,
        "staff": staff,
        "visitor": request.coop_role is None,
        "pending": selectors.pending_count(coop=coop) if staff else 0,
        "can_manage_units": can(request.user, coop, Action.MANAGE_COMMONS),
    }
    return render(request, "commons/bookings/home.html", context)


def _availability_page(
    request: HttpRequest,
    coop: Cooperative,
    unit: BookableUnit,
    form: BookingForm | None = None,
    status: int = 200,
    start: date | None = None,
) -> HttpResponse:
    """The calendar page; after a refused booking (a POST) the week of the day asked for, with
    links that lead back to the calendar's own address."""
    view = "month" if request.GET.get("view") == "month" else "week"
    first, days, previous, following = _window(view, start or _parse_day(request.GET.get("start")))
    calendar_url = reverse("commons:unit_availability", args=[coop.slug, unit.pk])
    staff = _staff(request, coop)
    if form is None and unit.is_active:
        form = _booking_form(request, coop, unit)
        form.initial["day"] = max(first, timezone.localdate())
    kind = customer_for(request.user, coop).kind
    prices = {p.customer_kind: p.hourly for p in unit.prices.all()}
    context = {
        "coop": coop,
        "unit": unit,
        "view": view,
        "first": first,
        "last": first + timedelta(days=days - 1),
        "previous": previous,
        "following": following,
        "days": selectors.availability(
            unit=unit, start=first, days=days, user=request.user, with_people=staff
        ),
        "form": form,
        "staff": staff,
        "signed_in": request.user.is_authenticated,
        "calendar_url": calendar_url,
        "login_url": f"{reverse('login')}?{urlencode({'next': calendar_url})}",
        "has_role": request.coop_role is not None,
        "can_manage_units": can(request.user, coop, Action.MANAGE_COMMONS),
        "my_kind": CustomerKind(kind).label,
        "my_price": prices.get(kind),
        "prices": [(label, prices.get(k)) for k, label in CustomerKind.choices if k in prices],
        "busy_feed": _feed_url(request, "commons:ical_unit", unit.pk, ical.unit_token(unit)),
        "staff_feed": _feed_url(
            request,
            "commons:ical_unit_staff",
            unit.pk,
            request.user.pk,
            ical.staff_token(request.user, unit),
        )
        if staff
        else "",
    }
    return render(request, "commons/bookings/availability.html", context, status=status)


@require_GET
@coop_view(Action.BOOK)
def unit_availability(request: HttpRequest, coop: Cooperative, unit_id: int) -> HttpResponse:
    """A unit's week or month: opening hours, closed days, busy times (who booked, for
    staff), with the booking form."""
    return _availability_page(request, coop, _unit(request, coop, unit_id))


@require_POST
@coop_view(Action.BOOK)
def booking_create(request: HttpRequest, coop: Cooperative, unit_id: int) -> HttpResponse:
    unit = _unit(request, coop, unit_id)
    form = _booking_form(request, coop, unit, request.POST)
    anonymous = not request.user.is_authenticated
    if anonymous and throttle.exhausted(request, "book", limit=REQUESTS_PER_HOUR):
        form.add_error(None, _("Too many booking requests from your connection: try again later."))
    booking = submit(
        request,
        form,
        lambda: services.booking_create(
            actor=request.user,
            unit=unit,
            start=form.span()[0],
            end=form.span()[1],
            customer=_customer(request, coop, form),
            title=form.cleaned_data["title"],
            on_behalf=form.on_behalf(),
        ),
    )
    if booking is None:
        asked = form.cleaned_data.get("day") if hasattr(form, "cleaned_data") else None
        return _availability_page(request, coop, unit, form, start=asked)
    if anonymous:
        throttle.count(request, "book", per_seconds=3600)
    if booking.status == BookingStatus.REQUESTED:
        messages.success(
            request,
            _("Your request is received: we will write to you when the staff have decided.")
            if booking.user_id
            else _("The request is received: we will write to %(email)s when it is decided.")
            % {"email": booking.booker_email},
        )
    else:
        messages.success(request, _("Booked."))
    if booking.user_id and booking.user_id == request.user.pk:
        return redirect("commons:booking_detail", coop.slug, booking.pk)
    if _staff(request, coop):
        return redirect("commons:booking_detail", coop.slug, booking.pk)
    day = rules.local(booking.start).date().isoformat()
    return redirect(
        reverse("commons:unit_availability", args=[coop.slug, unit.pk]) + f"?start={day}"
    )


@coop_view(Action.BOOK)
def booking_series(request: HttpRequest, coop: Cooperative, unit_id: int) -> HttpResponse:
    """A weekly recurring booking: first a preview of every week, each free or with the
    reasons it is not; then the free weeks are booked and the others reported one by one (as
    messages on the next page). Visitors may request one on a unit open to public booking."""
    unit = _unit(request, coop, unit_id)
    form = _booking_form(request, coop, unit, request.POST or None, cls=SeriesForm)
    anonymous = not request.user.is_authenticated
    committing = request.method == "POST" and request.POST.get("step") == "commit"
    if committing and anonymous and throttle.exhausted(request, "book", limit=REQUESTS_PER_HOUR):
        form.add_error(None, _("Too many booking requests from your connection: try again later."))
    plan = None
    if request.method == "POST" and form.is_valid():
        start, end = form.span()
        minutes = int((end - start).total_seconds() // 60)
        arguments = {
            "actor": request.user,
            "unit": unit,
            "first_start": start,
            "minutes": minutes,
            "weeks": form.cleaned_data["weeks"],
            "customer": _customer(request, coop, form),
            "on_behalf": form.on_behalf(),
        }
        try:
            if committing:
                _series, plan = series.series_create(**arguments, title=form.cleaned_data["title"])
            else:
                plan = series.series_preview(**arguments)
        except ValidationError as exc:
            apply_errors(form, exc)
            plan = None
        else:
            if committing:
                if anonymous:
                    throttle.count(request, "book", per_seconds=3600)
                booked = [o for o in plan if o.free]
                messages.success(
                    request,
                    ngettext("%(n)s week booked.", "%(n)s weeks booked.", len(booked))
                    % {"n": len(booked)},
                )
                for occurrence in plan:
                    if not occurrence.free:
                        messages.warning(
                            request,
                            _("Week %(week)s (%(when)s) not booked: %(why)s")
                            % {
                                "week": occurrence.week,
                                "when": rules.shown_range(occurrence.start, occurrence.end),
                                "why": " ".join(occurrence.problems),
                            },
                        )
                if form.on_behalf():
                    return redirect("commons:booking_manage", coop.slug)
                if anonymous:
                    return redirect("commons:unit_availability", coop.slug, unit.pk)
                return redirect("commons:my_bookings", coop.slug)
    context = {
        "coop": coop,
        "unit": unit,
        "form": form,
        "plan": plan,
        "free": sum(1 for o in plan if o.free) if plan else 0,
    }
    return render(request, "commons/bookings/series.html", context)


# --- one's own bookings, a booking's page and its actions ----------------------------------------
@require_GET
@coop_view(Action.BOOK)
def my_bookings(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """The caller's bookings, upcoming (or past with ?show=past), with cancel and the link of
    their personal calendar feed."""
    if not request.user.is_authenticated:
        # A page, not a redirect: visitors of a public cooperative may open it and are told
        # to log in (their requests sent without a login reach them by e-mail).
        login_url = f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}"
        context = {"coop": coop, "login_url": login_url}
        return render(request, "commons/bookings/mine_login.html", context)
    past = request.GET.get("show") == "past"
    found = selectors.my_bookings(coop=coop, user=request.user, upcoming=not past)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    context = {
        "coop": coop,
        "page_obj": page,
        "past": past,
        "now": now,
        "holding": HOLDING,
        "feed": _feed_url(
            request,
            "commons:ical_booker",
            coop.slug,
            request.user.pk,
            ical.booker_token(request.user, coop),
        ),
    }
    return render(request, "commons/bookings/mine.html", context)


def _detail_page(
    request: HttpRequest, coop: Cooperative, booking: Booking, *, status: int = 200, **forms
) -> HttpResponse:
    staff = _staff(request, coop)
    holding = booking.status in HOLDING
    context = {
        "coop": coop,
        "booking": booking,
        "staff": staff,
        "can_cancel": holding and (staff or booking.user_id == request.user.pk),
        "free_until": booking.start - timedelta(hours=booking.unit.free_cancel_hours),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
    }
    if staff:
        context.update(
            decide_form=forms.get("decide_form") or DecideForm(),
            pay_form=forms.get("pay_form") or PayForm(),
            can_decide=booking.status == BookingStatus.REQUESTED,
            can_pay=booking.payment_state == PaymentState.TO_PAY
            and booking.price > 0
            and (holding or booking.late_cancellation),
        )
    return render(request, "commons/bookings/detail.html", context, status=status)


@require_GET
@coop_view(Action.BOOK)
def booking_detail(request: HttpRequest, coop: Cooperative, booking_id: int) -> HttpResponse:
    """A booking's page: its booker's or the staff's (404 for anyone else)."""
    return _detail_page(request, coop, _booking(request, coop, booking_id))


def _act(request, coop, booking, form, save, done: str, form_name: str) -> HttpResponse:
    if submit(request, form, save):
        messages.success(request, done)
        if request.POST.get("next") == "mine":
            return redirect("commons:my_bookings", coop.slug)
        return redirect("commons:booking_detail", coop.slug, booking.pk)
    return _detail_page(request, coop, booking, **{form_name: form})


@require_POST
@coop_view(Action.BOOK)
def booking_cancel(request: HttpRequest, coop: Cooperative, booking_id: int) -> HttpResponse:
    """The booker cancels within the cooperative's policy; staff at any time."""
    booking = _booking(request, coop, booking_id)
    form = CancelForm(request.POST)
    return _act(
        request,
        coop,
        booking,
        form,
        lambda: services.booking_cancel(
            actor=request.user, booking=booking, reason=form.cleaned_data["reason"]
        ),
        _("The booking is cancelled."),
        "cancel_form",
    )


@require_POST
@coop_view(Action.MANAGE_BOOKINGS)
def booking_decide(request: HttpRequest, coop: Cooperative, booking_id: int) -> HttpResponse:
    """Staff approve a request, or refuse it saying why."""
    booking = _booking(request, coop, booking_id)
    form = DecideForm(request.POST)

    def save():
        if form.cleaned_data["decision"] == "approve":
            return services.booking_approve(actor=request.user, booking=booking)
        return services.booking_reject(
            actor=request.user, booking=booking, reason=form.cleaned_data["reason"]
        )

    approve = request.POST.get("decision") == "approve"
    done = _("The booking is confirmed.") if approve else _("The booking is refused.")
    return _act(request, coop, booking, form, save, done, "decide_form")


@require_POST
@coop_view(Action.MANAGE_BOOKINGS)
def booking_pay(request: HttpRequest, coop: Cooperative, booking_id: int) -> HttpResponse:
    """Staff record a payment on site or by bank transfer."""
    booking = _booking(request, coop, booking_id)
    form = PayForm(request.POST)
    return _act(
        request,
        coop,
        booking,
        form,
        lambda: services.booking_pay(
            actor=request.user, booking=booking, method=form.cleaned_data["method"]
        ),
        _("The payment is recorded."),
        "pay_form",
    )


@require_GET
@coop_view(Action.MANAGE_BOOKINGS)
def booking_manage(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """Every booking, filtered by unit, status and days, paginated."""
    form = BookingFilterForm(request.GET or None, coop=coop)
    filters = selectors.BookingFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.BookingFilters(
            unit=data["unit"].pk if data["unit"] else None,
            status=data["status"] or None,
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
    found = selectors.booking_list(coop=coop, filters=filters)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "commons/bookings/manage.html", {"coop": coop, "form": form, "page_obj": page}
    )
