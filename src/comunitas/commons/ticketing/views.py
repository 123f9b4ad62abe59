"""Pages of the catalogue and the box office: what is on (public), buying a ticket, one's orders
and tickets, and for staff the catalogue, events with their attendance, orders, payments, the
desk and the door.

Thin views over the ticketing services and selectors; every page declares its action
(``core.permissions``) and is listed in the permission matrix
(tests/commons/ticketing/matrix.py)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comunitas.commons.bookings.customers import Customer, customer_for
from comunitas.commons.models import CustomerKind, Service
from comunitas.commons.ticketing import catalogue, selectors, services
from comunitas.commons.ticketing import door as ticketing_door
from comunitas.commons.ticketing.access import orders_per_hour, placed_here, remember_order
from comunitas.commons.ticketing.forms import (
    BuyForm,
    CancelForm,
    CheckInForm,
    DeskForm,
    EventFilterForm,
    EventForm,
    OrderFilterForm,
    PayForm,
    ServiceForm,
    price_field_name,
)
from comunitas.commons.ticketing.payments import provider_for
from comunitas.core import throttle
from comunitas.core.errors import FieldError, ValidationError
from comunitas.core.lookups import or_404
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, can, coop_view
from comunitas.core.submission import submit, submit_and_flash

PAGE_SIZE = 50
# The fields of a one-line order as the service names them, and as the forms do.
LINE_FIELDS = {"lines.0.quantity": "quantity", "lines.0.event_id": "event"}


def _visitor(request: HttpRequest) -> bool:
    return request.coop_role is None


def _one_line(save):
    """Call ``save`` and name the errors of the order's only line as the form's fields."""

    def call():
        try:
            return save()
        except ValidationError as exc:
            raise ValidationError(
                errors=[
                    FieldError(LINE_FIELDS.get(e.field, e.field) if e.field else None, e.message)
                    for e in exc.errors
                ]
            ) from None

    return call


def _filtered(request: HttpRequest, form_class, filters_class):
    """A staff list's filter form, bound to the query string, and the filters it gives (none
    when the form is empty or invalid)."""
    form = form_class(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, filters_class(**form.cleaned_data)
    return form, filters_class()


# --- what is on, buying -------------------------------------------------------------------------
@coop_view(Action.BUY)
def ticketing_home(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """What is on: upcoming events with the seats left, and what is sold without a date."""
    public_only = _visitor(request)
    events = selectors.upcoming_events(coop=coop, public_only=public_only)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "coop": coop,
        "page_obj": page,
        "items": selectors.items_on_sale(coop=coop, public_only=public_only),
        "can_manage": can(request.user, coop, Action.MANAGE_SERVICES),
    }
    return render(request, "commons/ticketing/home.html", context)


@coop_view(Action.BUY)
def service_buy(request: HttpRequest, coop: Cooperative, service_id: int) -> HttpResponse:
    """Buy tickets for an event of a service (``?event=`` preselects it) or items of it."""
    public_only = _visitor(request)
    service = or_404(selectors.service_get, coop=coop, pk=service_id, public_only=public_only)
    events = [
        e
        for e in selectors.upcoming_events(coop=coop, public_only=public_only).filter(
            service=service
        )
        if e.seats_left > 0
    ]
    has_events = service.events.exists()
    user = request.user
    customer = customer_for(user, coop)
    price = next((p.price for p in service.prices.all() if p.customer_kind == customer.kind), None)
    form = BuyForm(
        request.POST or None,
        events=events if has_events else [],
        signed_in=user.is_authenticated,
        initial={"event": request.GET.get("event")},
    )
    anonymous = not user.is_authenticated
    limit = orders_per_hour()
    if request.method == "POST" and anonymous and throttle.exhausted(request, "buy", limit=limit):
        form.add_error(None, _("Too many orders from your connection: try again later."))
    if request.method == "POST" and has_events and not events:
        form.add_error(None, _("No date of this service is on sale."))

    def place():
        data = form.cleaned_data
        event = next((e for e in events if e.pk == data.get("event")), None)
        buyer = customer
        if anonymous:
            buyer = Customer(customer.kind, None, data["name"], data["email"])
        return services.order_place(
            actor=user,
            coop=coop,
            customer=buyer,
            lines=[(service, event, data["quantity"])],
            payment_method=data["payment_method"],
            user=user,
            public_only=public_only,
        )

    order = submit(request, form, _one_line(place))
    if order:
        if anonymous:
            throttle.count(request, "buy", per_seconds=3600)
        remember_order(request, order)
        messages.success(request, _("Thank you: your order is placed."))
        return redirect("commons:order_detail", coop.slug, order.pk)
    context = {
        "coop": coop,
        "service": service,
        "form": form,
        "price": price,
        "customer_kind": CustomerKind(customer.kind).label,
        "has_events": has_events,
    }
    return render(request, "commons/ticketing/buy.html", context)


@coop_view(Action.BUY)
def order_detail(request: HttpRequest, coop: Cooperative, order_id: int) -> HttpResponse:
    """An order with its tickets and how to pay: its buyer's (by login or by the browser
    that placed it), any for staff; otherwise it does not exist."""
    seen = placed_here(request)
    order = or_404(selectors.order_for, coop=coop, pk=order_id, user=request.user, placed_here=seen)
    can_manage = can(request.user, coop, Action.MANAGE_SERVICES)
    context = {
        "coop": coop,
        "order": order,
        "instructions": provider_for(order).start(order),
        "can_manage": can_manage,
        "pay_form": PayForm() if can_manage else None,
        "cancel_form": CancelForm() if can_manage else None,
    }
    return render(request, "commons/ticketing/order.html", context)


@coop_view(Action.BUY)
def my_orders(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """The signed-in customer's orders and ticket codes (visitors are invited to log in)."""
    found = selectors.orders_of(coop=coop, user=request.user)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "commons/ticketing/my_orders.html", {"coop": coop, "page_obj": page})


