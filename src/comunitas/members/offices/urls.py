"""Pages of the register of offices (organi sociali)."""

from __future__ import annotations

from django.urls import path

from comunitas.members.offices.views import office_appoint, office_end, office_list

urlpatterns = [
    path("members/offices/", office_list, name="office_list"),
    path("members/offices/appoint/", office_appoint, name="office_appoint"),
    path("members/offices/<int:office_id>/end/", office_end, name="office_end"),
]
