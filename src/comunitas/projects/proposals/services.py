"""Every write on proposals: proposing an answer to needs, changing it, supports (the one reaching
the statute's threshold puts it on the board's agenda and tells the board), comments,
withdrawal, and the board's decision: accepting makes it a project
(``projects.projects.services.project_from_proposal``), asking for changes or declining needs a
reason the proposer reads.

One transaction each; the rules are checked here (the database constraints are the last line, so
SQLite and PostgreSQL answer alike); every decision is audited; the people it concerns are told
by e-mail."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comunitas.commons.models import CommonResource
from comunitas.core.audit import audit_record, snapshot
from comunitas.core.coops.selectors import statute_on
from comunitas.core.errors import ValidationError
from comunitas.core.kernel.edits import assign, require_text, save_unique, validated
from comunitas.core.kernel.money import ZERO, money
from comunitas.core.kernel.types import Actor
from comunitas.core.models import Cooperative, Role, RoleKind
from comunitas.core.notify import notify
from comunitas.core.permissions import Action, can
from comunitas.projects.models import (
    Decision,
    Need,
    NeedStatus,
    ProjectStatus,
    Proposal,
    ProposalComment,
    ProposalStatus,
    ProposalSupport,
)
from comunitas.projects.projects.services import project_from_proposal

PROPOSAL_FIELDS = [
    "title",
    "description",
    "resource",
    "estimated_costs",
    "estimated_revenues",
    "volunteers_needed",
]
MAX_VOLUNTEERS = 100_000
DEFAULT_SUPPORT_THRESHOLD = 10


# --- proposals ----------------------------------------------------------------------------------
def _needs_of(coop: Cooperative, needs: list[Need]) -> list[Need]:
    if not needs:
        raise ValidationError(_("Choose at least one need the proposal answers."), field="needs")
    for need in needs:
        if need.coop_id != coop.pk:
            raise ValidationError(
                _("A proposal can only answer needs of this cooperative."), field="needs"
            )
        if need.status in (NeedStatus.MERGED, NeedStatus.DECLINED):
            raise ValidationError(
                _("“%(title)s” is merged or declined: choose an open need.")
                % {"title": need.title},
                field="needs",
            )
    return needs


def _check_proposal(proposal: Proposal) -> None:
    require_text(proposal, ["title", "description"])
    resource: CommonResource | None = proposal.resource
    if resource is not None and resource.coop_id != proposal.coop_id:
        raise ValidationError(_("Choose a common resource of this cooperative."), field="resource")
    for name in ("estimated_costs", "estimated_revenues"):
        below = _("Give an amount in euros, zero or more.")
        money(getattr(proposal, name), field=name, below=below)
    if not 0 <= (proposal.volunteers_needed or 0) <= MAX_VOLUNTEERS:
        raise ValidationError(
            _("Give a number of volunteers from 0 to %(n)s.") % {"n": f"{MAX_VOLUNTEERS:,}"},
            field="volunteers_needed",
        )
    validated(proposal, exclude=["coop", "proposed_by", "decided_by"])


@transaction.atomic
def proposal_submit(
    *,
    actor: Actor,
    coop: Cooperative,
    title: str,
    description: str,
    needs: list[Need],
    resource: CommonResource | None = None,
    estimated_costs: Decimal = ZERO,
    estimated_revenues: Decimal = ZERO,
    volunteers_needed: int = 0,
    synthetic: bool = False,
) -> Proposal:
    """A member's or resident's proposal answering one or more needs of the cooperative."""
    proposal = Proposal(coop=coop, proposed_by=actor, synthetic=synthetic)
    values = {
        "title": title,
        "description": description,
        "resource": resource,
        "estimated_costs": estimated_costs,
        "estimated_revenues": estimated_revenues,
        "volunteers_needed": volunteers_needed,
    }
    assign(proposal, values, PROPOSAL_FIELDS)
    _check_proposal(proposal)
    needs = _needs_of(coop, needs)
    proposal.save()
    proposal.needs.set(needs)
    audit_record(
        actor=actor,
        action="proposal.submit",
        obj=proposal,
        coop=coop,
        after=snapshot(proposal, [*PROPOSAL_FIELDS, "needs"]),
    )
    return proposal


def _locked_proposal(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update().select_related("coop").get(pk=proposal.pk)


def _live(proposal: Proposal) -> None:
    if not proposal.is_live:
        raise ValidationError(
            _("This proposal is “%(status)s”: it can no longer change.")
            % {"status": proposal.get_status_display()}
        )


def _proposal_link(proposal: Proposal) -> str:
    return f"{settings.SITE_URL}/c/{proposal.coop.slug}/proposals/{proposal.pk}/"


def support_threshold(coop: Cooperative) -> int:
    statute = statute_on(coop=coop)
    return statute.proposal_support_threshold if statute else DEFAULT_SUPPORT_THRESHOLD


@transaction.atomic
def proposal_update(
    *, actor: Actor, proposal: Proposal, fields: dict[str, Any], needs: list[Need] | None = None
) -> Proposal:
    """The proposer (or staff) changes a live proposal; after the board asked for changes it
    goes back to the board if it has the supports, otherwise back to collecting them."""
    proposal = _locked_proposal(proposal)
    if proposal.proposed_by_id != actor.pk and not can(actor, proposal.coop, Action.MANAGE_NEEDS):
        raise PermissionDenied(_("Only the proposer or the staff can change a proposal."))
    _live(proposal)
    before = snapshot(proposal, [*PROPOSAL_FIELDS, "needs", "status"])
    assign(proposal, fields, PROPOSAL_FIELDS)
    _check_proposal(proposal)
    if needs is not None:
        proposal.needs.set(_needs_of(proposal.coop, needs))
    if proposal.status == ProposalStatus.CHANGES:
        if proposal.support_count >= support_threshold(proposal.coop):
            _to_board(proposal)
        else:
            proposal.status = ProposalStatus.OPEN
    proposal.save()
    audit_record(
        actor=actor,
        action="proposal.update",
        obj=proposal,
        coop=proposal.coop,
        before=before,
        after=snapshot(proposal, [*PROPOSAL_FIELDS, "needs", "status"]),
    )
    return proposal


def _board_addresses(coop: Cooperative) -> list[str]:
    emails = Role.objects.filter(coop=coop, kind=RoleKind.ADMIN).values_list(
        "user__email", flat=True
    )
    return sorted({e for e in emails if e})


def _to_board(proposal: Proposal) -> None:
    """Put the proposal on the board's agenda and tell the board (saved by the caller)."""
    proposal.status, proposal.review_due_since = ProposalStatus.BOARD_REVIEW, timezone.now()
    for address in _board_addresses(proposal.coop):
        notify(
            to=address,
            template="projects/proposals/email/proposal_review",
            context={
                "coop": proposal.coop.name,
                "title": proposal.title,
                "supports": proposal.support_count,
                "link": _proposal_link(proposal),
            },
        )


