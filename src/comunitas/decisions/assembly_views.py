"""Pages of assemblies: the list and the minute book, drafting and convening, the notice, the
session desk (attendance, proxies, the live quorum), motions and ballots, and the minutes.

Thin views over ``assembly_services`` and ``assembly_selectors``; every page declares its action
and is in the permission matrix (tests/decisions/matrix_assemblies.py). Drafts are the
operators' own: to anyone else a draft assembly does not exist (404). Members see convened and
past assemblies, their own ballots, results once a vote closes, and the signed minutes; names
of members (the roll, attendance, proxies) are shown to operators, and to members only in the
minutes, which record them by law (art. 2375 c.c.)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comunitas.core.errors import ValidationError
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, can, coop_view
from comunitas.core.submission import act_and_flash, apply_errors, submit, submit_and_flash
from comunitas.decisions import assembly_documents as documents
from comunitas.decisions import assembly_selectors as selectors
from comunitas.decisions import assembly_services as services
from comunitas.decisions.assembly_forms import (
    AgendaItemForm,
    AssemblyForm,
    AttendanceForm,
    BallotForm,
    CancelForm,
    MinutesForm,
    MotionForm,
    OpenForm,
    ProxyForm,
    RecordVoteForm,
    member_by_number,
)
from comunitas.decisions.models import Assembly, AssemblyStatus, Attendance, Minutes, Motion, Proxy
from comunitas.members.models import Member
from comunitas.projects.needs.views import back_to

PAGE_SIZE = 50
ROLL_PAGE_SIZE = 100


def _assembly(request: HttpRequest, coop: Cooperative, assembly_id: int) -> Assembly:
    """An assembly of this cooperative; a draft only for the operators."""
    try:
        assembly = selectors.assembly_get(coop=coop, pk=assembly_id)
    except Assembly.DoesNotExist:
        raise Http404 from None
    if assembly.status == AssemblyStatus.DRAFT and not can(
        request.user, coop, Action.MANAGE_ASSEMBLIES
    ):
        raise Http404
    return assembly


def _motion(assembly: Assembly, motion_id: int) -> Motion:
    try:
        return selectors.motion_get(assembly=assembly, pk=motion_id)
    except Motion.DoesNotExist:
        raise Http404 from None


def _to_assembly(request, coop: Cooperative, assembly: Assembly) -> HttpResponse:
    return back_to(request, coop, "assembly_detail", assembly.pk)


# --- lists --------------------------------------------------------------------------------------
@coop_view(Action.VIEW_ASSEMBLIES)
def assembly_list(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """Assemblies, the latest first (drafts for the operators only): two queries a page."""
    manage = can(request.user, coop, Action.MANAGE_ASSEMBLIES)
    assemblies = selectors.assembly_list(coop=coop)
    if not manage:
        assemblies = assemblies.exclude(status=AssemblyStatus.DRAFT)
    page = Paginator(assemblies, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"coop": coop, "page_obj": page, "can_manage": manage}
    return render(request, "decisions/assemblies/list.html", context)


@coop_view(Action.VIEW_ASSEMBLIES)
def minute_book(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """The minute book: every signed verbale, newest first."""
    page = Paginator(selectors.minute_book(coop=coop), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "decisions/assemblies/minute_book.html", {"coop": coop, "page_obj": page}
    )


# --- drafting -----------------------------------------------------------------------------------
@coop_view(Action.MANAGE_ASSEMBLIES)
def assembly_create(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    form = AssemblyForm(request.POST or None)
    assembly = submit(
        request,
        form,
        lambda: services.assembly_create(actor=request.user, coop=coop, fields=form.cleaned_data),
    )
    if assembly:
        messages.success(request, _("The assembly is drafted: write its agenda, then convene it."))
        return redirect("assembly_detail", coop.slug, assembly.pk)
    return render(
        request, "decisions/assemblies/form.html", {"coop": coop, "form": form, "assembly": None}
    )


@coop_view(Action.MANAGE_ASSEMBLIES)
def assembly_edit(request: HttpRequest, coop: Cooperative, assembly_id: int) -> HttpResponse:
    assembly = _assembly(request, coop, assembly_id)
    form = AssemblyForm(request.POST or None, initial=AssemblyForm.initial_of(assembly))
    saved = submit(
        request,
        form,
        lambda: services.assembly_update(
            actor=request.user, assembly=assembly, fields=form.cleaned_data
        ),
    )
    if saved:
        messages.success(request, _("The assembly is changed."))
        return redirect("assembly_detail", coop.slug, assembly.pk)
    context = {"coop": coop, "form": form, "assembly": assembly}
    return render(request, "decisions/assemblies/form.html", context)


@require_POST
@coop_view(Action.MANAGE_ASSEMBLIES)
def agenda_add(request: HttpRequest, coop: Cooperative, assembly_id: int) -> HttpResponse:
    assembly = _assembly(request, coop, assembly_id)
    form = AgendaItemForm(request.POST, coop=coop)
    submit_and_flash(
        request,
        form,
        lambda: services.agenda_item_add(
            actor=request.user, assembly=assembly, fields=form.cleaned_data
        ),
        done=_("The item is on the agenda."),
        failed=_("The item could not be added."),
    )
    return _to_assembly(request, coop, assembly)


@coop_view(Action.MANAGE_ASSEMBLIES)
def agenda_edit(
    request: HttpRequest, coop: Cooperative, assembly_id: int, item_id: int
) -> HttpResponse:
    """Change one item of a draft agenda."""
    assembly = _assembly(request, coop, assembly_id)
    item = get_object_or_404(assembly.agenda, pk=item_id)
    initial = {name: getattr(item, name) for name in services.AGENDA_FIELDS}
    form = AgendaItemForm(request.POST or None, coop=coop, initial=initial)
    saved = submit(
        request,
        form,
        lambda: services.agenda_item_update(
            actor=request.user, item=item, fields=form.cleaned_data
        ),
    )
    if saved:
        messages.success(request, _("The agenda item is changed."))
        return redirect("assembly_detail", coop.slug, assembly.pk)
    context = {"coop": coop, "assembly": assembly, "item": item, "form": form}
    return render(request, "decisions/assemblies/agenda_form.html", context)


@require_POST
@coop_view(Action.MANAGE_ASSEMBLIES)
def agenda_remove(
    request: HttpRequest, coop: Cooperative, assembly_id: int, item_id: int
) -> HttpResponse:
    assembly = _assembly(request, coop, assembly_id)
    item = get_object_or_404(assembly.agenda, pk=item_id)
    act_and_flash(
        request,
        lambda: services.agenda_item_remove(actor=request.user, item=item),
        done=_("The item is removed from the agenda."),
    )
    return _to_assembly(request, coop, assembly)


@require_POST
@coop_view(Action.CONVENE_ASSEMBLIES)
def assembly_convene(request: HttpRequest, coop: Cooperative, assembly_id: int) -> HttpResponse:
    assembly = _assembly(request, coop, assembly_id)
    act_and_flash(
        request,
        lambda: services.assembly_convene(actor=request.user, assembly=assembly),
        done=_("The assembly is convened: every member is being sent the notice."),
    )
    return _to_assembly(request, coop, assembly)


@require_POST
@coop_view(Action.CONVENE_ASSEMBLIES)
def assembly_cancel(request: HttpRequest, coop: Cooperative, assembly_id: int) -> HttpResponse:
    assembly = _assembly(request, coop, assembly_id)
    form = CancelForm(request.POST)
    submit_and_flash(
        request,
        form,
        lambda: services.assembly_cancel(
            actor=request.user, assembly=assembly, reason=form.cleaned_data["reason"]
        ),
        done=_("The assembly is cancelled."),
        failed=_("Say why the assembly is cancelled."),
    )
    return _to_assembly(request, coop, assembly)


@coop_view(Action.VIEW_ASSEMBLIES)
def assembly_notice_pdf(request: HttpRequest, coop: Cooperative, assembly_id: int) -> HttpResponse:
    assembly = _assembly(request, coop, assembly_id)
    response = HttpResponse(documents.notice_pdf(assembly=assembly), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="convocazione-{assembly.pk}.pdf"'
    return response


# --- the assembly's page ------------------------------------------------------------------------
@coop_view(Action.VIEW_ASSEMBLIES)
def assembly_detail(request: HttpRequest, coop: Cooperative, assembly_id: int) -> HttpResponse:
    """The agenda, the live quorum, each motion with the caller's ballots while it is open and
    its result once closed, and the operators' and the board's actions for the stage it is at."""
    assembly = _assembly(request, coop, assembly_id)
    motions = selectors.assembly_motions(assembly=assembly)
    mine = selectors.my_ballots(assembly=assembly, user=request.user, motions=motions)
    in_play = assembly.status in (AssemblyStatus.OPEN, AssemblyStatus.CLOSED)
    context = {
        "coop": coop,
        "assembly": assembly,
        "agenda": selectors.assembly_agenda(assembly=assembly),
        "motions": [
            {
                "motion": m,
                "result": selectors.tally(motion=m),
                "rule": selectors.majority_text(m),
                "ballots": [
                    (v, BallotForm(motion=m, initial={"voter": v.pk})) for v in mine.pending(m)
                ],
            }
            for m in motions
        ],
        "mine": mine,
        "quorum": selectors.quorum(assembly=assembly) if in_play else None,
        "can_manage": can(request.user, coop, Action.MANAGE_ASSEMBLIES),
        "can_convene": can(request.user, coop, Action.CONVENE_ASSEMBLIES),
        "agenda_form": AgendaItemForm(coop=coop),
        "open_form": OpenForm(),
        "cancel_form": CancelForm(),
        "minutes": Minutes.objects.filter(assembly=assembly).first(),
    }
    return render(request, "decisions/assemblies/detail.html", context)


@coop_view(Action.VIEW_ASSEMBLIES)
def assembly_quorum(request: HttpRequest, coop: Cooperative, assembly_id: int) -> HttpResponse:
    """The live quorum panel (htmx refreshes it while the assembly is in session)."""
    assembly = _assembly(request, coop, assembly_id)
    context = {"coop": coop, "assembly": assembly, "quorum": selectors.quorum(assembly=assembly)}
    return render(request, "decisions/assemblies/_quorum.html", context)


# --- the session --------------------------------------------------------------------------------
@require_POST
@coop_view(Action.MANAGE_ASSEMBLIES)
def assembly_open(request: HttpRequest, coop: Cooperative, assembly_id: int) -> HttpResponse:
    assembly = _assembly(request, coop, assembly_id)
    form = OpenForm(request.POST)
    opened = submit_and_flash(
        request,
        form,
        lambda: services.assembly_open(
            actor=request.user, assembly=assembly, call=form.cleaned_data["call"]
        ),
        done=_("The assembly is in session: the voters' roll is fixed. Register who arrives."),
        failed=_("The assembly could not be opened."),
    )
    if opened:
        return redirect("assembly_desk", coop.slug, assembly.pk)
    return _to_assembly(request, coop, assembly)


@require_POST
@coop_view(Action.MANAGE_ASSEMBLIES)
def assembly_close(request: HttpRequest, coop: Cooperative, assembly_id: int) -> HttpResponse:
    assembly = _assembly(request, coop, assembly_id)
    closed = act_and_flash(
        request,
        lambda: services.assembly_close(actor=request.user, assembly=assembly),
        done=_("The assembly is closed: write and sign its minutes."),
    )
    if closed:
        return redirect("assembly_minutes", coop.slug, assembly.pk)
    return _to_assembly(request, coop, assembly)


@coop_view(Action.MANAGE_ASSEMBLIES)
def assembly_voters(request: HttpRequest, coop: Cooperative, assembly_id: int) -> HttpResponse:
    """Who may vote: the roll once fixed, before that the member book on the assembly's day."""
    assembly = _assembly(request, coop, assembly_id)
    context = {"coop": coop, "assembly": assembly}
    if assembly.status in (AssemblyStatus.OPEN, AssemblyStatus.CLOSED):
        page = Paginator(selectors.roll(assembly=assembly), ROLL_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context.update(page_obj=page, fixed=True, denominator=assembly.vote_denominator)
    else:
        from comunitas.members.book.selectors import eligible_voters

        eligibility = eligible_voters(coop=coop, on_date=selectors.held_on(assembly))
        page = Paginator(eligibility.voters, ROLL_PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(page_obj=page, fixed=False, eligibility=eligibility)
    return render(request, "decisions/assemblies/voters.html", context)


@coop_view(Action.MANAGE_ASSEMBLIES)
def assembly_desk(request: HttpRequest, coop: Cooperative, assembly_id: int) -> HttpResponse:
    """The attendance desk: arrivals and departures, proxies, the quorum, and open ballots'
    votes recorded for members present (a show of hands)."""
    assembly = _assembly(request, coop, assembly_id)
    attendance_form = AttendanceForm(request.POST or None)
    if request.method == "POST" and attendance_form.is_valid():
        try:
            member = member_by_number(coop, attendance_form.cleaned_data["number"], "number")
            services.attendance_register(
                actor=request.user,
                assembly=assembly,
                member=member,
                mode=attendance_form.cleaned_data["mode"],
            )
        except ValidationError as exc:
            apply_errors(attendance_form, exc)
        else:
            messages.success(request, _("Member no. %(n)s is present.") % {"n": member.number})
            return redirect("assembly_desk", coop.slug, assembly.pk)
    motions = selectors.assembly_motions(assembly=assembly)
    context = {
        "coop": coop,
        "assembly": assembly,
        "attendance": selectors.attendance_list(assembly=assembly),
        "proxies": selectors.proxy_list(assembly=assembly),
        "quorum": selectors.quorum(assembly=assembly),
        "attendance_form": attendance_form,
        "proxy_form": ProxyForm(),
        "open_votes": [
            (m, RecordVoteForm(motion=m)) for m in motions if m.is_open and m.ballot == "open"
        ],
    }
    status = 422 if attendance_form.errors else 200
    return render(request, "decisions/assemblies/desk.html", context, status=status)


@require_POST
@coop_view(Action.MANAGE_ASSEMBLIES)
def attendance_leave(
    request: HttpRequest, coop: Cooperative, assembly_id: int, attendance_id: int
) -> HttpResponse:
    assembly = _assembly(request, coop, assembly_id)
    attendance = get_object_or_404(Attendance, assembly=assembly, pk=attendance_id)
    act_and_flash(
        request,
        lambda: services.attendance_leave(actor=request.user, attendance=attendance),
        done=_("The departure is registered."),
    )
    return redirect("assembly_desk", coop.slug, assembly.pk)


@require_POST
@coop_view(Action.VOTE)
def assembly_join(request: HttpRequest, coop: Cooperative, assembly_id: int) -> HttpResponse:
    """A member following online registers their own presence."""
    assembly = _assembly(request, coop, assembly_id)
    act_and_flash(
        request,
        lambda: services.attendance_join_online(user=request.user, assembly=assembly),
        done=_("You are registered as present online."),
    )
    return _to_assembly(request, coop, assembly)


@require_POST
@coop_view(Action.MANAGE_ASSEMBLIES)
def proxy_add(request: HttpRequest, coop: Cooperative, assembly_id: int) -> HttpResponse:
    assembly = _assembly(request, coop, assembly_id)
    form = ProxyForm(request.POST)

    def register():
        data = form.cleaned_data
        return services.proxy_register(
            actor=request.user,
            assembly=assembly,
            grantor=member_by_number(coop, data["grantor"], "grantor"),
            holder=member_by_number(coop, data["holder"], "holder"),
            reference=data["reference"],
        )

    submit_and_flash(
        request,
        form,
        register,
        done=_("The proxy is registered."),
        failed=_("The proxy could not be registered."),
    )
    return back_to(request, coop, "assembly_desk", assembly.pk)


@require_POST
@coop_view(Action.MANAGE_ASSEMBLIES)
def proxy_revoke(
    request: HttpRequest, coop: Cooperative, assembly_id: int, proxy_id: int
) -> HttpResponse:
    assembly = _assembly(request, coop, assembly_id)
    proxy = get_object_or_404(Proxy, assembly=assembly, pk=proxy_id)
    act_and_flash(
        request,
        lambda: services.proxy_revoke(actor=request.user, proxy=proxy),
        done=_("The proxy is revoked."),
    )
    return back_to(request, coop, "assembly_desk", assembly.pk)


# --- motions and ballots ------------------------------------------------------------------------
def _motion_form_page(request, coop, assembly, motion=None) -> HttpResponse:
    initial = {}
    if motion is not None:
        initial = {name: getattr(motion, name) for name in services.MOTION_FIELDS}
        initial["candidates"] = "\n".join(c.name for c in motion.candidates.all())
    form = MotionForm(request.POST or None, assembly=assembly, initial=initial)

    def save():
        if motion is None:
            return services.motion_create(
                actor=request.user,
                assembly=assembly,
                fields=form.motion_fields(),
                candidates=form.candidate_names(),
            )
        return services.motion_update(
            actor=request.user,
            motion=motion,
            fields=form.motion_fields(),
            candidates=form.candidate_names() or [],
        )

    saved = submit(request, form, save)
    if saved:
        messages.success(request, _("The motion is saved."))
        return redirect(f"{assembly_url(coop, assembly)}#motion-{saved.pk}")
    context = {"coop": coop, "assembly": assembly, "form": form, "motion": motion}
    return render(request, "decisions/assemblies/motion_form.html", context)


def assembly_url(coop: Cooperative, assembly: Assembly) -> str:
    return reverse("assembly_detail", args=[coop.slug, assembly.pk])


@coop_view(Action.MANAGE_ASSEMBLIES)
def motion_create(request: HttpRequest, coop: Cooperative, assembly_id: int) -> HttpResponse:
    return _motion_form_page(request, coop, _assembly(request, coop, assembly_id))


@coop_view(Action.MANAGE_ASSEMBLIES)
def motion_edit(
    request: HttpRequest, coop: Cooperative, assembly_id: int, motion_id: int
) -> HttpResponse:
    assembly = _assembly(request, coop, assembly_id)
    return _motion_form_page(request, coop, assembly, _motion(assembly, motion_id))


@require_POST
@coop_view(Action.MANAGE_ASSEMBLIES)
def motion_open(
    request: HttpRequest, coop: Cooperative, assembly_id: int, motion_id: int
) -> HttpResponse:
    assembly = _assembly(request, coop, assembly_id)
    motion = _motion(assembly, motion_id)
    act_and_flash(
        request,
        lambda: services.motion_open(actor=request.user, motion=motion),
        done=_("The vote is open."),
    )
    return _to_assembly(request, coop, assembly)


@require_POST
@coop_view(Action.MANAGE_ASSEMBLIES)
def motion_close(
    request: HttpRequest, coop: Cooperative, assembly_id: int, motion_id: int
) -> HttpResponse:
    assembly = _assembly(request, coop, assembly_id)
    motion = _motion(assembly, motion_id)
    act_and_flash(
        request,
        lambda: services.motion_close(actor=request.user, motion=motion),
        done=_("The vote is closed: its result is shown."),
    )
    return redirect(f"{assembly_url(coop, assembly)}#motion-{motion.pk}")


@require_POST
@coop_view(Action.VOTE)
def motion_vote(
    request: HttpRequest, coop: Cooperative, assembly_id: int, motion_id: int
) -> HttpResponse:
    """A member's ballot, for themselves or for a member whose proxy they hold."""
    assembly = _assembly(request, coop, assembly_id)
    motion = _motion(assembly, motion_id)
    form = BallotForm(request.POST, motion=motion)

    def cast():
        voter = Member.objects.filter(coop=coop, pk=form.cleaned_data["voter"]).first()
        if voter is None:
            raise ValidationError(_("Choose a member of this cooperative."), field="voter")
        return services.ballot_cast(
            actor=request.user,
            motion=motion,
            voter=voter,
            choice=form.cleaned_data.get("choice", ""),
            candidates=form.cleaned_data.get("candidates"),
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
    return redirect(f"{assembly_url(coop, assembly)}#motion-{motion.pk}")


@require_POST
@coop_view(Action.MANAGE_ASSEMBLIES)
def motion_record(
    request: HttpRequest, coop: Cooperative, assembly_id: int, motion_id: int
) -> HttpResponse:
    """Staff record the vote of a member present in an open ballot."""
    assembly = _assembly(request, coop, assembly_id)
    motion = _motion(assembly, motion_id)
    form = RecordVoteForm(request.POST, motion=motion)
    submit_and_flash(
        request,
        form,
        lambda: services.ballot_cast(
            actor=request.user,
            motion=motion,
            voter=member_by_number(coop, form.cleaned_data["number"], "number"),
            choice=form.cleaned_data.get("choice", ""),
            candidates=form.cleaned_data.get("candidates"),
            recorded_by_staff=True,
        ),
        done=_("The vote is recorded."),
        failed=_("The vote could not be recorded."),
    )
    return back_to(request, coop, "assembly_desk", assembly.pk)


# --- minutes ------------------------------------------------------------------------------------
def _minutes(request, coop: Cooperative, assembly_id: int) -> Minutes:
    """The minutes of an assembly; members see them once signed, operators also in draft."""
    assembly = _assembly(request, coop, assembly_id)
    minutes = Minutes.objects.filter(assembly=assembly).select_related("coop__seat").first()
    if minutes is None:
        raise Http404
    if not minutes.is_signed and not can(request.user, coop, Action.MANAGE_ASSEMBLIES):
        raise Http404
    minutes.assembly = assembly
    return minutes


@coop_view(Action.MANAGE_ASSEMBLIES)
def assembly_minutes(request: HttpRequest, coop: Cooperative, assembly_id: int) -> HttpResponse:
    """Write the minutes' narrative and signatures on the record the system generated."""
    minutes = _minutes(request, coop, assembly_id)
    initial = {name: getattr(minutes, name) for name in services.MINUTES_FIELDS}
    form = MinutesForm(request.POST or None, initial=initial)
    saved = submit(
        request,
        form,
        lambda: services.minutes_update(
            actor=request.user, minutes=minutes, fields=form.cleaned_data
        ),
    )
    if saved:
        messages.success(request, _("The minutes are saved."))
        return redirect("assembly_minutes", coop.slug, minutes.assembly.pk)
    context = {
        "coop": coop,
        "assembly": minutes.assembly,
        "minutes": minutes,
        "form": form,
        "record": documents.minutes_html(minutes=minutes),
        "can_sign": can(request.user, coop, Action.CONVENE_ASSEMBLIES),
    }
    return render(request, "decisions/assemblies/minutes.html", context)


@require_POST
@coop_view(Action.CONVENE_ASSEMBLIES)
def minutes_sign(request: HttpRequest, coop: Cooperative, assembly_id: int) -> HttpResponse:
    minutes = _minutes(request, coop, assembly_id)
    act_and_flash(
        request,
        lambda: services.minutes_sign(actor=request.user, minutes=minutes),
        done=_("The minutes are signed and entered in the minute book."),
    )
    return redirect("assembly_minutes", coop.slug, minutes.assembly.pk)


@coop_view(Action.VIEW_ASSEMBLIES)
def minutes_pdf(request: HttpRequest, coop: Cooperative, assembly_id: int) -> HttpResponse:
    minutes = _minutes(request, coop, assembly_id)
    response = HttpResponse(documents.minutes_pdf(minutes=minutes), content_type="application/pdf")
    name = f"verbale-{minutes.number}" if minutes.number else f"verbale-bozza-{minutes.assembly.pk}"
    response["Content-Disposition"] = f'inline; filename="{name}-{coop.slug}.pdf"'
    return response


A = "c/<slug:slug>/assemblies"
ONE = f"{A}/<int:assembly_id>"
MOTION = f"{ONE}/motions/<int:motion_id>"
urlpatterns = [
    path(f"{A}/", assembly_list, name="assembly_list"),
    path(f"{A}/new/", assembly_create, name="assembly_create"),
    path("c/<slug:slug>/minutes/", minute_book, name="minute_book"),
    path(f"{ONE}/", assembly_detail, name="assembly_detail"),
    path(f"{ONE}/edit/", assembly_edit, name="assembly_edit"),
    path(f"{ONE}/agenda/", agenda_add, name="agenda_add"),
    path(f"{ONE}/agenda/<int:item_id>/edit/", agenda_edit, name="agenda_edit"),
    path(f"{ONE}/agenda/<int:item_id>/remove/", agenda_remove, name="agenda_remove"),
    path(f"{ONE}/convene/", assembly_convene, name="assembly_convene"),
    path(f"{ONE}/cancel/", assembly_cancel, name="assembly_cancel"),
    path(f"{ONE}/notice.pdf", assembly_notice_pdf, name="assembly_notice_pdf"),
    path(f"{ONE}/quorum/", assembly_quorum, name="assembly_quorum"),
    path(f"{ONE}/open/", assembly_open, name="assembly_open"),
    path(f"{ONE}/close/", assembly_close, name="assembly_close"),
    path(f"{ONE}/voters/", assembly_voters, name="assembly_voters"),
    path(f"{ONE}/desk/", assembly_desk, name="assembly_desk"),
    path(f"{ONE}/attendance/<int:attendance_id>/leave/", attendance_leave, name="attendance_leave"),
    path(f"{ONE}/join/", assembly_join, name="assembly_join"),
    path(f"{ONE}/proxies/", proxy_add, name="proxy_add"),
    path(f"{ONE}/proxies/<int:proxy_id>/revoke/", proxy_revoke, name="proxy_revoke"),
    path(f"{ONE}/motions/new/", motion_create, name="motion_create"),
    path(f"{MOTION}/edit/", motion_edit, name="motion_edit"),
    path(f"{MOTION}/open/", motion_open, name="motion_open"),
    path(f"{MOTION}/close/", motion_close, name="motion_close"),
    path(f"{MOTION}/vote/", motion_vote, name="motion_vote"),
    path(f"{MOTION}/record/", motion_record, name="motion_record"),
    path(f"{ONE}/minutes/", assembly_minutes, name="assembly_minutes"),
    path(f"{ONE}/minutes/sign/", minutes_sign, name="minutes_sign"),
    path(f"{ONE}/minutes.pdf", minutes_pdf, name="minutes_pdf"),
]
