"""Pages of the member portal: one's own membership, contacts, consents, data, certificate,
erasure."""

from __future__ import annotations

from django.urls import path

from comunitas.members.portal.views import (
    certificate,
    consents_update,
    contacts_update,
    data_download,
    erasure,
    portal,
)

urlpatterns = [
    path("membership/", portal, name="member_portal"),
    path("membership/contacts/", contacts_update, name="member_portal_contacts"),
    path("membership/consents/", consents_update, name="member_portal_consents"),
    path("membership/data.json", data_download, name="member_portal_data"),
    path(
        "membership/certificate.pdf",
        certificate,
        name="member_portal_certificate",
    ),
    path("membership/erasure/", erasure, name="member_portal_erasure"),
]
