"""The coverage page, "needs → projects": its figures, the chart and its table, the needs
answered with the projects answering them, the needs still open, who may read it, and its
constant number of queries."""

from __future__ import annotations

import pytest

from comunitas.projects.needs import services as needs_services
from tests.helpers import make_need, make_project

pytestmark = pytest.mark.django_db

URL = "/c/alpha/coverage/"


def page(client, url: str = URL) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def loop(people):
    """Shops: two needs answered by one project, one open; mobility: one declined, one open
    with two supports; a duplicate merged into the open shop need (counted once)."""
    coop, admin, resident = people["coop"], people["admin"], people["resident"]
    bread = make_need(coop, resident, title="Nessun forno")
    grocer = make_need(coop, resident, title="Nessun alimentari")
    newsagent = make_need(coop, resident, title="Nessuna edicola")
    bus = make_need(coop, resident, title="Nessun autobus", category="mobility")
    taxi = make_need(coop, resident, title="Taxi notturno", category="mobility")
    duplicate = make_need(coop, people["member"], title="Niente giornali")
    for user in (people["member"], people["staff"]):
        needs_services.need_support(actor=user, need=bus)
    needs_services.need_support(actor=people["member"], need=bread)
    needs_services.need_set_status(
        actor=admin, need=taxi, status="declined", reason="Troppo costoso"
    )
    needs_services.need_merge(actor=admin, duplicate=duplicate, into=newsagent)
    project = make_project(coop, admin, [bread, grocer], title="Bottega di comunità")
    return {"project": project, "bus": bus, "newsagent": newsagent, "taxi": taxi}


def test_the_figures_the_chart_and_the_table(client, people, loop):
    text = page(client)
    # In play: bread, grocer, newsagent, bus (taxi declined, the duplicate merged): 2 of 4.
    assert '<span class="value">50 %</span>' in text
    # Supports in play: bread 1, newsagent 1 (the duplicate's author), bus 2: 1 of 4 answered.
    assert '<span class="value">25 %</span>' in text
    assert '<span class="value">2</span><span class="label">needs still open' in text
    assert 'role="img"' in text and "<desc" in text and "Shops and basic services: 67 %." in text
    assert "Mobility: 0 %." in text
    table = text[text.index('id="coverage-caption"') :]
    assert '<td class="num">3</td><td class="num">2</td><td class="num">0</td>' in table
    assert '<td class="num">2</td><td class="num">0</td><td class="num">1</td>' in table
    assert "Niente giornali" not in text


def test_answered_needs_link_their_projects_and_open_ones_come_by_support(client, people, loop):
    text = page(client)
    answered = text[text.index('id="answered-h"') : text.index('id="open-h"')]
    project = loop["project"]
    assert "Nessun forno" in answered and "Nessun alimentari" in answered
    assert answered.count(f'href="/c/alpha/projects/{project.pk}/"') == 2
    assert answered.index("Nessun forno") < answered.index("Nessun alimentari")  # 1 support
    still_open = text[text.index('id="open-h"') :]
    assert still_open.index("Nessun autobus") < still_open.index("Nessuna edicola")
    assert "Taxi notturno" not in still_open


def test_the_page_says_what_to_do_when_nothing_is_told(client, people):
    text = page(client)
    assert "No need has been told yet" in text and "<svg" not in text


def test_members_and_visitors_read_it_outsiders_of_a_private_coop_do_not(client, people, loop):
    client.force_login(people["resident"])
    assert "Needs → projects" in page(client)
    client.logout()
    assert "Needs → projects" in page(client)
    type(people["coop"]).objects.filter(pk=people["coop"].pk).update(is_public=False)
    assert client.get(URL).status_code == 404
    client.force_login(people["stranger"])
    assert client.get(URL).status_code == 404


@pytest.mark.parametrize("n", [3, 30])
def test_the_page_is_a_constant_number_of_queries(client, people, n, django_assert_num_queries):
    coop, admin = people["coop"], people["admin"]
    answered = []
    for i in range(n):
        need = make_need(coop, people["resident"], title=f"Bisogno {i:02d}", category="care")
        if i % 2:
            answered.append(need)
        if i % 5 == 0:
            needs_services.need_support(actor=people["member"], need=need)
    make_project(coop, admin, answered[: n // 3 + 1], title="Assistenza")
    make_project(coop, admin, answered, title="Trasporto sociale")
    client.force_login(people["member"])
    # session, user, coop, roles; needs by category and status; the most supported answered
    # needs with their municipality, then their projects; the most supported open needs
    with django_assert_num_queries(8):
        text = page(client)
    assert text.count("Trasporto sociale") == len(answered)
