"""The API of needs and proposals: the same rules as the pages, personal data kept to the
people it concerns, bad input answered 422 with the field and nothing saved, lists a constant
number of queries."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model

from comunitas.core.models import Cooperative
from comunitas.projects.models import (
    Need,
    NeedStatus,
    NeedSupport,
    Project,
    Proposal,
    ProposalComment,
    ProposalStatus,
)
from comunitas.projects.needs import services as needs_services
from comunitas.projects.proposals import services as proposals_services
from tests.helpers import make_need, make_project, make_proposal, make_resource
from tests.projects.matrix_api import API_NEED, API_PROPOSAL

pytestmark = pytest.mark.django_db
BASE = "/api/v1/coops/alpha"
NEEDS = f"{BASE}/needs"
PROPOSALS = f"{BASE}/proposals"


def send(client, method: str, url: str, body: dict | None = None):
    return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json")


def fields_of(response) -> list[str | None]:
    assert response.status_code == 422, response.content
    return [e["field"] for e in response.json()["errors"]]


def private(people) -> None:
    Cooperative.objects.filter(pk=people["coop"].pk).update(is_public=False)


# --- needs --------------------------------------------------------------------------------------
def test_a_resident_tells_a_need_and_anyone_reads_it(client, people):
    client.force_login(people["resident"])
    body = {**API_NEED, "municipality": "Mendatica (IM)", "people_affected": 40}
    response = send(client, "post", NEEDS, body)
    assert response.status_code == 201, response.content
    need = response.json()
    assert need["municipality"]["istat_code"] == "008034"
    assert need["status"] == "new" and need["history"][0]["status"] == "new"
    assert need["mine"] is True and need["supported_by_me"] is False
    assert need["intake"] is None and need["support_count"] == 0
    assert Need.objects.get().submitted_by == people["resident"]
    client.logout()
    public = client.get(f"{NEEDS}/{need['id']}").json()
    assert public["title"] == API_NEED["title"] and public["mine"] is False
    assert public["description"] == API_NEED["description"]


def test_staff_take_down_a_paper_need_and_only_operators_see_its_intake(client, people):
    client.force_login(people["staff"])
    body = {**API_NEED, "channel": "phone", "contact_email": "nonna.pina@example.org"}
    response = send(client, "post", NEEDS, body)
    assert response.status_code == 201, response.content
    url = f"{NEEDS}/{response.json()['id']}"
    assert response.json()["intake"] == {
        "channel": "phone",
        "contact_email": "nonna.pina@example.org",
    }
    assert response.json()["mine"] is False  # taken down for someone else
    client.force_login(people["admin"])
    assert client.get(url).json()["intake"]["channel"] == "phone"
    for who in ("member", "resident", None):
        client.logout()
        if who:
            client.force_login(people[who])
        answer = client.get(url)
        assert answer.json()["intake"] is None
        assert b"nonna.pina" not in answer.content


def test_only_operators_choose_the_channel_and_an_e_mail_needs_a_paper_channel(client, people):
    client.force_login(people["member"])
    assert send(client, "post", NEEDS, {**API_NEED, "channel": "paper"}).status_code == 403
    assert send(client, "post", NEEDS, {**API_NEED, "contact_email": "a@b.it"}).status_code == 403
    client.force_login(people["staff"])
    response = send(client, "post", NEEDS, {**API_NEED, "contact_email": "a@b.it"})
    assert fields_of(response) == ["contact_email"]
    response = send(client, "post", NEEDS, {**API_NEED, "channel": "paper", "contact_email": "x"})
    assert fields_of(response) == ["contact_email"]
    assert not Need.objects.exists()


def test_personal_data_never_reaches_visitors_or_members(client, people):
    need = make_need(people["coop"], people["resident"])
    needs_services.need_support(actor=people["staff"], need=need)
    needs_services.need_submit(
        actor=people["staff"],
        coop=people["coop"],
        **{**API_NEED, "municipality": None},
        channel="paper",
        contact_email="nonna.pina@example.org",
    )
    make_project(people["coop"], people["admin"], needs=[need])
    urls = [NEEDS, f"{NEEDS}/{need.pk}", f"{NEEDS}/counts", f"{BASE}/coverage"]
    for who in (None, "member"):
        client.logout()
        if who:
            client.force_login(people[who])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (url, response.content)
            text = response.content.decode()
            for secret in ("resident1", "staff1", "example.org", "submitted_by", "contact_email"):
                assert secret not in text, (who, url, secret)


def test_html_in_text_comes_back_as_typed_in_json(client, people):
    script = "<script>alert('x')</script> & <b>pane</b>"
    client.force_login(people["resident"])
    response = send(client, "post", NEEDS, {**API_NEED, "title": script, "description": script})
    assert response.status_code == 201
    assert response["Content-Type"].startswith("application/json")
    got = client.get(f"{NEEDS}/{response.json()['id']}").json()
    assert got["title"] == script and got["description"] == script
    assert client.get(NEEDS).json()["items"][0]["title"] == script


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "x" * 201}, "title"),
        ({"description": "x" * 5001}, "description"),
        ({"title": "   "}, "title"),
        ({"title": "a\x00b"}, "title"),
        ({"category": "weather"}, "category"),
        ({"urgency": "now"}, "urgency"),
        ({"age_groups": ["babies"]}, "age_groups.0"),
        ({"people_affected": 0}, "people_affected"),
        ({"people_affected": 2**40}, "people_affected"),
        ({"municipality": "Atlantide"}, "municipality"),
        ({"municipality": "066004"}, "municipality"),  # outside the territory served
        ({"locality": "x" * 121}, "locality"),
        ({"submitted_by": 1}, "submitted_by"),
        ({"status": "met"}, "status"),
    ],
)
def test_bad_need_input_is_a_422_with_the_field(client, people, change, field):
    client.force_login(people["resident"])
    assert field in fields_of(send(client, "post", NEEDS, {**API_NEED, **change}))
    assert not Need.objects.exists()


def test_a_body_that_is_not_json_or_missing(client, people):
    client.force_login(people["resident"])
    response = client.post(NEEDS, "{nope", content_type="application/json")
    assert response.status_code == 400
    response = client.post(NEEDS, "", content_type="application/json")
    assert response.status_code == 422


def test_staff_correct_a_need_and_others_cannot(client, people):
    need = make_need(people["coop"], people["resident"])
    url = f"{NEEDS}/{need.pk}"
    client.force_login(people["resident"])
    assert send(client, "patch", url, {"urgency": "low"}).status_code == 403
    client.force_login(people["staff"])
    response = send(client, "patch", url, {"urgency": "low", "municipality": "008034"})
    assert response.status_code == 200, response.content
    assert response.json()["urgency"] == "low" and response.json()["municipality"]["name"]
    response = send(client, "patch", url, {"municipality": "", "people_affected": None})
    assert response.json()["municipality"] is None and response.json()["people_affected"] is None
    assert fields_of(send(client, "patch", url, {"title": None})) == ["title"]
    assert fields_of(send(client, "patch", url, {"channel": "paper"})) == ["channel"]
    need.refresh_from_db()
    assert need.title == "Nessun negozio di alimentari" and need.channel == "web"


def test_support_once_and_take_it_back(client, people):
    need = make_need(people["coop"], people["resident"])
    url = f"{NEEDS}/{need.pk}/support"
    client.force_login(people["member"])
    response = client.post(url)
    assert response.status_code == 201, response.content
    assert response.json() == {"need_id": need.pk, "support_count": 1, "supported_by_me": True}
    again = client.post(url)
    assert again.status_code == 422
    assert again.json()["errors"] == [{"field": None, "message": "You already support this need."}]
    assert client.get(NEEDS).json()["items"][0]["supported_by_me"] is True
    assert client.get(f"{NEEDS}/{need.pk}").json()["supported_by_me"] is True
    client.force_login(people["resident"])
    own = client.post(url)
    assert own.status_code == 422 and "yourself" in own.json()["errors"][0]["message"]
    item = client.get(NEEDS).json()["items"][0]
    assert item["mine"] is True and item["supported_by_me"] is False and item["support_count"] == 1
    assert client.delete(url).status_code == 422  # the resident does not support it
    client.force_login(people["member"])
    assert client.delete(url).status_code == 204
    assert client.delete(url).status_code == 422
    need.refresh_from_db()
    assert need.support_count == 0 and not NeedSupport.objects.exists()


def test_visitors_read_a_public_cooperative_only_and_cannot_act(client, people):
    need = make_need(people["coop"], people["resident"])
    assert client.get(NEEDS).status_code == 200
    assert client.get(f"{NEEDS}/{need.pk}").status_code == 200
    assert send(client, "post", NEEDS, API_NEED).status_code == 401
    assert client.post(f"{NEEDS}/{need.pk}/support").status_code == 401
    private(people)
    for url in (NEEDS, f"{NEEDS}/{need.pk}", f"{NEEDS}/counts", f"{BASE}/coverage", PROPOSALS):
        assert client.get(url).status_code == 404, url
    client.force_login(people["stranger"])
    assert client.get(NEEDS).status_code == 404
    client.force_login(people["resident"])
    assert client.get(NEEDS).json()["count"] == 1


def test_another_cooperatives_needs_answer_404_in_paths_and_422_in_bodies(client, people):
    theirs = make_need(people["other"], people["stranger"])
    mine = make_need(people["coop"], people["resident"])
    client.force_login(people["admin"])
    url = f"{NEEDS}/{theirs.pk}"
    assert client.get(url).status_code == 404
    assert send(client, "patch", url, {"title": "Mine"}).status_code == 404
    assert client.post(f"{url}/support").status_code == 404
    assert client.delete(f"{url}/support").status_code == 404
    assert send(client, "post", f"{url}/status", {"status": "under_review"}).status_code == 404
    assert send(client, "post", f"{url}/merge", {"into": mine.pk}).status_code == 404
    response = send(client, "post", f"{NEEDS}/{mine.pk}/merge", {"into": theirs.pk})
    assert fields_of(response) == ["into"]
    assert response.json()["errors"][0]["message"] == "Choose a need of the same cooperative."
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.title == "Nessun negozio di alimentari" and theirs.status == NeedStatus.NEW
    assert mine.status == NeedStatus.NEW and not NeedSupport.objects.exists()


def test_the_public_status_workflow(client, people):
    need = make_need(people["coop"], people["resident"])
    url = f"{NEEDS}/{need.pk}/status"
    client.force_login(people["member"])
    assert send(client, "post", url, {"status": "under_review"}).status_code == 403
    client.force_login(people["staff"])
    response = send(client, "post", url, {"status": "under_review", "reason": "We look into it"})
    assert response.status_code == 200, response.content
    assert [h["status"] for h in response.json()["history"]] == ["new", "under_review"]
    assert response.json()["status_reason"] == "We look into it"
    assert fields_of(send(client, "post", url, {"status": "declined"})) == ["reason"]
    assert fields_of(send(client, "post", url, {"status": "met"})) == ["status"]
    assert fields_of(send(client, "post", url, {"status": "merged"})) == ["status"]
    assert fields_of(send(client, "post", url, {"status": "answered"})) == ["status"]
    too_long = {"status": "declined", "reason": "x" * 1001}
    assert fields_of(send(client, "post", url, too_long)) == ["reason"]
    declined = send(client, "post", url, {"status": "declined", "reason": "Not for us"})
    assert declined.json()["status"] == "declined"
    assert client.get(NEEDS).json()["count"] == 1
    assert client.get(f"{NEEDS}?status=new").json()["count"] == 0


def test_merging_a_duplicate_moves_its_supports(client, people):
    coop = people["coop"]
    duplicate = make_need(coop, people["resident"], title="Niente pane")
    into = make_need(coop, people["member"])
    needs_services.need_support(actor=people["staff"], need=duplicate)
    needs_services.need_support(actor=people["staff"], need=into)
    client.force_login(people["admin"])
    url = f"{NEEDS}/{duplicate.pk}/merge"
    assert fields_of(send(client, "post", url, {"into": duplicate.pk})) == ["into"]
    assert fields_of(send(client, "post", url, {"into": 0})) == ["into"]
    assert fields_of(send(client, "post", url, {"into": 10**12})) == ["into"]
    response = send(client, "post", url, {"into": into.pk})
    assert response.status_code == 200, response.content
    assert response.json()["id"] == into.pk
    assert response.json()["support_count"] == 2  # staff once, the resident who told it
    merged = client.get(f"{NEEDS}/{duplicate.pk}").json()
    assert merged["status"] == "merged" and merged["merged_into"]["id"] == into.pk
    assert [n["id"] for n in client.get(NEEDS).json()["items"]] == [into.pk]
    assert fields_of(send(client, "post", url, {"into": into.pk})) == ["into"]


def test_the_list_filters_sorts_and_pages(client, people):
    coop, resident = people["coop"], people["resident"]
    quiet = make_need(coop, resident, title="Sentieri", category="environment", urgency="low")
    loud = make_need(coop, resident, title="Pane fresco", category="shops")
    make_need(coop, resident, title="Internet lento", category="digital")
    for who in ("member", "staff"):
        needs_services.need_support(actor=people[who], need=loud)
    needs_services.need_support(actor=people["member"], need=quiet)
    titles = [n["title"] for n in client.get(NEEDS).json()["items"]]
    assert titles == ["Pane fresco", "Sentieri", "Internet lento"]
    newest = client.get(f"{NEEDS}?sort=newest").json()["items"]
    assert [n["title"] for n in newest] == ["Internet lento", "Pane fresco", "Sentieri"]
    assert [n["title"] for n in client.get(f"{NEEDS}?category=shops").json()["items"]] == [
        "Pane fresco"
    ]
    assert client.get(f"{NEEDS}?urgency=low").json()["count"] == 1
    assert client.get(f"{NEEDS}?q=FRESCO").json()["count"] == 1
    assert client.get(f"{NEEDS}?municipality=008034").json()["count"] == 0
    Need.objects.filter(pk=quiet.pk).update(municipality_id="008034")
    assert client.get(f"{NEEDS}?municipality=Mendatica").json()["count"] == 1
    assert client.get(f"{NEEDS}?municipality=Atlantide").status_code == 422
    assert client.get(f"{NEEDS}?sort=random").status_code == 422
    assert client.get(f"{NEEDS}?status=lost").status_code == 422
    page = client.get(f"{NEEDS}?limit=1&offset=1").json()
    assert page["count"] == 3 and [n["title"] for n in page["items"]] == ["Sentieri"]
    item = page["items"][0]
    assert item["municipality"] == {
        "istat_code": "008034",
        "name": "Mendatica",
        "province_abbr": "IM",
        "region_name": "Liguria",
    }
    assert set(item) == {
        "id",
        "title",
        "category",
        "urgency",
        "status",
        "municipality",
        "locality",
        "age_groups",
        "people_affected",
        "support_count",
        "created_at",
        "synthetic",
        "mine",
        "supported_by_me",
    }


def test_counts_by_status_and_category(client, people):
    coop = people["coop"]
    make_need(coop, people["resident"], category="care")
    declined = make_need(coop, people["member"], category="shops")
    needs_services.need_set_status(actor=None, need=declined, status="declined", reason="No")
    counts = client.get(f"{NEEDS}/counts").json()
    assert counts["status"]["new"] == 1 and counts["status"]["declined"] == 1
    assert counts["status"]["merged"] == 0 and counts["category"]["care"] == 1
    assert counts["category"]["shops"] == 1 and counts["category"]["work"] == 0
    filtered = client.get(f"{NEEDS}/counts?status=new").json()
    assert filtered["category"]["shops"] == 0 and filtered["status"]["declined"] == 1


@pytest.mark.parametrize("n", [3, 30])
def test_the_list_is_a_constant_number_of_queries(
    client, people, n, django_assert_num_queries, django_assert_max_num_queries
):
    coop = people["coop"]
    users = [people[k] for k in ("resident", "member", "staff", "admin")]
    for i in range(n):
        need = make_need(coop, users[i % 4], title=f"Need {i}", municipality=coop.seat)
        if i % 2:  # the member supports the needs others told, staff the member's own
            supporter = people["member"] if i % 4 != 1 else people["staff"]
            needs_services.need_support(actor=supporter, need=need)
    # A visitor: the public cooperative's id (for the cache), the cooperative, the page (with
    # the municipality), the count; then one query while the answer stays cached.
    with django_assert_num_queries(4):
        response = client.get(NEEDS)
    with django_assert_num_queries(1):
        assert client.get(NEEDS).content == response.content
    assert len(response.json()["items"]) == n
    client.force_login(people["member"])
    # Session, user, cooperative, roles, the page, the count, the page's supports.
    with django_assert_num_queries(7):
        items = client.get(NEEDS).json()["items"]
    assert sum(i["supported_by_me"] for i in items) == len([i for i in range(n) if i % 4 == 3])
    assert sum(i["mine"] for i in items) == len([i for i in range(n) if i % 4 == 1])


def test_coverage_counts_the_needs_projects_answer(client, people):
    coop = people["coop"]
    answered = make_need(coop, people["resident"], category="shops")
    make_need(coop, people["member"], category="shops")
    make_need(coop, people["member"], category="care")
    needs_services.need_support(actor=people["staff"], need=answered)
    project = make_project(coop, people["admin"], needs=[answered])
    body = client.get(f"{BASE}/coverage").json()
    assert body["percent"] == 33 and body["supports_percent"] == 100
    assert body["total"]["needs"] == 3 and body["total"]["category"] is None
    shops = next(r for r in body["by_category"] if r["category"] == "shops")
    assert shops["needs"] == 2 and shops["answered"] == 1 and shops["percent"] == 50
    assert body["answered"][0]["projects"] == [
        {"id": project.pk, "title": project.title, "status": "planned"}
    ]
    assert len(body["still_open"]) == 2


# --- proposals ----------------------------------------------------------------------------------
@pytest.fixture
def need(people) -> Need:
    return make_need(people["coop"], people["resident"])


def test_propose_read_and_change_a_proposal(client, people, need):
    get_user_model().objects.filter(pk=people["member"].pk).update(
        first_name="Maria", last_name="Rossi"
    )
    client.force_login(people["member"])
    response = send(client, "post", PROPOSALS, {**API_PROPOSAL, "needs": [need.pk]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["needs"] == [{"id": need.pk, "title": need.title}]
    assert body["estimated_costs"] == "1200.00" and body["estimated_revenues"] == "0.00"
    assert body["mine"] is True and body["proposed_by"] == "Maria R."
    assert body["status"] == "open" and body["support_threshold"] == 10
    assert body["project_id"] is None and body["comments"] == []
    url = f"{PROPOSALS}/{body['id']}"
    changed = send(client, "patch", url, {"title": "Pulmino", "estimated_revenues": "10.5"})
    assert changed.status_code == 200 and changed.json()["estimated_revenues"] == "10.50"
    client.force_login(people["resident"])
    assert send(client, "patch", url, {"title": "Mine"}).status_code == 403
    assert client.get(url).json()["proposed_by"] == "Maria R."
    client.force_login(people["staff"])
    assert send(client, "patch", url, {"volunteers_needed": 4}).status_code == 200
    client.logout()
    public = client.get(url).json()
    assert public["proposed_by"] is None and public["mine"] is False
    assert b"member1" not in client.get(PROPOSALS).content
    assert client.get(PROPOSALS).json()["items"][0]["proposed_by"] is None


def test_a_proposal_answering_another_cooperatives_need_saves_nothing(client, people, need):
    theirs = make_need(people["other"], people["stranger"])
    client.force_login(people["member"])
    for ids in ([theirs.pk], [need.pk, theirs.pk], [10**12], []):
        response = send(client, "post", PROPOSALS, {**API_PROPOSAL, "needs": ids})
        assert fields_of(response) == ["needs"], ids
    message = "A proposal can only answer needs of this cooperative."
    response = send(client, "post", PROPOSALS, {**API_PROPOSAL, "needs": [theirs.pk]})
    assert response.json()["errors"][0]["message"] == message
    assert not Proposal.objects.exists()
    proposal = make_proposal(people["coop"], people["member"], [need])
    response = send(client, "patch", f"{PROPOSALS}/{proposal.pk}", {"needs": [theirs.pk]})
    assert fields_of(response) == ["needs"]
    assert list(proposal.needs.all()) == [need]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"estimated_costs": "1.234"}, "estimated_costs"),
        ({"estimated_costs": "-1"}, "estimated_costs"),
        ({"estimated_revenues": "abc"}, "estimated_revenues"),
        ({"estimated_revenues": "1e20"}, "estimated_revenues"),
        ({"volunteers_needed": -1}, "volunteers_needed"),
        ({"title": "x" * 201}, "title"),
        ({"description": ""}, "description"),
        ({"resource_id": 10**9}, "resource_id"),
        ({"needs": "1"}, "needs"),
        ({"project": 1}, "project"),
    ],
)
def test_bad_proposal_input_is_a_422_with_the_field(client, people, need, change, field):
    client.force_login(people["member"])
    body = {**API_PROPOSAL, "needs": [need.pk], **change}
    assert field in fields_of(send(client, "post", PROPOSALS, body))
    assert not Proposal.objects.exists()


def test_a_proposal_uses_a_common_resource_of_its_cooperative_only(client, people, need):

    ours, theirs = make_resource(people["coop"]), make_resource(people["other"])
    client.force_login(people["member"])
    body = {**API_PROPOSAL, "needs": [need.pk], "resource_id": theirs.pk}
    assert fields_of(send(client, "post", PROPOSALS, body)) == ["resource_id"]
    response = send(client, "post", PROPOSALS, {**body, "resource_id": ours.pk})
    assert response.json()["resource"] == {"id": ours.pk, "name": ours.name}


def test_visitors_do_not_learn_of_resources_the_registry_keeps_private(client, people, need):

    hidden = make_resource(people["coop"], name="Magazzino", is_public=False)
    proposal = make_proposal(people["coop"], people["member"], [need], resource=hidden)
    url = f"{PROPOSALS}/{proposal.pk}"
    assert client.get(url).json()["resource"] is None
    assert client.get(PROPOSALS).json()["items"][0]["resource"] is None
    assert b"Magazzino" not in client.get(url).content
    client.force_login(people["resident"])
    assert client.get(url).json()["resource"] == {"id": hidden.pk, "name": "Magazzino"}


def test_supports_bring_a_proposal_to_the_board(client, people, need, settings):
    proposal = make_proposal(people["coop"], people["member"], [need])
    statute = people["coop"].statutes.get()
    statute.proposal_support_threshold = 2
    statute.save()
    url = f"{PROPOSALS}/{proposal.pk}/support"
    client.force_login(people["member"])
    assert "made this proposal" in client.post(url).json()["errors"][0]["message"]
    client.force_login(people["resident"])
    first = client.post(url)
    assert first.status_code == 201
    assert first.json() == {
        "proposal_id": proposal.pk,
        "support_count": 1,
        "status": "open",
        "supported_by_me": True,
    }
    assert client.post(url).status_code == 422
    assert client.get(PROPOSALS).json()["items"][0]["supported_by_me"] is True
    client.force_login(people["staff"])
    assert client.post(url).json()["status"] == "board_review"
    assert client.delete(url).status_code == 204
    assert client.delete(url).status_code == 422
    proposal.refresh_from_db()
    assert proposal.support_count == 1 and proposal.status == ProposalStatus.BOARD_REVIEW


def test_comments_name_their_authors_to_people_with_a_role_only(client, people, need):
    proposal = make_proposal(people["coop"], people["member"], [need])
    url = f"{PROPOSALS}/{proposal.pk}/comments"
    client.force_login(people["admin"])
    response = send(client, "post", url, {"text": "<i>Ottima</i> idea"})
    assert response.status_code == 201, response.content
    assert response.json()["author"] == "Ada B." and response.json()["mine"] is True
    assert response.json()["text"] == "<i>Ottima</i> idea"
    assert fields_of(send(client, "post", url, {"text": "x" * 2001})) == ["text"]
    assert fields_of(send(client, "post", url, {"text": " "})) == ["text"]
    client.force_login(people["resident"])
    send(client, "post", url, {"text": "Io ci sto"})
    listed = client.get(url).json()
    assert listed["count"] == 2
    assert [c["author"] for c in listed["items"]] == ["Ada B.", "a participant"]
    assert [c["mine"] for c in listed["items"]] == [False, True]
    client.logout()
    assert [c["author"] for c in client.get(url).json()["items"]] == [None, None]
    assert [c["author"] for c in client.get(f"{PROPOSALS}/{proposal.pk}").json()["comments"]] == [
        None,
        None,
    ]
    assert send(client, "post", url, {"text": "Anonimo"}).status_code == 401
    assert ProposalComment.objects.count() == 2


def test_the_board_accepts_a_proposal_and_a_project_is_born(client, people, need):
    proposal = make_proposal(people["coop"], people["member"], [need])
    url = f"{PROPOSALS}/{proposal.pk}/decision"
    client.force_login(people["staff"])
    assert send(client, "post", url, {"decision": "accept"}).status_code == 403
    client.force_login(people["admin"])
    assert fields_of(send(client, "post", url, {"decision": "maybe"})) == ["decision"]
    assert fields_of(send(client, "post", url, {"decision": "changes"})) == ["reason"]
    assert fields_of(send(client, "post", url, {"decision": "accept", "title": "x" * 201})) == [
        "title"
    ]
    response = send(client, "post", url, {"decision": "accept", "title": "Bottega di comunità"})
    assert response.status_code == 200, response.content
    project = Project.objects.get()
    assert response.json()["project_id"] == project.pk
    assert response.json()["proposal"]["status"] == "accepted"
    assert response.json()["proposal"]["project_id"] == project.pk
    assert project.title == "Bottega di comunità" and list(project.needs.all()) == [need]
    assert client.get(f"{NEEDS}/{need.pk}").json()["status"] == "answered"
    again = send(client, "post", url, {"decision": "decline", "reason": "No"})
    assert again.status_code == 422 and Project.objects.count() == 1


def test_the_board_asks_for_changes_or_declines(client, people, need):
    proposal = make_proposal(people["coop"], people["member"], [need])
    url = f"{PROPOSALS}/{proposal.pk}/decision"
    client.force_login(people["admin"])
    body = {"decision": "changes", "reason": "Add the costs of fuel"}
    response = send(client, "post", url, body)
    assert response.status_code == 200
    assert response.json()["project_id"] is None
    assert response.json()["proposal"]["status"] == "changes"
    assert response.json()["proposal"]["board_reason"] == "Add the costs of fuel"
    client.force_login(people["member"])
    changed = send(client, "patch", f"{PROPOSALS}/{proposal.pk}", {"estimated_costs": "300"})
    assert changed.json()["status"] == "open"
    client.force_login(people["admin"])
    declined = send(client, "post", url, {"decision": "decline", "reason": "No drivers"})
    assert declined.json()["proposal"]["status"] == "declined"
    assert not Project.objects.exists()


def test_only_the_proposer_withdraws(client, people, need):
    proposal = make_proposal(people["coop"], people["member"], [need])
    url = f"{PROPOSALS}/{proposal.pk}/withdraw"
    for who in ("resident", "staff", "admin"):
        client.force_login(people[who])
        assert client.post(url).status_code == 403, who
    client.force_login(people["member"])
    response = client.post(url)
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    assert client.post(url).status_code == 422
    client.force_login(people["resident"])
    assert client.post(f"{PROPOSALS}/{proposal.pk}/support").status_code == 422
    comment = send(client, "post", f"{PROPOSALS}/{proposal.pk}/comments", {"text": "Peccato"})
    assert comment.status_code == 422


def test_another_cooperatives_proposals_answer_404(client, people):
    theirs = make_proposal(
        people["other"], people["stranger"], [make_need(people["other"], people["stranger"])]
    )
    client.force_login(people["admin"])
    url = f"{PROPOSALS}/{theirs.pk}"
    assert client.get(url).status_code == 404
    assert send(client, "patch", url, {"title": "Mine"}).status_code == 404
    assert client.post(f"{url}/support").status_code == 404
    assert client.delete(f"{url}/support").status_code == 404
    assert client.get(f"{url}/comments").status_code == 404
    assert send(client, "post", f"{url}/comments", {"text": "Hi"}).status_code == 404
    assert send(client, "post", f"{url}/decision", {"decision": "accept"}).status_code == 404
    assert client.post(f"{url}/withdraw").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ProposalStatus.OPEN and theirs.title == "Riaprire la bottega"


def test_the_proposals_filter_by_status(client, people, need):
    make_proposal(people["coop"], people["member"], [need], title="Aperta")
    closed = make_proposal(people["coop"], people["member"], [need], title="Ritirata")
    proposals_services.proposal_withdraw(actor=people["member"], proposal=closed)
    assert client.get(PROPOSALS).json()["count"] == 2
    items = client.get(f"{PROPOSALS}?status=withdrawn").json()["items"]
    assert [p["title"] for p in items] == ["Ritirata"]
    assert client.get(f"{PROPOSALS}?status=lost").status_code == 422


@pytest.mark.parametrize("n", [3, 30])
def test_the_proposals_list_is_a_constant_number_of_queries(
    client, people, n, django_assert_num_queries
):
    coop = people["coop"]
    needs = [make_need(coop, people["resident"], title=f"N{i}") for i in range(3)]
    for i in range(n):
        proposal = make_proposal(coop, people["member"], needs[: 1 + i % 3], title=f"P{i}")
        if i % 2:
            proposals_services.proposal_support(actor=people["resident"], proposal=proposal)
    # A visitor: the cooperative, the page (resource, project), its needs, the count.
    with django_assert_num_queries(4):
        items = client.get(PROPOSALS).json()["items"]
    assert len(items) == n and all(p["proposed_by"] is None for p in items)
    client.force_login(people["resident"])
    # Session, user, cooperative, roles, the page (with proposers), its needs, the count,
    # the page's supports.
    with django_assert_num_queries(8):
        items = client.get(PROPOSALS).json()["items"]
    assert sum(p["supported_by_me"] for p in items) == n // 2


@pytest.mark.parametrize("n", [2, 20])
def test_pages_of_a_need_a_proposal_and_coverage_are_constant_queries(
    client, people, n, django_assert_num_queries
):
    coop = people["coop"]
    needs = [make_need(coop, people["resident"], title=f"N{i}") for i in range(n)]
    proposal = make_proposal(coop, people["member"], needs)
    for i, need in enumerate(needs):
        needs_services.need_support(actor=people["member"], need=need)
        proposals_services.proposal_comment(actor=people["admin"], proposal=proposal, text=f"C{i}")
    make_project(coop, people["admin"], needs=needs[: n // 2])
    # A visitor: the cooperative; the need with its municipality and merge target, its
    # history, proposals, projects.
    with django_assert_num_queries(5):
        assert client.get(f"{NEEDS}/{needs[0].pk}").status_code == 200
    # The cooperative; the proposal (resource, proposer, decider, project), its needs, its
    # comments, their authors (prefetched by the selector, though a visitor sees no names);
    # the statute's support threshold.
    with django_assert_num_queries(6):
        assert len(client.get(f"{PROPOSALS}/{proposal.pk}").json()["comments"]) == n
    # The cooperative, the proposal, the page of comments, the count.
    with django_assert_num_queries(4):
        assert client.get(f"{PROPOSALS}/{proposal.pk}/comments").json()["count"] == n
    # The public cooperative's id (for the visitors' cache), the cooperative; counts by
    # category and status; answered needs, their projects; open needs.
    with django_assert_num_queries(6):
        body = client.get(f"{BASE}/coverage").json()
    assert body["total"]["needs"] == n and body["percent"] == 50
