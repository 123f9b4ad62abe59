"""Routes of the proposals pages."""

from __future__ import annotations

from django.urls import path

from comunitas.projects.proposals.views import (
    proposal_comment,
    proposal_create,
    proposal_decide,
    proposal_detail,
    proposal_edit,
    proposal_list,
    proposal_support,
    proposal_unsupport,
    proposal_withdraw,
)

P = "proposals/<int:proposal_id>"
urlpatterns = [
    path("proposals/", proposal_list, name="proposal_list"),
    path("proposals/new/", proposal_create, name="proposal_create"),
    path(f"{P}/", proposal_detail, name="proposal_detail"),
    path(f"{P}/edit/", proposal_edit, name="proposal_edit"),
    path(f"{P}/support/", proposal_support, name="proposal_support"),
    path(f"{P}/unsupport/", proposal_unsupport, name="proposal_unsupport"),
    path(f"{P}/comments/", proposal_comment, name="proposal_comment"),
    path(f"{P}/withdraw/", proposal_withdraw, name="proposal_withdraw"),
    path(f"{P}/decide/", proposal_decide, name="proposal_decide"),
]
