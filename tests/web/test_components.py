"""The page parts written once in web/templates/components/: each renders the markup the pages,
the stylesheet and the browser tests rely on (classes, captions, scopes, labels, ids)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import TemplateSyntaxError, engines
from django.test import RequestFactory
from django.utils import translation

from comunitas import web
from comunitas.web.dashboard import year_chart

COMPONENTS = Path(web.__file__).parent / "templates" / "components"


def render(source: str, path: str = "/c/alpha/", **context) -> str:
    request = RequestFactory().get(path)
    template = engines["django"].from_string("{% load i18n comunitas %}" + source)
    return template.render(context, request)


def squeeze(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def test_every_component_says_its_parameters_at_its_top():
    for path in COMPONENTS.glob("*.html"):
        head = path.read_text(encoding="utf-8")[:300]
        assert "{% comment %}" in head and "Call" in path.read_text(), path.name


# --- KPI cards ----------------------------------------------------------------------------------


def test_a_kpi_card_is_a_figure_and_its_label():
    html = render('{% kpi 3 _("tickets sold") %}')
    # The exact shape the pages' tests read: value then label, no space between.
    assert html.strip() == (
        '<div class="card kpi"><span class="value">3</span>'
        '<span class="label">tickets sold</span></div>'
    )


def test_a_kpi_card_formats_a_missing_figure_a_unit_a_pair_and_a_link():
    html = render(
        '{% kpi share _("answered") unit="%" %}{% kpi none _("answered") unit="%" %}'
        '{% kpi 2 _("board / staff accounts") second=5 %}'
        '{% kpi 7 label href="/c/alpha/members/applications/" %}'
        "{% kpi amount|euro _('net revenue') %}",
        share=50,
        none=None,
        label="applications <waiting>",
        amount="1234.5",
    )
    assert '<span class="value">50 %</span>' in html
    assert '<span class="value">\u2013</span>' in html and "\u2013 %" not in html
    assert '<span class="value">2 / 5</span>' in html
    assert (
        '<span class="value">7</span><span class="label">'
        '<a href="/c/alpha/members/applications/">applications &lt;waiting&gt;</a></span>'
    ) in html
    assert '<span class="value">€1,234.50</span>' in html


def test_a_kpi_label_is_translated_and_plural_labels_come_through_asvar():
    source = (
        "{% blocktranslate count n=n asvar served %}municipality served{% plural %}"
        "municipalities served{% endblocktranslate %}{% kpi n served %}"
        '{% kpi 1 _("net revenue") %}'
    )
    with translation.override("it"):
        html = render(source, n=3)
    assert '<span class="value">3</span><span class="label">comuni serviti</span>' in html
    assert "ricavi netti" in html


# --- empty states -------------------------------------------------------------------------------


def test_an_empty_state_says_what_to_do_and_links_to_it():
    html = render(
        '{% empty_state _("No need has been told yet.") href="/c/alpha/needs/new/" '
        'link=_("Tell a need") %}'
    )
    assert html.strip() == (
        '<p class="empty">No need has been told yet. '
        '<a href="/c/alpha/needs/new/">Tell a need</a></p>'
    )


def test_an_empty_state_without_a_link_for_those_who_may_not_act():
    source = (
        "{% if can_manage %}{% url 'core:coop_edit' 'alpha' as add_url %}{% endif %}"
        '{% empty_state _("No entry matches these filters.") href=add_url link=_("Settings") %}'
    )
    assert render(source, can_manage=False).strip() == (
        '<p class="empty">No entry matches these filters.</p>'
    )
    assert '<a href="/c/alpha/settings/">Settings</a>' in render(source, can_manage=True)


def test_an_empty_state_escapes_the_visitors_words_once():
    source = (
        '{% blocktranslate asvar text %}No municipality matches "{{ q }}".{% endblocktranslate %}'
        "{% empty_state text %}"
    )
    html = render(source, q="<b>x</b>")
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "&amp;lt;" not in html and "<b>" not in html


# --- data tables --------------------------------------------------------------------------------

TABLE = (
    "{% blocktranslate count n=rows|length asvar caption %}"
    "{{ n }} entry{% plural %}{{ n }} entries{% endblocktranslate %}\n"
    '{% data_table "audit-caption" caption hidden=hidden %}\n'
    '  <thead><tr><th scope="col">Who</th><th scope="col" class="num">Amount</th></tr></thead>\n'
    "  <tbody>{% for who, amount in rows %}"
    '<tr><th scope="row">{{ who }}</th><td class="num">{{ amount|euro }}</td></tr>'
    "{% endfor %}</tbody>\n"
    "{% enddata_table %}"
)


def test_a_data_table_has_its_caption_a_scrolling_region_and_scoped_heads():
    html = squeeze(render(TABLE, rows=[("Ada", 12), ("<Bo>", 3)], hidden=False))
    assert html.startswith(
        '<div class="table-wrap" role="region" aria-labelledby="audit-caption" tabindex="0">'
        '<table><caption id="audit-caption">2 entries</caption><thead>'
    )
    assert '<th scope="col" class="num">Amount</th>' in html
    assert '<tr><th scope="row">Ada</th><td class="num">€12.00</td></tr>' in html
    assert "&lt;Bo&gt;" in html  # the body is the page's own markup, escaped by the page
    assert html.endswith("</tbody></table></div>")


def test_a_data_table_caption_can_be_for_screen_readers_only():
    html = render(TABLE, rows=[], hidden=True)
    assert '<caption id="audit-caption" class="visually-hidden">0 entries</caption>' in html


def test_a_data_table_refuses_a_missing_caption():
    with pytest.raises(TemplateSyntaxError):
        render('{% data_table "x-caption" %}{% enddata_table %}')


# --- charts -------------------------------------------------------------------------------------

# The members' joins-and-exits chart of the board's dashboard, written with the component.
CHART = (
    '{% chart "members-chart" title width=chart.width height=chart.height %}\n'
    '  <line x1="{{ chart.left }}" x2="{{ chart.width }}" y1="{{ chart.base }}"'
    ' y2="{{ chart.base }}" stroke="#4f5b57"/>\n'
    "  {% for group in chart.groups %}{% for bar in group.bars %}"
    '<rect x="{{ bar.x }}" y="{{ bar.y }}" width="{{ chart.bar }}" height="{{ bar.height }}"/>'
    "{% endfor %}{% endfor %}\n"
    "{% desc %}\n"
    "  {% for row in chart.years %}"
    "{% blocktranslate with year=row.year joined=row.joined left=row.left %}"
    "{{ year }}: {{ joined }} joined, {{ left }} left.{% endblocktranslate %} {% endfor %}\n"
    "{% caption %}\n"
    '  <span class="legend">{% translate "joined" %}</span>'
    ' <span class="legend">{% translate "left" %}</span>\n'
    "{% figures %}\n"
    '  <thead><tr><th scope="col">{% translate "Year" %}</th>'
    '<th scope="col" class="num">{% translate "Joined" %}</th>'
    '<th scope="col" class="num">{% translate "Left" %}</th></tr></thead>\n'
    "  <tbody>{% for row in chart.years %}"
    '<tr><th scope="row">{{ row.year }}</th><td class="num">{{ row.joined }}</td>'
    '<td class="num">{{ row.left }}</td></tr>{% endfor %}</tbody>\n'
    "{% endchart %}"
)

YEARS = [{"year": 2024, "joined": 3, "left": 0}, {"year": 2025, "joined": 7, "left": 2}]


def test_a_chart_is_a_titled_described_svg_with_its_table_under_a_disclosure():
    html = squeeze(
        render(CHART, chart=year_chart(YEARS), title="Members joining and leaving per year")
    )
    assert html.startswith("<figure><svg viewBox=")
    assert (
        'role="img" aria-labelledby="members-chart-title members-chart-desc" '
        'xmlns="http://www.w3.org/2000/svg">'
    ) in html
    assert '<title id="members-chart-title">Members joining and leaving per year</title>' in html
    assert (
        '<desc id="members-chart-desc">2024: 3 joined, 0 left. 2025: 7 joined, 2 left.</desc>'
    ) in html
    assert html.count("<rect ") == 4
    assert '<figcaption class="muted"><span class="legend">joined</span>' in html
    # The table alternative: under a disclosure, captioned by the title, heads scoped.
    details = html[html.index("<details>") :]
    assert details.startswith("<details><summary>The figures as a table</summary>")
    assert (
        '<div class="table-wrap" role="region" aria-labelledby="members-chart-caption" '
        'tabindex="0"><table><caption id="members-chart-caption" class="visually-hidden">'
        "Members joining and leaving per year</caption>"
    ) in details
    assert '<tr><th scope="row">2025</th><td class="num">7</td><td class="num">2</td></tr>' in html
    assert html.endswith("</table></div></details>")


def test_chart_coordinates_are_never_localised():
    """Italian writes 12,5 but SVG needs 12.5: the shapes and the description render unlocalised,
    the table alternative is in the page's language."""
    source = (
        '{% chart "c" _("net revenue") width height %}<rect height="{{ h }}"/>'
        '{% figures %}<tbody><tr><th scope="row">x</th><td class="num">{{ h }}</td></tr></tbody>'
        "{% endchart %}"
    )
    with translation.override("it"):
        html = render(source, width=300.5, height=120, h=12.5)
    assert 'viewBox="0 0 300.5 120" width="300.5"' in html and '<rect height="12.5"/>' in html
    assert '<td class="num">12,5</td>' in html
    assert '<title id="c-title">ricavi netti</title>' in html


