"""Permission-matrix rows (method, path, body, action) of the member book's import (members/
imports/views.py and api.py). Each POST body is valid, so allowed roles get their 302 (web) or
200 (API)."""

from __future__ import annotations

from comunitas.core.permissions import Action
from tests.helpers import person


class Upload:
    """A file the test client can send to every caller: it reads it without seeking back."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name = name
        self.data = data

    def read(self) -> bytes:
        return self.data


def _row(n: int) -> dict[str, str]:
    """Person ``n`` (not in matrix.ids(), which uses 1 to 4) as a row of an Italian book."""
    data = person(n)
    return {
        "Cognome": data["last_name"],
        "Nome": data["first_name"],
        "Codice fiscale": data["fiscal_code"],
        "Comune": "Mendatica (IM)",
        "Data ammissione": "2021-03-15",
        "Quote": "1",
        "Versato": "25,00",
    }


ROW = _row(5)
BOOK = ("\ufeff" + ";".join(ROW) + "\r\n" + ";".join(ROW.values()) + "\r\n").encode()

WEB = [
    ("get", "/c/{slug}/members/import/", None, Action.DECIDE_MEMBERS),
    # The upload is checked (a dry run) and the page redirects to its report.
    (
        "post",
        "/c/{slug}/members/import/",
        {"file": Upload("soci.csv", BOOK)},
        Action.DECIDE_MEMBERS,
    ),
]
API = [
    ("post", "/api/v1/coops/{slug}/members/import", {"rows": [ROW]}, Action.DECIDE_MEMBERS),
]