# --- the catalogue (staff) ----------------------------------------------------------------------
@coop_view(Action.MANAGE_SERVICES)
def service_list(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    found = selectors.service_list(coop=coop, public_only=False)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "commons/ticketing/services.html", {"coop": coop, "page_obj": page})


@coop_view(Action.MANAGE_SERVICES)
def service_create(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    form = ServiceForm(request.POST or None, coop=coop, initial={"is_active": True})
    service = submit(
        request,
        form,
        lambda: catalogue.service_create(
            actor=request.user, coop=coop, **form.service_fields(), prices=form.prices()
        ),
    )
    if service:
        messages.success(request, _("The service is in the catalogue."))
        return redirect("commons:service_manage", coop.slug, service.pk)
    context = {"coop": coop, "form": form, "service": None}
    return render(request, "commons/ticketing/service_form.html", context)


def _staff_service(coop: Cooperative, service_id: int) -> Service:
    return or_404(selectors.service_get, coop=coop, pk=service_id, public_only=False)


@coop_view(Action.MANAGE_SERVICES)
def service_edit(request: HttpRequest, coop: Cooperative, service_id: int) -> HttpResponse:
    service = _staff_service(coop, service_id)
    initial = {
        name: getattr(service, name)
        for name in ("name", "kind", "description", "resource", "is_active", "is_public")
    }
    initial.update({price_field_name(p.customer_kind): p.price for p in service.prices.all()})
    form = ServiceForm(request.POST or None, coop=coop, initial=initial)
    saved = submit(
        request,
        form,
        lambda: catalogue.service_update(
            actor=request.user, service=service, fields=form.service_fields(), prices=form.prices()
        ),
    )
    if saved:
        messages.success(request, _("Changes saved."))
        return redirect("commons:service_manage", coop.slug, service.pk)
    context = {"coop": coop, "form": form, "service": service}
    return render(request, "commons/ticketing/service_form.html", context)


@coop_view(Action.MANAGE_SERVICES)
def service_manage(request: HttpRequest, coop: Cooperative, service_id: int) -> HttpResponse:
    """A service for staff: its prices and its events (paginated)."""
    service = _staff_service(coop, service_id)
    events = selectors.event_list(coop=coop, filters=selectors.EventFilters(service=service.pk))
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"coop": coop, "service": service, "page_obj": page}
    return render(request, "commons/ticketing/service_detail.html", context)


