"""The assemblies' page routes, under ``c/<slug>/assemblies/`` and the minute book."""

from __future__ import annotations

from django.urls import path

from comunitas.decisions.assemblies.session_views import (
    assembly_close,
    assembly_desk,
    assembly_join,
    assembly_open,
    assembly_quorum,
    assembly_voters,
    attendance_leave,
    proxy_add,
    proxy_revoke,
)
from comunitas.decisions.assemblies.views import (
    agenda_add,
    agenda_edit,
    agenda_remove,
    assembly_cancel,
    assembly_convene,
    assembly_create,
    assembly_detail,
    assembly_edit,
    assembly_list,
    assembly_minutes,
    assembly_notice_pdf,
    minute_book,
    minutes_pdf,
    minutes_sign,
)
from comunitas.decisions.assemblies.voting_views import (
    motion_close,
    motion_create,
    motion_edit,
    motion_open,
    motion_record,
    motion_vote,
)

A = "assemblies"
ONE = f"{A}/<int:assembly_id>"
MOTION = f"{ONE}/motions/<int:motion_id>"
urlpatterns = [
    path(f"{A}/", assembly_list, name="assembly_list"),
    path(f"{A}/new/", assembly_create, name="assembly_create"),
    path("minutes/", minute_book, name="minute_book"),
    path(f"{ONE}/", assembly_detail, name="assembly_detail"),
    path(f"{ONE}/edit/", assembly_edit, name="assembly_edit"),
    path(f"{ONE}/agenda/", agenda_add, name="agenda_add"),
    path(f"{ONE}/agenda/<int:item_id>/edit/", agenda_edit, name="agenda_edit"),
    path(f"{ONE}/agenda/<int:item_id>/remove/", agenda_remove, name="agenda_remove"),
    path(f"{ONE}/convene/", assembly_convene, name="assembly_convene"),
    path(f"{ONE}/cancel/", assembly_cancel, name="assembly_cancel"),
    path(f"{ONE}/notice.pdf", assembly_notice_pdf, name="assembly_notice_pdf"),
    path(f"{ONE}/quorum/", assembly_quorum, name="assembly_quorum"),
    path(f"{ONE}/open/", assembly_open, name="assembly_open"),
    path(f"{ONE}/close/", assembly_close, name="assembly_close"),
    path(f"{ONE}/voters/", assembly_voters, name="assembly_voters"),
    path(f"{ONE}/desk/", assembly_desk, name="assembly_desk"),
    path(f"{ONE}/attendance/<int:attendance_id>/leave/", attendance_leave, name="attendance_leave"),
    path(f"{ONE}/join/", assembly_join, name="assembly_join"),
    path(f"{ONE}/proxies/", proxy_add, name="proxy_add"),
    path(f"{ONE}/proxies/<int:proxy_id>/revoke/", proxy_revoke, name="proxy_revoke"),
    path(f"{ONE}/motions/new/", motion_create, name="motion_create"),
    path(f"{MOTION}/edit/", motion_edit, name="motion_edit"),
    path(f"{MOTION}/open/", motion_open, name="motion_open"),
    path(f"{MOTION}/close/", motion_close, name="motion_close"),
    path(f"{MOTION}/vote/", motion_vote, name="motion_vote"),
    path(f"{MOTION}/record/", motion_record, name="motion_record"),
    path(f"{ONE}/minutes/", assembly_minutes, name="assembly_minutes"),
    path(f"{ONE}/minutes/sign/", minutes_sign, name="minutes_sign"),
    path(f"{ONE}/minutes.pdf", minutes_pdf, name="minutes_pdf"),
]
