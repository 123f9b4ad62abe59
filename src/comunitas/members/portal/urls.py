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
    path("c/<slug:slug>/membership/", portal, name="member_portal"),
    path("c/<slug:slug>/membership/contacts/", contacts_update, name="member_portal_contacts"),
    path("c/<slug:slug>/membership/consents/", consents_update, name="member_portal_consents"),
    path("c/<slug:slug>/membership/data.json", data_download, name="member_portal_data"),
    path(
        "c/<slug:slug>/membership/certificate.pdf",
        certificate,
        name="member_portal_certificate",
    ),
    path("c/<slug:slug>/membership/erasure/", erasure, name="member_portal_erasure"),
]
