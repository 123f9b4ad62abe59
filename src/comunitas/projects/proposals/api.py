"""API of proposals: the list, proposing, supports, comments, the board's decision and the
proposer's withdrawal.

Anyone reads a public cooperative's proposals; any role proposes, supports and comments; the
board decides. Proposers and comment authors are named (first name and initial) to people with a
role only, and so is a common resource the registry does not show publicly. Objects are always
fetched within the cooperative (another's id answers 404, in a body 422). Parsing here, rules in
``projects.proposals.services``."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from comunitas.commons.models import CommonResource
from comunitas.core.endpoints import PUBLIC, Pagination, Shaped, answers, plain_values
from comunitas.core.errors import ValidationError
from comunitas.core.formatting import short_name
from comunitas.core.lookups import or_404
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, coop_for, role_in
from comunitas.projects.models import Project, Proposal, ProposalComment
from comunitas.projects.needs.api import manages_needs, needs_of
from comunitas.projects.needs.selectors import visible
from comunitas.projects.proposals import selectors, services
from comunitas.projects.proposals.schemas import (
    CommentIn,
    CommentOut,
    DecisionOut,
    ProposalDecisionIn,
    ProposalIn,
    ProposalItem,
    ProposalOut,
    ProposalPatch,
    ProposalQuery,
    ProposalSupportOut,
)

router = Router()
BASE = "/coops/{slug}"
PROPOSALS = f"{BASE}/proposals"
PROPOSAL = f"{PROPOSALS}/{{int:proposal_id}}"
PROPOSAL_TAGS = ["proposals"]


# --- proposals ----------------------------------------------------------------------------------
def _proposal(coop: Cooperative, proposal_id: int) -> Proposal:
    return or_404(selectors.proposal_row, coop=coop, pk=proposal_id)


def _project_id(proposal: Proposal) -> int | None:
    try:
        return proposal.project.pk
    except Project.DoesNotExist:
        return None


def _proposal_item(proposal: Proposal, *, user, named: bool, supported: set[int]) -> dict:
    """A proposal as a list shows it; the proposer named (first name and initial) only to
    people with a role, and so is a common resource the registry does not show publicly."""
    return {
        "id": proposal.pk,
        "title": proposal.title,
        "status": proposal.status,
        "needs": list(proposal.needs.all()),
        "resource": visible(proposal.resource, named=named),
        "estimated_costs": proposal.estimated_costs,
        "estimated_revenues": proposal.estimated_revenues,
        "volunteers_needed": proposal.volunteers_needed,
        "support_count": proposal.support_count,
        "review_due_since": proposal.review_due_since,
        "board_reason": proposal.board_reason,
        "decided_at": proposal.decided_at,
        "project_id": _project_id(proposal),
        "created_at": proposal.created_at,
        "synthetic": proposal.synthetic,
        "proposed_by": short_name(proposal.proposed_by) if named else None,
        "mine": user.is_authenticated and proposal.proposed_by_id == user.pk,
        "supported_by_me": proposal.pk in supported,
    }


def _comment(comment: ProposalComment, *, user, named: bool) -> dict:
    return {
        "id": comment.pk,
        "text": comment.text,
        "created_at": comment.created_at,
        "author": short_name(comment.author) if named else None,
        "mine": user.is_authenticated and comment.author_id == user.pk,
    }


def proposal_out(request, coop: Cooperative, proposal_id: int) -> dict[str, Any]:
    """A proposal's page: its needs, the board's answer, the comments."""
    proposal = or_404(selectors.proposal_get, coop=coop, pk=proposal_id)
    user = request.auth
    named = role_in(user, coop) is not None
    supported = selectors.supported_proposal_ids(user=user, proposals=[proposal])
    return {
        **_proposal_item(proposal, user=user, named=named, supported=supported),
        "description": proposal.description,
        "support_threshold": services.support_threshold(coop),
        "comments": [_comment(c, user=user, named=named) for c in proposal.comments.all()],
    }


def _proposal_fields(coop: Cooperative, values: dict[str, Any]) -> tuple[dict, list | None]:
    """The service's fields and needs from a body (ids resolved within the cooperative)."""
    fields = plain_values(values)
    needs = fields.pop("needs", None)
    if needs is not None:
        needs = needs_of(coop, needs, _("A proposal can only answer needs of this cooperative."))
    if "resource_id" in fields:
        fields["resource"] = _resource_of(coop, fields.pop("resource_id"))
    return fields, needs


def _resource_of(coop: Cooperative, resource_id: int | None) -> CommonResource | None:
    if resource_id is None:
        return None
    resource = CommonResource.objects.filter(coop=coop, pk=resource_id).first()
    if resource is None:
        raise ValidationError(_("Choose a common resource of this cooperative."), "resource_id")
    return resource


@router.get(
    PROPOSALS, response=answers(200, list[ProposalItem]), tags=PROPOSAL_TAGS, openapi_extra=PUBLIC
)
@paginate(Pagination)
def proposal_list(request, slug: str, filters: Query[ProposalQuery]) -> Shaped:
    """Proposals, newest first, by ``status``. Four queries for a visitor (the cooperative,
    the page with resources, projects and proposers, its needs, the count)."""
    coop = coop_for(request.auth, slug, Action.VIEW_NEEDS)
    user = request.auth
    named = role_in(user, coop) is not None
    status = filters.status.value if filters.status else ""
    found = selectors.proposal_list(coop=coop, status=status)
    if named:
        found = found.select_related("proposed_by")

    def shape(proposals: list[Proposal]) -> list[dict]:
        supported = selectors.supported_proposal_ids(user=user, proposals=proposals)
        return [_proposal_item(p, user=user, named=named, supported=supported) for p in proposals]

    return Shaped(found, shape)


