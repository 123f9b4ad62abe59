"""A ranked-choice consultation in a real browser, without JavaScript needed: a resident ranks the
options with numbers (a gap is refused next to the form), staff close it early, and the resident
reads the count round by round; axe-core checks each page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from comunitas.decisions.consultations import answer_services as consultations_answer_services
from comunitas.decisions.models.consultations import ConsultationParticipation
from tests.decisions.consultations.matrix import open_consultation
from tests.e2e.test_browser import assert_accessible
from tests.e2e.test_projects_browser import log_in


def test_a_resident_ranks_the_options_and_reads_the_rounds(live_server, people, page: Page):
    base = live_server.url
    coop = people["coop"]
    consultation = open_consultation(
        coop,
        people["staff"],
        kind="ranked_choice",
        title="Quale rassegna per l'autunno?",
        options=("Cinema d'autore", "Documentari", "Classici restaurati"),
    )
    # Two others have answered already: the resident's ballot decides the count.
    a, b, _c = (o.pk for o in consultation.options.all())
    consultations_answer_services.consultation_answer(
        actor=people["member"], consultation=consultation, ranks=[(a, 1)]
    )
    consultations_answer_services.consultation_answer(
        actor=people["admin"], consultation=consultation, ranks=[(b, 1), (a, 2)]
    )
    url = f"/c/alpha/consultations/{consultation.pk}/"

    # The resident finds it in the list and ranks the options.
    log_in(page, base, "resident1", "/c/alpha/consultations/")
    expect(page.get_by_role("heading", level=2, name="Consultations")).to_be_visible()
    assert_accessible(page, "consultations list")
    page.get_by_role("link", name="Quale rassegna per l'autunno?").click()
    expect(page).to_have_url(re.compile(rf"{url}$"))
    assert_accessible(page, "consultation page")
    page.get_by_label("Classici restaurati").fill("1")
    page.get_by_label("Cinema d'autore").fill("3")  # a gap: no option ranked 2
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("alert")).to_contain_text("without gaps")
    assert not ConsultationParticipation.objects.filter(user=people["resident"]).exists()
    assert_accessible(page, "consultation page with an error")
    page.get_by_label("Cinema d'autore").fill("")
    page.get_by_label("Documentari").fill("2")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("status")).to_contain_text("your answer is counted")
    expect(page.get_by_text("You can change your answer")).to_be_visible()

    # Staff close it early.
    log_in(page, base, "staff1", url)
    assert_accessible(page, "consultation page for staff")
    page.get_by_role("button", name="Close it now").click()
    expect(page.get_by_role("status")).to_contain_text("results are final")

    # The resident reads the count, round by round.
    log_in(page, base, "resident1", url)
    page.get_by_role("link", name="See the results").click()
    expect(page.get_by_role("heading", level=3, name="The count, round by round")).to_be_visible()
    rounds = page.get_by_role("table", name="Ballots for each option in each round")
    expect(rounds.get_by_role("columnheader", name="Round 2")).to_be_visible()
    # Round 1: one first choice each, a tie: the option listed last (Classici restaurati) goes
    # and the resident's ballot moves to Documentari, which then has 2 of 3.
    expect(page.get_by_text("listed last, is eliminated")).to_be_visible()
    expect(
        page.get_by_text("Documentari has more than half of the ballots still counting and wins.")
    ).to_be_visible()
    expect(page.locator("svg[role=img]").first).to_be_visible()
    assert_accessible(page, "results page")
