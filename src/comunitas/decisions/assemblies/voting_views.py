"""Pages of motions and ballots: drafting and changing a motion, opening and closing its vote, a
member's ballot (for themselves or a proxy they hold) and the vote staff record for a member
present in an open ballot. Thin views over ``voting_services``."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comunitas.core.errors import ValidationError
from comunitas.core.lookups import or_404
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, coop_view
from comunitas.core.submission import act_and_flash, back_to, submit, submit_and_flash
from comunitas.decisions.assemblies import selectors, voting_services
from comunitas.decisions.assemblies.forms import (
    BallotForm,
    MotionForm,
    RecordVoteForm,
    member_by_number,
)
from comunitas.decisions.assemblies.views import back_to_assembly
from comunitas.decisions.models import Motion
from comunitas.members.models import Member


# --- motions and ballots ------------------------------------------------------------------------
def _motion_form_page(request, coop, assembly, motion=None) -> HttpResponse:
    initial = {}
    if motion is not None:
        initial = {name: getattr(motion, name) for name in voting_services.MOTION_FIELDS}
        initial["candidates"] = "\n".join(c.name for c in motion.candidates.all())
    form = MotionForm(request.POST or None, assembly=assembly, initial=initial)

    def save():
        if motion is None:
            return voting_services.motion_create(
                actor=request.user,
                assembly=assembly,
                **form.motion_fields(),
                candidates=form.candidate_names(),
            )
        return voting_services.motion_update(
            actor=request.user,
            motion=motion,
            fields=form.motion_fields(),
            candidates=form.candidate_names() or [],
        )

    saved = submit(request, form, save)
    if saved:
        messages.success(request, _("The motion is saved."))
        return to_motion(coop, saved)
    context = {"coop": coop, "assembly": assembly, "form": form, "motion": motion}
    return render(request, "decisions/assemblies/motion_form.html", context)


def to_motion(coop: Cooperative, motion: Motion) -> HttpResponse:
    """Back to the motion on its assembly's page."""
    page = reverse("decisions:assembly_detail", args=[coop.slug, motion.assembly_id])
    return redirect(f"{page}#motion-{motion.pk}")


def _motion(request: HttpRequest, coop: Cooperative, assembly_id: int, motion_id: int) -> Motion:
    """The motion the path names (``selectors.motion_visible``)."""
    return or_404(
        selectors.motion_visible,
        coop=coop,
        assembly_id=assembly_id,
        pk=motion_id,
        user=request.user,
    )


@coop_view(Action.MANAGE_ASSEMBLIES)
def motion_create(request: HttpRequest, coop: Cooperative, assembly_id: int) -> HttpResponse:
    return _motion_form_page(
        request,
        coop,
        or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.user),
    )


@coop_view(Action.MANAGE_ASSEMBLIES)
def motion_edit(
    request: HttpRequest, coop: Cooperative, assembly_id: int, motion_id: int
) -> HttpResponse:
    motion = _motion(request, coop, assembly_id, motion_id)
    return _motion_form_page(request, coop, motion.assembly, motion)


@require_POST
@coop_view(Action.MANAGE_ASSEMBLIES)
def motion_open(
    request: HttpRequest, coop: Cooperative, assembly_id: int, motion_id: int
) -> HttpResponse:
    motion = _motion(request, coop, assembly_id, motion_id)
    act_and_flash(
        request,
        lambda: voting_services.motion_open(actor=request.user, motion=motion),
        done=_("The vote is open."),
    )
    return back_to_assembly(request, coop, motion.assembly)


@require_POST
@coop_view(Action.MANAGE_ASSEMBLIES)
def motion_close(
    request: HttpRequest, coop: Cooperative, assembly_id: int, motion_id: int
) -> HttpResponse:
    motion = _motion(request, coop, assembly_id, motion_id)
    act_and_flash(
        request,
        lambda: voting_services.motion_close(actor=request.user, motion=motion),
        done=_("The vote is closed: its result is shown."),
    )
    return to_motion(coop, motion)


@require_POST
@coop_view(Action.VOTE)
def motion_vote(
    request: HttpRequest, coop: Cooperative, assembly_id: int, motion_id: int
) -> HttpResponse:
    """A member's ballot, for themselves or for a member whose proxy they hold."""
    motion = _motion(request, coop, assembly_id, motion_id)
    form = BallotForm(request.POST, motion=motion)

    def cast():
        voter = Member.objects.filter(coop=coop, pk=form.cleaned_data["voter"]).first()
        if voter is None:
            raise ValidationError(_("Choose a member of this cooperative."), field="voter")
        return voting_services.ballot_cast(
            actor=request.user, motion=motion, voter=voter, **form.ballot()
        )

    submit_and_flash(
        request,
        form,
        cast,
        done=_("Your vote is recorded.")
        if motion.ballot == "open"
        else _("Your vote is recorded. It is secret: nobody can see how you voted."),
        failed=_("The vote could not be recorded."),
    )
    return to_motion(coop, motion)


@require_POST
@coop_view(Action.MANAGE_ASSEMBLIES)
def motion_record(
    request: HttpRequest, coop: Cooperative, assembly_id: int, motion_id: int
) -> HttpResponse:
    """Staff record the vote of a member present in an open ballot."""
    motion = _motion(request, coop, assembly_id, motion_id)
    form = RecordVoteForm(request.POST, motion=motion)
    submit_and_flash(
        request,
        form,
        lambda: voting_services.ballot_cast(
            actor=request.user,
            motion=motion,
            voter=member_by_number(coop, form.cleaned_data["number"], "number"),
            recorded_by_staff=True,
            **form.ballot(),
        ),
        done=_("The vote is recorded."),
        failed=_("The vote could not be recorded."),
    )
    return back_to(request, coop, "decisions:assembly_desk", motion.assembly.pk)