def test_a_chart_without_figures_or_caption_has_neither_and_open_opens_the_table():
    bare = render('{% chart "c" "Title" 10 10 %}<rect/>{% endchart %}')
    assert "<details" not in bare and "<figcaption" not in bare
    opened = render(
        '{% chart "c" "Title" 10 10 table_caption="Needs by category" open=True %}<rect/>'
        "{% figures %}<tbody></tbody>{% endchart %}"
    )
    assert "<details open>" in opened
    assert '<caption id="c-caption" class="visually-hidden">Needs by category</caption>' in opened


def test_a_chart_section_given_twice_is_a_template_error():
    with pytest.raises(TemplateSyntaxError, match="twice"):
        render('{% chart "c" "T" 1 1 %}{% desc %}a{% desc %}b{% endchart %}')


# --- menus --------------------------------------------------------------------------------------


def test_a_menu_marks_the_current_page_from_the_path_or_as_told():
    source = (
        '{% menu _("Box office") %}'
        '{% menu_link "/c/alpha/tickets/" _("Orders") %}'
        '{% menu_link "/c/alpha/events/" "Events" %}'
        '{% menu_link "?status=open" "Open" current=True %}'
        "{% endmenu %}"
    )
    html = squeeze(render(source, path="/c/alpha/events/"))
    assert html == (
        '<nav class="subnav" aria-label="Box office"><ul>'
        '<li><a href="/c/alpha/tickets/">Orders</a></li>'
        '<li><a href="/c/alpha/events/" aria-current="page">Events</a></li>'
        '<li><a href="?status=open" aria-current="page">Open</a></li>'
        "</ul></nav>"
    )


def test_a_menu_of_entries_built_in_python():
    items = [
        {"url": "/a/", "label": "A", "current": False},
        {"url": "/b/", "label": "B", "current": True},
    ]
    html = squeeze(render('{% menu "Member book" items=items %}{% endmenu %}', items=items))
    assert html == (
        '<nav class="subnav" aria-label="Member book"><ul><li><a href="/a/">A</a></li>'
        '<li><a href="/b/" aria-current="page">B</a></li></ul></nav>'
    )


def test_the_cooperatives_menu_follows_the_role(client, people, english):
    visitor = squeeze(client.get("/c/alpha/").content.decode())
    assert '<nav class="coop-nav" aria-label="Alpha sections"><ul>' in visitor
    assert '<li><a href="/c/alpha/" aria-current="page">Overview</a></li>' in visitor
    assert "Activity log" not in visitor and "Become a member" in visitor
    client.force_login(people["admin"])
    board = squeeze(client.get("/c/alpha/dashboard/").content.decode())
    assert '<a href="/c/alpha/dashboard/" aria-current="page">Dashboard</a>' in board
    assert '<li><a href="/c/alpha/audit/">Activity log</a></li>' in board
    assert "Become a member" not in board
