"""Page routes of the catalogue and the box office."""

from __future__ import annotations

from django.urls import path

from comunitas.commons.ticketing.views import (
    check_in,
    desk_sale,
    event_cancel,
    event_create,
    event_edit,
    event_list,
    event_manage,
    my_orders,
    order_cancel,
    order_detail,
    order_list,
    order_pay,
    service_buy,
    service_create,
    service_edit,
    service_list,
    service_manage,
    ticketing_home,
)

urlpatterns = [
    path("events/", ticketing_home, name="ticketing_home"),
    path("events/mine/", my_orders, name="my_orders"),
    path("events/buy/<int:service_id>/", service_buy, name="service_buy"),
    path("events/all/", event_list, name="event_list"),
    path("events/desk/", desk_sale, name="desk_sale"),
    path("events/check-in/", check_in, name="check_in"),
    path("events/services/", service_list, name="service_list"),
    path("events/services/new/", service_create, name="service_create"),
    path("events/services/<int:service_id>/", service_manage, name="service_manage"),
    path("events/services/<int:service_id>/edit/", service_edit, name="service_edit"),
    path("events/services/<int:service_id>/events/", event_create, name="event_create"),
    path("events/orders/", order_list, name="order_list"),
    path("events/orders/<int:order_id>/", order_detail, name="order_detail"),
    path("events/orders/<int:order_id>/pay/", order_pay, name="order_pay"),
    path("events/orders/<int:order_id>/cancel/", order_cancel, name="order_cancel"),
    path("events/<int:event_id>/", event_manage, name="event_manage"),
    path("events/<int:event_id>/edit/", event_edit, name="event_edit"),
    path("events/<int:event_id>/cancel/", event_cancel, name="event_cancel"),
]
