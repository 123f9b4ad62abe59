"""The assemblies' pages through the Django client: drafting and convening, the desk, voting
from the assembly's page, results, minutes and their PDF, and who sees what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comunitas.decisions.assemblies import services as assemblies_services
from comunitas.decisions.assemblies import session_services as assemblies_session_services
from comunitas.decisions.assemblies import voting_services as assemblies_voting_services
from comunitas.decisions.models import (
    Assembly,
    AssemblyStatus,
    Attendance,
    Minutes,
    Motion,
    Proxy,
    RollEntry,
    Vote,
)
from tests.decisions.consultations.matrix import make_consultation, open_consultation
from tests.helpers import admit, first_call, person

pytestmark = pytest.mark.django_db


def url(assembly, rest=""):
    return f"/c/alpha/assemblies/{assembly.pk}/{rest}"


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_staff_draft_an_assembly_and_the_board_convenes_it(
    client, assembly_book, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(assembly_book["staff"])
    form = {
        "kind": "ordinary",
        "title": "Assemblea di primavera",
        "first_call_at": local(timezone.now() + timedelta(days=20)),
        "second_call_at": local(timezone.now() + timedelta(days=21)),
        "place": "Sala della Pro Loco",
        "online_url": "",
        "notes": "",
    }
    response = client.post("/c/alpha/assemblies/new/", form)
    assembly = Assembly.objects.get()
    assert response.status_code == 302 and response["Location"] == url(assembly)
    client.post(url(assembly, "agenda/"), {"agenda-title": "Bilancio consuntivo"})
    assert assembly.agenda.get().title == "Bilancio consuntivo"
    # Staff may not convene: the board does.
    assert client.post(url(assembly, "convene/")).status_code == 403
    client.force_login(assembly_book["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(assembly, "convene/"), follow=True)
    assert "every member is being sent the notice" in response.content.decode()
    assembly.refresh_from_db()
    assert assembly.status == AssemblyStatus.CONVENED
    assert any("Assemblea di primavera" in m.subject for m in mailoutbox)
    notice = client.get(url(assembly, "notice.pdf"))
    assert notice.status_code == 200 and notice["Content-Type"] == "application/pdf"
    assert notice.content.startswith(b"%PDF")


def test_a_bad_date_is_shown_next_to_its_field_and_nothing_is_saved(client, assembly_book):
    client.force_login(assembly_book["staff"])
    response = client.post(
        "/c/alpha/assemblies/new/",
        {
            "kind": "ordinary",
            "title": "X",
            "first_call_at": local(first_call()),
            "second_call_at": local(first_call(1)),
            "place": "Sala",
        },
    )
    assert response.status_code == 200
    assert "later day than the first" in response.content.decode()
    assert not Assembly.objects.exists()


def test_drafts_exist_only_for_operators(client, assembly_book):
    assembly = assemblies_services.assembly_create(
        actor=assembly_book["staff"],
        coop=assembly_book["coop"],
        title="Bozza",
        first_call_at=first_call(),
        place="Sala",
    )
    client.force_login(assembly_book["member"])
    assert client.get(url(assembly)).status_code == 404
    assert "Bozza" not in client.get("/c/alpha/assemblies/").content.decode()
    client.force_login(assembly_book["staff"])
    assert "Bozza" in client.get("/c/alpha/assemblies/").content.decode()


def test_the_desk_registers_arrivals_and_proxies_and_shows_the_quorum(client, in_session):
    members = in_session["members"]
    assembly = in_session["assembly"]
    client.force_login(in_session["staff"])
    response = client.post(
        url(assembly, "desk/"),
        {"attendance-number": members[3].number, "attendance-mode": "in_person"},
    )
    assert response.status_code == 302
    assert Attendance.objects.filter(member=members[3]).exists()
    again = client.post(
        url(assembly, "desk/"),
        {"attendance-number": members[3].number, "attendance-mode": "in_person"},
    )
    assert again.status_code == 422 and "already registered" in again.content.decode()
    client.post(
        url(assembly, "proxies/"),
        {"proxy-grantor": members[4].number, "proxy-holder": members[3].number},
    )
    assert Proxy.objects.get().holder == members[3]
    refused = client.post(
        url(assembly, "proxies/"),
        {"proxy-grantor": members["recent"].number, "proxy-holder": members[3].number},
        follow=True,
    )
    assert "90 days" in refused.content.decode()
    page = client.get(url(assembly, "desk/")).content.decode()
    assert members[3].display_name in page and members[4].display_name in page
    quorum = client.get(url(assembly, "quorum/")).content.decode()
    assert "Not quorate" in quorum and "2" in quorum  # 2 of 8 votes present


def test_a_member_votes_in_a_secret_ballot_and_reads_the_result_when_it_closes(client, in_session):
    members, staff = in_session["members"], in_session["staff"]
    assembly = in_session["assembly"]
    for key in ("member", "admin", 3, 5, 6):
        assemblies_session_services.attendance_register(
            actor=staff, assembly=assembly, member=members[key]
        )
    motion = assemblies_voting_services.motion_open(
        actor=staff,
        motion=assemblies_voting_services.motion_create(
            actor=staff,
            assembly=assembly,
            title="Bilancio 2025",
            ballot="secret",
        ),
    )
    client.force_login(in_session["member"])
    page = client.get(url(assembly)).content.decode()
    assert "Your vote" in page and "secret" in page
    response = client.post(
        url(assembly, f"motions/{motion.pk}/vote/"),
        {"voter": members["member"].pk, "choice": "against"},
        follow=True,
    )
    content = response.content.decode()
    assert "nobody can see how you voted" in content
    assert "1 member has voted so far" in content
    assert "<legend>Your vote" not in content  # voted: no second ballot
    again = client.post(
        url(assembly, f"motions/{motion.pk}/vote/"),
        {"voter": members["member"].pk, "choice": "for"},
        follow=True,
    )
    assert "already voted" in again.content.decode()
    assert Vote.objects.get().choice == ""
    assemblies_voting_services.motion_close(actor=staff, motion=Motion.objects.get(pk=motion.pk))
    result = client.get(url(assembly)).content.decode()
    assert "Not carried." in result and "Against" in result
    # Closed, the page keeps the quorum the session had, not the empty hall after it.
    assemblies_session_services.assembly_close(actor=staff, assembly=assembly)
    closed = client.get(url(assembly)).content.decode()
    quorum = closed[
        closed.index('id="quorum-h"') : closed.index("</section>", closed.index('id="quorum-h"'))
    ]
    assert "Quorum at the close" in quorum and "Quorate" in quorum and "Not quorate" not in quorum
    assert ">5<" in quorum  # the five members present


def test_staff_record_a_show_of_hands_from_the_desk(client, in_session):
    members, staff = in_session["members"], in_session["staff"]
    assembly = in_session["assembly"]
    for key in ("member", "admin", 3, 5, 6):
        assemblies_session_services.attendance_register(
            actor=staff, assembly=assembly, member=members[key]
        )
    motion = assemblies_voting_services.motion_open(
        actor=staff,
        motion=assemblies_voting_services.motion_create(
            actor=staff, assembly=assembly, title="Quote"
        ),
    )
    client.force_login(staff)
    assert "show of hands" in client.get(url(assembly, "desk/")).content.decode()
    client.post(
        url(assembly, f"motions/{motion.pk}/record/"),
        {"record-number": members[5].number, "record-choice": "for"},
    )
    vote = Vote.objects.get()
    assert (vote.voter, vote.choice, vote.recorded_by) == (members[5], "for", staff)


def test_the_minutes_are_written_signed_and_printed(client, in_session):
    staff = in_session["staff"]
    assembly = assemblies_session_services.assembly_close(
        actor=staff, assembly=in_session["assembly"]
    )
    client.force_login(staff)
    response = client.post(
        url(assembly, "minutes/"),
        {
            "chair_name": "Ada Board",
            "chair_role": "Presidente",
            "secretary_name": "Sara Staff",
            "secretary_role": "",
            "narrative": "Nessun intervento.",
        },
    )
    assert response.status_code == 302
    # Members do not see a draft.
    client.force_login(in_session["member"])
    assert client.get(url(assembly, "minutes.pdf")).status_code == 404
    client.force_login(in_session["admin"])
    client.post(url(assembly, "minutes/sign/"))
    minutes = Minutes.objects.get()
    assert minutes.is_signed and minutes.number == 1
    client.force_login(in_session["member"])
    pdf = client.get(url(assembly, "minutes.pdf"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    book = client.get("/c/alpha/minutes/").content.decode()
    assert "Minutes no. 1" in book


def test_the_voters_page_lists_the_book_before_the_roll_is_fixed(client, convened):
    client.force_login(convened["staff"])
    page = client.get(url(convened["assembly"], "voters/")).content.decode()
    assert "8 voters" in page and "1 more members are enrolled too recently" in page
    assert convened["members"][3].display_name in page
    assert convened["members"]["recent"].display_name not in page


def test_the_list_and_the_assembly_page_are_a_constant_number_of_queries(client, convened):
    client.force_login(convened["member"])
    assemblies_voting_services.motion_create(
        actor=convened["staff"], assembly=convened["assembly"], title="Bilancio"
    )

    def count(path):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    few_list = count("/c/alpha/assemblies/")
    few_page = count(url(convened["assembly"]))
    for n in range(6):
        assemblies_voting_services.motion_create(
            actor=convened["staff"], assembly=convened["assembly"], title=f"M{n}"
        )
        assemblies_services.assembly_create(
            actor=convened["staff"],
            coop=convened["coop"],
            title=f"A{n}",
            first_call_at=first_call(24 * (n + 3)),
            place="Sala",
        )
    assert count("/c/alpha/assemblies/") == few_list
    assert count(url(convened["assembly"])) == few_page


def test_the_dashboard_tells_members_of_the_assembly_convened(client, convened):
    client.force_login(convened["member"])
    page = client.get("/c/alpha/dashboard/").content.decode()
    assert "Assemblea ordinaria 2026" in page and "first call" in page
    client.force_login(convened["resident"])  # residents are not members: no section
    assert "Assemblea ordinaria 2026" not in client.get("/c/alpha/dashboard/").content.decode()


@pytest.mark.parametrize("opened", [False, True])
def test_the_voters_page_is_a_constant_number_of_queries(client, convened, opened):
    client.force_login(convened["staff"])
    path = url(convened["assembly"], "voters/")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    if opened:
        assemblies_session_services.assembly_open(
            actor=convened["staff"], assembly=convened["assembly"], call="first", at=first_call(-1)
        )
        before = count()
        # More members on the roll: the same queries (the page's count and rows).
        Assembly.objects.filter(pk=convened["assembly"].pk).update(status=AssemblyStatus.CONVENED)
        RollEntry.objects.all().delete()
        for n in range(30, 60):
            admit(convened["coop"], person(n), days_ago=200)
        assemblies_session_services.assembly_open(
            actor=convened["staff"], assembly=convened["assembly"], call="first", at=first_call(-1)
        )
        assert RollEntry.objects.count() == 38
    else:
        before = count()
        for n in range(30, 60):
            admit(convened["coop"], person(n), days_ago=200)
    assert count() == before


def test_the_dashboard_lists_the_consultations_open(client, people):
    open_consultation(people["coop"], people["staff"], title="Orari della bottega")
    make_consultation(people["coop"], people["staff"], title="Bozza riservata")
    client.force_login(people["resident"])
    page = client.get("/c/alpha/dashboard/").content.decode()
    assert "Orari della bottega" in page and "Bozza riservata" not in page


def test_staff_change_an_item_of_a_draft_agenda(client, assembly_book):
    assembly = assemblies_services.assembly_create(
        actor=assembly_book["staff"],
        coop=assembly_book["coop"],
        title="Bozza",
        first_call_at=first_call(24 * 30),
        place="Sala",
    )
    item = assemblies_services.agenda_item_add(
        actor=assembly_book["staff"], assembly=assembly, title="Bilancio"
    )
    client.force_login(assembly_book["staff"])
    assert f"agenda/{item.pk}/edit/" in client.get(url(assembly)).content.decode()
    response = client.post(
        url(assembly, f"agenda/{item.pk}/edit/"),
        {"agenda-title": "Bilancio consuntivo 2025", "agenda-description": "Con la nota."},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.description) == ("Bilancio consuntivo 2025", "Con la nota.")
    blank = client.post(url(assembly, f"agenda/{item.pk}/edit/"), {"agenda-title": " "})
    assert blank.status_code == 200 and "This field is required" in blank.content.decode()
