"""Every read of proposals: the list with its needs, which proposals a user supports, the ones
waiting for the board, and a proposal's page with its comments."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from comunitas.core.models import Cooperative
from comunitas.projects.models import (
    Need,
    Proposal,
    ProposalStatus,
    ProposalSupport,
)


def supported_proposal_ids(*, user, proposals) -> set[int]:
    if not user.is_authenticated:
        return set()
    ids = [p.pk for p in proposals]
    return set(
        ProposalSupport.objects.filter(user=user, proposal_id__in=ids).values_list(
            "proposal_id", flat=True
        )
    )


# --- proposals ----------------------------------------------------------------------------------
def proposal_list(*, coop: Cooperative, status: str = "") -> QuerySet[Proposal]:
    found = Proposal.objects.filter(coop=coop)
    if status:
        found = found.filter(status=status)
    return found.select_related("resource", "project").prefetch_related(
        Prefetch("needs", queryset=Need.objects.only("id", "title", "coop_id"))
    )


def proposals_for_board(*, coop: Cooperative) -> QuerySet[Proposal]:
    """Proposals that reached the support threshold and wait for the board, oldest first."""
    return Proposal.objects.filter(coop=coop, status=ProposalStatus.BOARD_REVIEW).order_by(
        "review_due_since", "id"
    )


def proposal_row(*, coop: Cooperative, pk: int) -> Proposal:
    """A proposal of the cooperative with its cooperative and proposer, as the forms and
    services change it (another cooperative's proposal is not found: ``DoesNotExist``)."""
    return Proposal.objects.select_related("coop", "proposed_by").get(coop=coop, pk=pk)


def proposal_get(*, coop: Cooperative, pk: int) -> Proposal:
    return (
        Proposal.objects.select_related("resource", "proposed_by", "decided_by", "project")
        .prefetch_related("needs", Prefetch("comments__author"))
        .get(coop=coop, pk=pk)
    )
