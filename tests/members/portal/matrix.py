"""Permission-matrix rows (method, path, body, action) of the member portal and its API.

The portal takes no member id: every role may open it and sees only its own membership ("member"
has one in ``matrix.ids``; the others get the empty state, and their posts are redirected back
with a message)."""

from comunitas.core.permissions import Action

CONTACTS = {
    "email": "nuova@example.org",
    "phone": "+39 0183 123456",
    "address": "Via Roma 1",
    "residence": "Mendatica (IM)",
}

WEB = [
    ("get", "/c/{slug}/membership/", None, Action.VIEW_OWN_MEMBERSHIP),
    ("post", "/c/{slug}/membership/contacts/", CONTACTS, Action.VIEW_OWN_MEMBERSHIP),
    (
        "post",
        "/c/{slug}/membership/consents/",
        {"privacy": "on", "photos": "on"},
        Action.VIEW_OWN_MEMBERSHIP,
    ),
    ("get", "/c/{slug}/membership/data.json", None, Action.VIEW_OWN_MEMBERSHIP),
    ("get", "/c/{slug}/membership/certificate.pdf", None, Action.VIEW_OWN_MEMBERSHIP),
    ("post", "/c/{slug}/membership/erasure/", {"confirm": "on"}, Action.VIEW_OWN_MEMBERSHIP),
]
API = [
    ("get", "/api/v1/coops/{slug}/me/membership/data", None, Action.VIEW_OWN_MEMBERSHIP),
    ("post", "/api/v1/coops/{slug}/me/membership/erasure", None, Action.VIEW_OWN_MEMBERSHIP),
]
