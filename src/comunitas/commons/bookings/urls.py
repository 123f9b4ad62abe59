"""Page routes of bookable units, bookings and the iCalendar feeds."""

from __future__ import annotations

from django.urls import path

from comunitas.commons.bookings.feed_views import (
    ical_booker,
    ical_booking,
    ical_unit,
    ical_unit_staff,
)
from comunitas.commons.bookings.unit_views import (
    unit_closed_add,
    unit_closed_remove,
    unit_create,
    unit_hours,
    unit_prices,
    unit_settings,
)
from comunitas.commons.bookings.views import (
    booking_cancel,
    booking_create,
    booking_decide,
    booking_detail,
    booking_home,
    booking_manage,
    booking_pay,
    booking_series,
    my_bookings,
    unit_availability,
)

urlpatterns = [
    path("bookings/", booking_home, name="booking_home"),
    path("bookings/mine/", my_bookings, name="my_bookings"),
    path("bookings/manage/", booking_manage, name="booking_manage"),
    path("commons/<int:resource_id>/units/new/", unit_create, name="unit_create"),
    path("bookings/units/<int:unit_id>/", unit_availability, name="unit_availability"),
    path("bookings/units/<int:unit_id>/book/", booking_create, name="booking_create"),
    path("bookings/units/<int:unit_id>/series/", booking_series, name="booking_series"),
    path("bookings/units/<int:unit_id>/settings/", unit_settings, name="unit_settings"),
    path("bookings/units/<int:unit_id>/hours/", unit_hours, name="unit_hours"),
    path("bookings/units/<int:unit_id>/closed-days/", unit_closed_add, name="unit_closed_add"),
    path(
        "bookings/units/<int:unit_id>/closed-days/<int:closed_day_id>/delete/",
        unit_closed_remove,
        name="unit_closed_remove",
    ),
    path("bookings/units/<int:unit_id>/prices/", unit_prices, name="unit_prices"),
    path("bookings/<int:booking_id>/", booking_detail, name="booking_detail"),
    path("bookings/<int:booking_id>/cancel/", booking_cancel, name="booking_cancel"),
    path("bookings/<int:booking_id>/decide/", booking_decide, name="booking_decide"),
    path("bookings/<int:booking_id>/pay/", booking_pay, name="booking_pay"),
]

# Calendar feeds, read by calendar programs outside any cooperative's pages: the token in the
# address is the permission.
site_urlpatterns = [
    path("ical/units/<int:unit_id>/<str:token>.ics", ical_unit, name="ical_unit"),
    path(
        "ical/units/<int:unit_id>/staff/<int:user_id>/<str:token>.ics",
        ical_unit_staff,
        name="ical_unit_staff",
    ),
    path("ical/bookers/<slug:slug>/<int:user_id>/<str:token>.ics", ical_booker, name="ical_booker"),
    path("ical/booking/<str:token>.ics", ical_booking, name="ical_booking"),
]
