"""Permission-matrix rows (method, path, body, action) of the member book's outputs (members/
outputs/views.py and api.py): the register on a date and a member's certificate."""

from __future__ import annotations

from comunitas.core.permissions import Action

WEB = [
    ("get", "/c/{slug}/members/register/", None, Action.VIEW_MEMBERS),
    ("get", "/c/{slug}/members/register.csv", None, Action.VIEW_MEMBERS),
    ("get", "/c/{slug}/members/register.xlsx", None, Action.VIEW_MEMBERS),
    ("get", "/c/{slug}/members/register.pdf", None, Action.VIEW_MEMBERS),
    ("get", "/c/{slug}/members/{member_id}/certificate.pdf", None, Action.VIEW_MEMBERS),
]
API = [
    ("get", "/api/v1/coops/{slug}/register/export", None, Action.VIEW_MEMBERS),
]
