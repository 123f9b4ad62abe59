"""Template helpers shared by every page: money, the cooperative's menu, and the page parts
written once in ``templates/components/`` (KPI cards, empty states, data tables, charts with
their table alternative, menus). Each component's template says its parameters at its top."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.functional import Promise

from comunitas.core import formatting
from comunitas.core.audit import action_label, change_rows
from comunitas.core.permissions import can, role_in
from comunitas.web.components import block_component
from comunitas.web.dashboard import DASHBOARD
from comunitas.web.nav import COOP_NAV

register = template.Library()


@register.filter
def euro(value) -> str:
    return formatting.euro(value)


@register.inclusion_tag("components/coop_menu.html", takes_context=True)
def coop_nav(context, coop):
    """The cooperative's menu: the entries of ``COOP_NAV`` the visitor's role allows."""
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


# --- page parts (templates/components/) ----------------------------------------------------------

Text = str | Promise


@register.inclusion_tag("components/kpi.html")
def kpi(value, label: Text, href: str = "", unit: Text = "", second=None):
    """``{% kpi totals.net|euro _("net revenue") %}`` — see components/kpi.html."""
    return {"value": value, "label": label, "href": href, "unit": unit, "second": second}


@register.inclusion_tag("components/empty_state.html")
def empty_state(text: Text, href: str = "", link: Text = ""):
    """``{% empty_state _("No need yet.") href=url link=_("Tell a need") %}`` — see
    components/empty_state.html."""
    return {"text": text, "href": href, "link": link}


@block_component(register, "components/data_table.html")
def data_table(caption_id: str, caption: Text, hidden: bool = False):
    """``{% data_table "audit-caption" caption %}<thead>…</tbody>{% enddata_table %}`` — see
    components/data_table.html."""
    return {"caption_id": caption_id, "caption": caption, "hidden": hidden}


@block_component(
    register,
    "components/chart.html",
    sections=("desc", "caption", "figures"),
    unlocalized=("body", "desc"),
)
def chart(chart_id: str, title: Text, width, height, table_caption: Text = "", open: bool = False):
    """``{% chart "sales" title width height %}…shapes…{% desc %}…{% caption %}…{% figures %}
    <thead>…</tbody>{% endchart %}`` — see components/chart.html."""
    return {
        "chart_id": chart_id,
        "title": title,
        "width": width,
        "height": height,
        "table_caption": table_caption or title,
        "open": open,
    }


@block_component(register, "components/menu.html")
def menu(label: Text, items=(), nav_class: str = "subnav"):
    """``{% menu _("Box office") %}{% menu_link url _("Orders") %}…{% endmenu %}`` — see
    components/menu.html."""
    return {"label": label, "items": items, "nav_class": nav_class}


@register.inclusion_tag("components/menu_link.html", takes_context=True)
def menu_link(context, url: str, label: Text, current=None):
    """One entry of a menu; it is the current page when ``current`` says so or, when
    ``current`` is not given, when ``url`` is the page's path."""
    if current is None:
        request = context.get("request")
        current = request is not None and url == request.path
    return {"url": url, "label": label, "current": current}