@transaction.atomic
def proposal_support(*, actor: Actor, proposal: Proposal) -> ProposalSupport:
    """Support a live proposal once; the support that reaches the statute's threshold puts it
    on the board's agenda and tells the board."""
    proposal = _locked_proposal(proposal)
    _live(proposal)
    if proposal.proposed_by_id == actor.pk:
        raise ValidationError(_("You made this proposal: it counts already."))
    support = ProposalSupport(proposal=proposal, user=actor)
    save_unique(support, None, _("You already support this proposal."))  # one per person
    proposal.support_count += 1
    update = ["support_count"]
    if proposal.status == ProposalStatus.OPEN and proposal.support_count >= support_threshold(
        proposal.coop
    ):
        _to_board(proposal)
        update += ["status", "review_due_since"]
    proposal.save(update_fields=update)
    return support


@transaction.atomic
def proposal_unsupport(*, actor: Actor, proposal: Proposal) -> None:
    """Take one's support back; a proposal already on the board's agenda stays there."""
    proposal = _locked_proposal(proposal)
    _live(proposal)
    removed, _detail = ProposalSupport.objects.filter(proposal=proposal, user=actor).delete()
    if not removed:
        raise ValidationError(_("You do not support this proposal."))
    proposal.support_count -= 1
    proposal.save(update_fields=["support_count"])


