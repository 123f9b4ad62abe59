"""Pages of an assembly's session: opening and closing it, the voters, the attendance desk
(arrivals, departures, proxies, votes recorded by a show of hands), joining online, and the live
quorum panel. Thin views over ``session_services``; the roll and the names are the operators'."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comunitas.core.errors import ValidationError
from comunitas.core.lookups import or_404
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, coop_view
from comunitas.core.submission import act_and_flash, apply_errors, back_to, submit_and_flash
from comunitas.decisions.assemblies import selectors, session_services
from comunitas.decisions.assemblies.forms import (
    AttendanceForm,
    OpenForm,
    ProxyForm,
    RecordVoteForm,
    member_by_number,
)
from comunitas.decisions.assemblies.views import back_to_assembly
from comunitas.decisions.models import AssemblyStatus
from comunitas.members.book.selectors import eligible_voters

ROLL_PAGE_SIZE = 100


@coop_view(Action.VIEW_ASSEMBLIES)
def assembly_quorum(request: HttpRequest, coop: Cooperative, assembly_id: int) -> HttpResponse:
    """The live quorum panel (htmx refreshes it while the assembly is in session)."""
    assembly = or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.user)
    context = {"coop": coop, "assembly": assembly, "quorum": selectors.quorum(assembly=assembly)}
    return render(request, "decisions/assemblies/_quorum.html", context)


# --- the session --------------------------------------------------------------------------------
@require_POST
@coop_view(Action.MANAGE_ASSEMBLIES)
def assembly_open(request: HttpRequest, coop: Cooperative, assembly_id: int) -> HttpResponse:
    assembly = or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.user)
    form = OpenForm(request.POST)
    opened = submit_and_flash(
        request,
        form,
        lambda: session_services.assembly_open(
            actor=request.user, assembly=assembly, call=form.cleaned_data["call"]
        ),
        done=_("The assembly is in session: the voters' roll is fixed. Register who arrives."),
        failed=_("The assembly could not be opened."),
    )
    if opened:
        return redirect("decisions:assembly_desk", coop.slug, assembly.pk)
    return back_to_assembly(request, coop, assembly)


@require_POST
@coop_view(Action.MANAGE_ASSEMBLIES)
def assembly_close(request: HttpRequest, coop: Cooperative, assembly_id: int) -> HttpResponse:
    assembly = or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.user)
    closed = act_and_flash(
        request,
        lambda: session_services.assembly_close(actor=request.user, assembly=assembly),
        done=_("The assembly is closed: write and sign its minutes."),
    )
    if closed:
        return redirect("decisions:assembly_minutes", coop.slug, assembly.pk)
    return back_to_assembly(request, coop, assembly)


@coop_view(Action.MANAGE_ASSEMBLIES)
def assembly_voters(request: HttpRequest, coop: Cooperative, assembly_id: int) -> HttpResponse:
    """Who may vote: the roll once fixed, before that the member book on the assembly's day."""
    assembly = or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.user)
    context = {"coop": coop, "assembly": assembly}
    if assembly.status in (AssemblyStatus.OPEN, AssemblyStatus.CLOSED):
        page = Paginator(selectors.roll(assembly=assembly), ROLL_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context.update(page_obj=page, fixed=True, denominator=assembly.vote_denominator)
    else:
        eligibility = eligible_voters(coop=coop, on_date=selectors.held_on(assembly))
        page = Paginator(eligibility.voters, ROLL_PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(page_obj=page, fixed=False, eligibility=eligibility)
    return render(request, "decisions/assemblies/voters.html", context)


@coop_view(Action.MANAGE_ASSEMBLIES)
def assembly_desk(request: HttpRequest, coop: Cooperative, assembly_id: int) -> HttpResponse:
    """The attendance desk: arrivals and departures, proxies, the quorum, and open ballots'
    votes recorded for members present (a show of hands)."""
    assembly = or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.user)
    attendance_form = AttendanceForm(request.POST or None)
    if request.method == "POST" and attendance_form.is_valid():
        try:
            member = member_by_number(coop, attendance_form.cleaned_data["number"], "number")
            session_services.attendance_register(
                actor=request.user,
                assembly=assembly,
                member=member,
                mode=attendance_form.cleaned_data["mode"],
            )
        except ValidationError as exc:
            apply_errors(attendance_form, exc)
        else:
            messages.success(request, _("Member no. %(n)s is present.") % {"n": member.number})
            return redirect("decisions:assembly_desk", coop.slug, assembly.pk)
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
    assembly = or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.user)
    attendance = or_404(selectors.attendance_get, assembly=assembly, pk=attendance_id)
    act_and_flash(
        request,
        lambda: session_services.attendance_leave(actor=request.user, attendance=attendance),
        done=_("The departure is registered."),
    )
    return redirect("decisions:assembly_desk", coop.slug, assembly.pk)


@require_POST
@coop_view(Action.VOTE)
def assembly_join(request: HttpRequest, coop: Cooperative, assembly_id: int) -> HttpResponse:
    """A member following online registers their own presence."""
    assembly = or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.user)
    act_and_flash(
        request,
        lambda: session_services.attendance_join_online(user=request.user, assembly=assembly),
        done=_("You are registered as present online."),
    )
    return back_to_assembly(request, coop, assembly)


@require_POST
@coop_view(Action.MANAGE_ASSEMBLIES)
def proxy_add(request: HttpRequest, coop: Cooperative, assembly_id: int) -> HttpResponse:
    assembly = or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.user)
    form = ProxyForm(request.POST)

    def register():
        data = form.cleaned_data
        return session_services.proxy_register(
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
    return back_to(request, coop, "decisions:assembly_desk", assembly.pk)


@require_POST
@coop_view(Action.MANAGE_ASSEMBLIES)
def proxy_revoke(
    request: HttpRequest, coop: Cooperative, assembly_id: int, proxy_id: int
) -> HttpResponse:
    assembly = or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.user)
    proxy = or_404(selectors.proxy_get, assembly=assembly, pk=proxy_id)
    act_and_flash(
        request,
        lambda: session_services.proxy_revoke(actor=request.user, proxy=proxy),
        done=_("The proxy is revoked."),
    )
    return back_to(request, coop, "decisions:assembly_desk", assembly.pk)
