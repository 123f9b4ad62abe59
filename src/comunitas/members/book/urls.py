"""Pages of the member book: the application form, the book, a member's page, applications,
eligibility, erasure."""

from __future__ import annotations

from django.urls import path

from comunitas.members.book.views import (
    application_decide,
    application_list,
    member_create,
    member_detail,
    member_edit,
    member_eligibility,
    member_erase,
    member_join,
    member_join_thanks,
    member_list,
)

urlpatterns = [
    path("join/", member_join, name="member_join"),
    path("join/thanks/", member_join_thanks, name="member_join_thanks"),
    path("members/", member_list, name="member_list"),
    path("members/new/", member_create, name="member_create"),
    path("members/applications/", application_list, name="application_list"),
    path(
        "members/applications/<int:application_id>/decide/",
        application_decide,
        name="application_decide",
    ),
    path("members/eligibility/", member_eligibility, name="member_eligibility"),
    path("members/<int:member_id>/", member_detail, name="member_detail"),
    path("members/<int:member_id>/edit/", member_edit, name="member_edit"),
    path("members/<int:member_id>/erase/", member_erase, name="member_erase"),
]
