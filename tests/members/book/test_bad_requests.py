"""Whatever a browser sends to the member book's pages (missing fields, garbage, text where a
number or a date belongs, HTML, NUL characters, unknown ids), no page answers 500."""

from __future__ import annotations

import pytest

from tests.members import matrix

pytestmark = pytest.mark.django_db

GARBAGE = {
    "amount": "1e999",
    "shares": "-7",
    "on_date": "2025-02-30",
    "on": "\x00",
    "decided_on": "0000-00-00",
    "decision": "maybe",
    "kind": "<script>alert(1)</script>",
    "share_class": "nope",
    "buyer_number": "99999999999999999999",
    "category": "\x00",
    "residence": "x" * 500,
    "page": "-1",
    "q": "%_'\\",
    "status": "??",
    "territory": "everywhere",
    "redemption_amount": "NaN",
    "due_on": "9999-99-99",
    "form": "other",
    "confirm": "on",
    "applied_on": "3000-01-01",
    "birth_date": "1800-13-01",
    "first_name": "\x00",
}


@pytest.mark.parametrize(("method", "path"), sorted({(m, p) for m, p, *_ in matrix.WEB}))
@pytest.mark.parametrize("body", ["empty", "garbage"])
def test_no_member_page_answers_500(client, people, method, path, body):
    client.force_login(people["admin"])
    ids = matrix.ids(people)
    url = path.format(slug="alpha", **ids)
    data = {} if body == "empty" else GARBAGE
    response = client.get(url, data) if method == "get" else client.post(url, data)
    assert response.status_code < 500, response.content[:300]
    unknown = url.replace(f"/{ids['member_id']}/", "/987654321/")
    assert client.get(unknown).status_code < 500
