"""Page routes of the commons registry."""

from __future__ import annotations

from django.urls import path

from comunitas.commons.resources.views import (
    commons_list,
    log_add,
    obligation_add,
    obligation_done,
    resource_create,
    resource_detail,
    resource_edit,
    use_right_add,
)

urlpatterns = [
    path("commons/", commons_list, name="list"),
    path("commons/new/", resource_create, name="resource_create"),
    path("commons/obligations/<int:obligation_id>/done/", obligation_done, name="obligation_done"),
    path("commons/<int:resource_id>/", resource_detail, name="resource_detail"),
    path("commons/<int:resource_id>/edit/", resource_edit, name="resource_edit"),
    path("commons/<int:resource_id>/use-rights/", use_right_add, name="use_right_add"),
    path("commons/<int:resource_id>/obligations/", obligation_add, name="obligation_add"),
    path("commons/<int:resource_id>/log/", log_add, name="log_add"),
]
