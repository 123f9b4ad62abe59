"""From a need to a project in a real browser: a resident tells a need, a member supports it and
proposes an answer, the board accepts the proposal (it becomes a project), staff publish a
progress update, and a visitor reads it on the project's public page and on the coverage page;
axe-core checks each page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from comunitas.projects.models import Need, Project, Proposal
from comunitas.projects.projects.catalogue import catalogue_load
from tests.e2e.test_browser import assert_accessible
from tests.helpers import PASSWORD


def log_in(page: Page, base: str, username: str, next_path: str) -> None:
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    page.goto(f"{base}/account/login/?next={next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in").click()


def test_a_need_becomes_a_project_with_public_progress(live_server, people, page: Page):
    catalogue_load()  # live-server tests start with empty tables
    base = live_server.url

    # A resident tells the need.
    log_in(page, base, "resident1", "/c/alpha/needs/")
    expect(page.get_by_role("heading", level=2, name=re.compile("Needs"))).to_be_visible()
    assert_accessible(page, "needs list")
    page.get_by_role("main").get_by_role("link", name=re.compile("Tell a need")).first.click()
    page.get_by_label("Category").select_option("shops")
    page.get_by_label("Title").fill("Il paese non ha più un negozio")
    page.get_by_label("Description").fill("Per il pane si scende a valle: <b>venti minuti</b>.")
    page.get_by_label("Older people (65+)").check()
    page.get_by_role("button", name="Tell the need").click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.get_by_role("heading", level=2)).to_contain_text("Il paese non ha più un negozio")
    # Markup in the text is shown as typed, never interpreted.
    expect(page.get_by_text("<b>venti minuti</b>", exact=False)).to_be_visible()
    expect(page.get_by_text("you told this need")).to_be_visible()
    assert_accessible(page, "need page")
    need = Need.objects.get(title="Il paese non ha più un negozio")

    # A member supports it and proposes an answer.
    log_in(page, base, "member1", f"/c/alpha/needs/{need.pk}/")
    page.get_by_role("button", name=re.compile("^Support")).click()
    expect(page.get_by_text("you support it")).to_be_visible()
    page.get_by_role("link", name="Propose an answer").first.click()
    page.get_by_label("Title").fill("Bottega di comunità")
    page.get_by_label("Description").fill("Riaprire l'emporio con due dipendenti e i volontari.")
    page.get_by_label("Estimated costs (€)").fill("18000")
    page.get_by_label("Estimated revenues (€)").fill("25000")
    page.get_by_role("button", name="Publish the proposal").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("Bottega di comunità")
    assert_accessible(page, "proposal page")
    proposal = Proposal.objects.get(title="Bottega di comunità")
    assert list(proposal.needs.all()) == [need]
    assert Need.objects.get(pk=need.pk).support_count == 1

    # The board accepts it: the project's page opens.
    log_in(page, base, "admin1", f"/c/alpha/proposals/{proposal.pk}/")
    page.get_by_label("Accept: it becomes a project").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page).to_have_url(re.compile(r"/c/alpha/projects/\d+/$"))
    expect(page.get_by_role("heading", level=2)).to_contain_text("Bottega di comunità")
    project = Project.objects.get(proposal=proposal)

    # Staff publish an update on the project's page.
    log_in(page, base, "staff1", f"/c/alpha/projects/{project.pk}/")
    page.get_by_text("Publish an update").click()
    page.get_by_role("textbox", name="Update").fill("Firmato il comodato dei locali con il Comune.")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_role("status")).to_be_visible()
    assert_accessible(page, "project page for staff")

    # A visitor reads the progress on the public page, and the need now has its answer.
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    page.goto(f"{base}/c/alpha/projects/{project.pk}/")
    expect(page.get_by_text("Firmato il comodato dei locali con il Comune.")).to_be_visible()
    expect(page.get_by_role("link", name="Il paese non ha più un negozio")).to_be_visible()
    assert_accessible(page, "public project page")
    page.get_by_role("link", name="Il paese non ha più un negozio").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("Answered by a project")
    expect(page.get_by_role("link", name="Bottega di comunità").first).to_be_visible()

    # The cooperative's "needs → projects" page counts it as answered.
    page.goto(f"{base}/c/alpha/coverage/")
    expect(page.get_by_role("heading", level=2)).to_contain_text("Needs → projects")
    expect(page.get_by_role("link", name="Bottega di comunità").first).to_be_visible()
    assert_accessible(page, "coverage page")
    page.goto(f"{base}/c/alpha/proposals/")
    expect(page.get_by_role("link", name="Bottega di comunità")).to_be_visible()
    assert_accessible(page, "proposals list")