@coop_view(Action.MANAGE_SERVICES)
def event_create(request: HttpRequest, coop: Cooperative, service_id: int) -> HttpResponse:
    service = _staff_service(coop, service_id)
    form = EventForm(request.POST or None)
    event = submit(
        request,
        form,
        lambda: catalogue.event_create(actor=request.user, service=service, **form.cleaned_data),
    )
    if event:
        messages.success(request, _("The event is scheduled."))
        return redirect("commons:event_manage", coop.slug, event.pk)
    context = {"coop": coop, "form": form, "service": service, "event": None}
    return render(request, "commons/ticketing/event_form.html", context)


# --- events (staff) -----------------------------------------------------------------------------
@coop_view(Action.MANAGE_SERVICES)
def event_list(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """Every event, filtered by date, paginated: two queries per page (count, page)."""
    form, filters = _filtered(request, EventFilterForm, selectors.EventFilters)
    found = selectors.event_list(coop=coop, filters=filters)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"coop": coop, "form": form, "page_obj": page}
    return render(request, "commons/ticketing/events.html", context)


@coop_view(Action.MANAGE_SERVICES)
def event_manage(request: HttpRequest, coop: Cooperative, event_id: int) -> HttpResponse:
    """An event for staff: attendance (sold, checked in) and the list of tickets."""
    event = or_404(selectors.event_get, coop=coop, pk=event_id)
    tickets = Paginator(selectors.event_tickets(event=event), 200).get_page(request.GET.get("page"))
    context = {
        "coop": coop,
        "event": event,
        "counts": selectors.attendance(event=event),
        "page_obj": tickets,
        "cancel_form": CancelForm(),
        "started": event.starts_at <= timezone.now(),
    }
    return render(request, "commons/ticketing/event_detail.html", context)


@coop_view(Action.MANAGE_SERVICES)
def event_edit(request: HttpRequest, coop: Cooperative, event_id: int) -> HttpResponse:
    event = or_404(selectors.event_get, coop=coop, pk=event_id)
    initial = {
        "starts_at": timezone.localtime(event.starts_at),
        "ends_at": timezone.localtime(event.ends_at) if event.ends_at else None,
        "seats": event.seats,
    }
    form = EventForm(request.POST or None, initial=initial)

    def save():
        changed = {k: v for k, v in form.cleaned_data.items() if v != initial[k]}
        return catalogue.event_update(actor=request.user, event=event, fields=changed)

    if submit(request, form, save):
        messages.success(request, _("Changes saved."))
        return redirect("commons:event_manage", coop.slug, event.pk)
    context = {"coop": coop, "form": form, "service": event.service, "event": event}
    return render(request, "commons/ticketing/event_form.html", context)


@require_POST
@coop_view(Action.MANAGE_SERVICES)
def event_cancel(request: HttpRequest, coop: Cooperative, event_id: int) -> HttpResponse:
    event = or_404(selectors.event_get, coop=coop, pk=event_id)
    form = CancelForm(request.POST)
    submit_and_flash(
        request,
        form,
        lambda: services.event_cancel(
            actor=request.user, event=event, reason=form.cleaned_data["reason"]
        ),
        done=_("The event is cancelled; its buyers are told by e-mail."),
        failed=_("The event was not cancelled."),
    )
    return redirect("commons:event_manage", coop.slug, event.pk)


