"""The page of the register of offices: current and past offices listed at a constant number of
queries, an appointment and its end from the page, refusals shown next to the fields."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comunitas.members.models import Office
from comunitas.members.offices import services
from tests.helpers import admit, person

pytestmark = pytest.mark.django_db

PAGE = "/c/alpha/members/offices/"
TODAY = timezone.localdate


def appoint(book, member, kind="director", **extra):
    return services.office_appoint(
        actor=book["admin"],
        coop=book["coop"],
        member=member,
        kind=kind,
        started_on=TODAY() - timedelta(days=30),
        reference="Assemblea 2026",
        **extra,
    )


def offices_page_queries(client) -> int:
    client.get(PAGE)  # the session and the caches warmed
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PAGE)
    assert response.status_code == 200
    return len(queries)


def test_the_page_lists_current_and_past_offices_at_a_constant_number_of_queries(
    client, book, english_pages
):
    coop, admin = book["coop"], book["admin"]
    members = [admit(coop, person(n), actor=admin) for n in range(1, 9)]
    appoint(book, members[0], title="Presidente")
    past = appoint(book, members[1], kind="control")
    services.office_end(actor=admin, office=past, ended_on=TODAY(), reference="dimissioni")
    client.force_login(admin)
    few = offices_page_queries(client)
    for member in members[2:]:
        appoint(book, member)
        services.office_end(
            actor=admin, office=appoint(book, member, kind="control"), ended_on=TODAY()
        )
    # cooperative, session, user, roles, the offices with their members, the members to choose
    # from, and the menus' reads: the same however many offices there are.
    assert offices_page_queries(client) == few
    html = client.get(PAGE).content.decode()
    assert "Cognome1 Nome1" in html and "Presidente" in html and "dimissioni" in html
    assert html.count('name="ended_on"') == 7  # one end button per office in force
    assert "/c/alpha/members/offices/" in client.get("/c/alpha/members/").content.decode()


def test_an_appointment_and_its_end_from_the_page(client, book, english_pages):
    coop, admin = book["coop"], book["admin"]
    member = admit(coop, person(1), actor=admin)
    client.force_login(book["staff"])
    response = client.post(
        PAGE + "appoint/",
        {
            "member": member.number,
            "kind": "control",
            "title": "Sindaco unico",
            "started_on": TODAY().isoformat(),
            "reference": "Assemblea 2026",
        },
    )
    assert response.status_code == 302
    office = Office.objects.get()
    assert (office.member, office.kind, office.title) == (member, "control", "Sindaco unico")
    response = client.post(f"{PAGE}{office.pk}/end/", {"ended_on": TODAY().isoformat()})
    assert response.status_code == 302
    office.refresh_from_db()
    assert office.ended_on == TODAY()
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("ended" in m for m in shown), shown


def test_a_refused_appointment_shows_the_error_next_to_the_field(client, book, english_pages):
    coop, admin = book["coop"], book["admin"]
    recent = admit(coop, person(1), actor=admin, days_ago=5)
    client.force_login(admin)
    response = client.post(
        PAGE + "appoint/",
        {
            "member": recent.number,
            "kind": "director",
            "started_on": (TODAY() - timedelta(days=30)).isoformat(),
            "reference": "Assemblea 2026",
        },
    )
    assert response.status_code == 200
    assert "after the start of the office" in response.content.decode()
    office = appoint(book, admit(coop, person(2), actor=admin))
    response = client.post(
        f"{PAGE}{office.pk}/end/", {"ended_on": (office.started_on - timedelta(days=1)).isoformat()}
    )
    assert response.status_code == 302
    assert Office.objects.get(pk=office.pk).ended_on is None
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("cannot end before" in m for m in shown), shown