@router.post(PROPOSALS, response=answers(201, ProposalOut), tags=PROPOSAL_TAGS)
def proposal_create(request, slug: str, payload: ProposalIn):
    """Propose an answer to one or more needs of the cooperative (any role)."""
    coop = coop_for(request.auth, slug, Action.PARTICIPATE)
    fields, needs = _proposal_fields(coop, payload.dict())
    proposal = services.proposal_submit(actor=request.auth, coop=coop, **fields, needs=needs)
    return Status(201, proposal_out(request, coop, proposal.pk))


@router.get(PROPOSAL, response=answers(200, ProposalOut), tags=PROPOSAL_TAGS, openapi_extra=PUBLIC)
def proposal_get(request, slug: str, proposal_id: int):
    """A proposal with its needs, the board's answer and the comments."""
    coop = coop_for(request.auth, slug, Action.VIEW_NEEDS)
    return proposal_out(request, coop, proposal_id)


@router.patch(PROPOSAL, response=answers(200, ProposalOut), tags=PROPOSAL_TAGS)
def proposal_update(request, slug: str, proposal_id: int, payload: ProposalPatch):
    """Change a live proposal: its proposer, staff or the board. After the board asked for
    changes it goes back to the board (or to collecting supports)."""
    coop = coop_for(request.auth, slug, Action.PARTICIPATE)
    proposal = _proposal(coop, proposal_id)
    if proposal.proposed_by_id != request.auth.pk and not manages_needs(request.auth, coop):
        raise PermissionDenied(_("Only who made the proposal, staff or the board change it."))
    fields, needs = _proposal_fields(coop, payload.dict(exclude_unset=True))
    services.proposal_update(actor=request.auth, proposal=proposal, fields=fields, needs=needs)
    return proposal_out(request, coop, proposal_id)


@router.post(f"{PROPOSAL}/support", response=answers(201, ProposalSupportOut), tags=PROPOSAL_TAGS)
def proposal_support(request, slug: str, proposal_id: int):
    """Support a live proposal, once; the support reaching the statute's threshold puts it on
    the board's agenda."""
    coop = coop_for(request.auth, slug, Action.PARTICIPATE)
    services.proposal_support(actor=request.auth, proposal=_proposal(coop, proposal_id))
    count, status = Proposal.objects.values_list("support_count", "status").get(pk=proposal_id)
    return Status(
        201,
        {
            "proposal_id": proposal_id,
            "support_count": count,
            "status": status,
            "supported_by_me": True,
        },
    )


@router.delete(f"{PROPOSAL}/support", response=answers(204, None), tags=PROPOSAL_TAGS)
def proposal_unsupport(request, slug: str, proposal_id: int):
    coop = coop_for(request.auth, slug, Action.PARTICIPATE)
    services.proposal_unsupport(actor=request.auth, proposal=_proposal(coop, proposal_id))
    return Status(204, None)


@router.get(
    f"{PROPOSAL}/comments",
    response=answers(200, list[CommentOut]),
    tags=PROPOSAL_TAGS,
    openapi_extra=PUBLIC,
)
@paginate(Pagination)
def comment_list(request, slug: str, proposal_id: int) -> Shaped:
    """Comments, oldest first; authors are named to people with a role only."""
    coop = coop_for(request.auth, slug, Action.VIEW_NEEDS)
    proposal = _proposal(coop, proposal_id)
    named = role_in(request.auth, coop) is not None
    found = proposal.comments.order_by("created_at", "id")
    if named:
        found = found.select_related("author")

    def shape(comments: list[ProposalComment]) -> list[dict]:
        return [_comment(c, user=request.auth, named=named) for c in comments]

    return Shaped(found, shape)


@router.post(f"{PROPOSAL}/comments", response=answers(201, CommentOut), tags=PROPOSAL_TAGS)
def comment_add(request, slug: str, proposal_id: int, payload: CommentIn):
    """Comment on a live proposal (any role)."""
    coop = coop_for(request.auth, slug, Action.PARTICIPATE)
    comment = services.proposal_comment(
        actor=request.auth, proposal=_proposal(coop, proposal_id), text=payload.text
    )
    return Status(201, _comment(comment, user=request.auth, named=True))


@router.post(f"{PROPOSAL}/decision", response=answers(200, DecisionOut), tags=PROPOSAL_TAGS)
def proposal_decide(request, slug: str, proposal_id: int, payload: ProposalDecisionIn):
    """The board accepts a live proposal (it becomes a project, whose id is answered), asks for
    changes or declines it; the last two need a reason the proposer reads."""
    coop = coop_for(request.auth, slug, Action.DECIDE_PROPOSALS)
    project = services.proposal_decide(
        actor=request.auth,
        proposal=_proposal(coop, proposal_id),
        decision=payload.decision.value,
        reason=payload.reason,
        project_title=payload.title or None,
    )
    return {
        "proposal": proposal_out(request, coop, proposal_id),
        "project_id": project.pk if project else None,
    }


@router.post(f"{PROPOSAL}/withdraw", response=answers(200, ProposalOut), tags=PROPOSAL_TAGS)
def proposal_withdraw(request, slug: str, proposal_id: int):
    """Its proposer withdraws a live proposal."""
    coop = coop_for(request.auth, slug, Action.PARTICIPATE)
    proposal = _proposal(coop, proposal_id)
    if proposal.proposed_by_id != request.auth.pk:
        raise PermissionDenied(_("Only who made the proposal withdraws it."))
    services.proposal_withdraw(actor=request.auth, proposal=proposal)
    return proposal_out(request, coop, proposal_id)