# --- orders (staff) -----------------------------------------------------------------------------
@coop_view(Action.MANAGE_SERVICES)
def order_list(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """Orders, filtered and paginated: five queries per page (count, orders, lines with their
    service and event, tickets, and the session's user)."""
    form, filters = _filtered(request, OrderFilterForm, selectors.OrderFilters)
    page = Paginator(selectors.order_list(coop=coop, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "commons/ticketing/orders.html", {"coop": coop, "form": form, "page_obj": page}
    )


@require_POST
@coop_view(Action.MANAGE_SERVICES)
def order_pay(request: HttpRequest, coop: Cooperative, order_id: int) -> HttpResponse:
    order = or_404(selectors.order_get, coop=coop, pk=order_id)
    form = PayForm(request.POST)
    submit_and_flash(
        request,
        form,
        lambda: services.order_pay(
            actor=request.user, order=order, reference=form.cleaned_data["reference"]
        ),
        done=_("The payment is recorded."),
        failed=_("The payment was not recorded."),
    )
    return redirect("commons:order_detail", coop.slug, order.pk)


@require_POST
@coop_view(Action.MANAGE_SERVICES)
def order_cancel(request: HttpRequest, coop: Cooperative, order_id: int) -> HttpResponse:
    order = or_404(selectors.order_get, coop=coop, pk=order_id)
    form = CancelForm(request.POST)
    submit_and_flash(
        request,
        form,
        lambda: services.order_cancel(
            actor=request.user, order=order, reason=form.cleaned_data["reason"]
        ),
        done=_("The order is cancelled; its seats are back on sale."),
        failed=_("The order was not cancelled."),
    )
    return redirect("commons:order_detail", coop.slug, order.pk)


@coop_view(Action.MANAGE_SERVICES)
def desk_sale(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """Sell at the desk on someone's behalf: any price kind, a member by register number."""
    events = [
        e for e in selectors.upcoming_events(coop=coop, public_only=False) if e.seats_left > 0
    ]
    items = list(selectors.items_on_sale(coop=coop, public_only=False))
    form = DeskForm(request.POST or None, events=events, items=items)

    def sell():
        data = form.cleaned_data
        event = next((e for e in events if e.pk == data.get("event")), None)
        service = event.service if event else next(s for s in items if s.pk == data["service"])
        customer = selectors.desk_customer(
            coop,
            kind=data["customer_kind"],
            member_number=data["member_number"],
            name=data["name"].strip(),
            email=data["email"].strip(),
        )
        return services.order_place(
            actor=request.user,
            coop=coop,
            customer=customer,
            lines=[(service, event, data["quantity"])],
            payment_method=data["payment_method"],
            at_desk=True,
            paid=data["paid"],
        )

    order = submit(request, form, _one_line(sell))
    if order:
        messages.success(request, _("Sold: order %(code)s.") % {"code": order.code})
        return redirect("commons:order_detail", coop.slug, order.pk)
    return render(request, "commons/ticketing/desk.html", {"coop": coop, "form": form})


# --- the door -----------------------------------------------------------------------------------
@coop_view(Action.MANAGE_SERVICES)
def check_in(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """The door: type or scan a code; the answer replaces the result box (htmx) or the page."""
    today = timezone.localdate()
    events = list(
        selectors.event_list(coop=coop, filters=selectors.EventFilters(date_from=today)).filter(
            is_cancelled=False
        )[:100]
    )
    form = CheckInForm(
        request.POST or None, events=events, initial={"event": request.GET.get("event")}
    )
    result = None
    if request.method == "POST" and form.is_valid():
        event = next((e for e in events if e.pk == form.cleaned_data["event"]), None)
        try:
            result = ticketing_door.ticket_check_in(
                actor=request.user, coop=coop, code=form.cleaned_data["code"], event=event
            )
        except ValidationError as exc:
            form.add_error("code", exc.errors[0].message)
    context = {"coop": coop, "form": form, "result": result}
    if request.headers.get("HX-Request"):
        return render(request, "commons/ticketing/_check_in_result.html", context)
    if result is not None:  # without htmx: the answer as a message on the page again
        text = f"{result.code}: {result.message}"
        (messages.success if result.admitted else messages.error)(request, text)
        door = form.cleaned_data["event"]
        return redirect(
            reverse("commons:check_in", args=[coop.slug]) + (f"?event={door}" if door else "")
        )
    return render(request, "commons/ticketing/check_in.html", context)