@transaction.atomic
def proposal_comment(*, actor: Actor, proposal: Proposal, text: str) -> ProposalComment:
    proposal = _locked_proposal(proposal)  # decided since the page was loaded: refused
    _live(proposal)
    comment = ProposalComment(proposal=proposal, author=actor, text=text or "")
    require_text(comment, ["text"])
    validated(comment, exclude=["proposal", "author"])
    comment.save()
    return comment


@transaction.atomic
def proposal_withdraw(*, actor: Actor, proposal: Proposal) -> Proposal:
    """Only the proposer withdraws a proposal (the board declines one, with a reason)."""
    proposal = _locked_proposal(proposal)
    if proposal.proposed_by_id != actor.pk:
        raise PermissionDenied(_("Only the person who made the proposal can withdraw it."))
    _live(proposal)
    proposal.status = ProposalStatus.WITHDRAWN
    proposal.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="proposal.withdraw",
        obj=proposal,
        coop=proposal.coop,
        after={"status": proposal.status},
    )
    return proposal


# The status each decision of the board gives a proposal.
DECIDED = {
    Decision.ACCEPT: ProposalStatus.ACCEPTED,
    Decision.CHANGES: ProposalStatus.CHANGES,
    Decision.DECLINE: ProposalStatus.DECLINED,
}


@transaction.atomic
def proposal_decide(
    *,
    actor: Actor,
    proposal: Proposal,
    decision: str,
    reason: str = "",
    project_title: str | None = None,
    project_summary: str | None = None,
    project_status: str = ProjectStatus.PLANNED,
    project_start_on: date | None = None,
    project_end_on: date | None = None,
):
    """The board accepts a live proposal (which becomes a project, returned), asks for changes
    or declines it; asking for changes and declining need a reason the proposer reads. On
    accepting, the ``project_*`` arguments are the project's (its title and summary the
    proposal's unless given)."""
    proposal = _locked_proposal(proposal)
    _live(proposal)
    reason = (reason or "").strip()
    if decision not in Decision.values:
        raise ValidationError(_("Accept, ask for changes or decline."), field="decision")
    if decision != Decision.ACCEPT and not reason:
        raise ValidationError(_("Tell the proposer why."), field="reason")
    if len(reason) > Proposal._meta.get_field("board_reason").max_length:
        raise ValidationError(_("The reason is too long."), field="reason")
    before = snapshot(proposal, ["status", "board_reason"])
    proposal.status = DECIDED[decision]
    proposal.board_reason, proposal.decided_by, proposal.decided_at = reason, actor, timezone.now()
    proposal.save()
    project = None
    if decision == Decision.ACCEPT:
        project = project_from_proposal(
            actor=actor,
            proposal=proposal,
            title=project_title,
            summary=project_summary,
            status=project_status,
            start_on=project_start_on,
            end_on=project_end_on,
        )
    audit_record(
        actor=actor,
        action="proposal.decide",
        obj=proposal,
        coop=proposal.coop,
        before=before,
        after=snapshot(proposal, ["status", "board_reason"]),
    )
    if proposal.proposed_by_id and proposal.proposed_by.email:
        notify(
            to=proposal.proposed_by.email,
            template="projects/proposals/email/proposal_decided",
            context={
                "coop": proposal.coop.name,
                "title": proposal.title,
                "status": proposal.get_status_display(),
                "reason": reason,
                "link": _proposal_link(proposal),
                "project_link": (
                    f"{settings.SITE_URL}/c/{proposal.coop.slug}/projects/{project.pk}/"
                    if project
                    else ""
                ),
            },
        )
    return project
