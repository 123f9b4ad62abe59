"""Template helpers shared by every page: money, the cooperative's navigation."""

from __future__ import annotations

from django import template
from django.urls import reverse

from comunitas.core import formatting
from comunitas.core.audit import action_label, change_rows
from comunitas.core.permissions import can, role_in
from comunitas.web.dashboard import DASHBOARD
from comunitas.web.nav import COOP_NAV

register = template.Library()


@register.filter
def euro(value) -> str:
    return formatting.euro(value)


@register.inclusion_tag("includes/coop_nav.html", takes_context=True)
def coop_nav(context, coop):
    request = context["request"]
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = [
        {
            "label": item.label,
            "url": reverse(item.url_name, args=[coop.slug]),
            "current": item.url_name == current,
        }
        for item in COOP_NAV
        if can(request.user, coop, item.action)
        and not (item.visitors_only and role_in(request.user, coop))
    ]
    return {"items": items, "coop": coop}


@register.inclusion_tag("includes/dashboard_sections.html", takes_context=True)
def dashboard_sections(context, coop):
    """The dashboard sections the visitor's role allows, each with its data."""
    user = context["request"].user
    sections = [
        {"template": section.template, "data": section.data(coop)}
        for section in DASHBOARD
        if can(user, coop, section.action)
    ]
    return {"sections": sections, "coop": coop}


@register.filter
def audit_action(code: str) -> str:
    return action_label(code)


@register.filter
def audit_changes(entry) -> list:
    return change_rows(entry)
