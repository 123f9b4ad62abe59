"""Pages of assemblies: the list and the minute book, drafting and convening, the notice, the
assembly's page, and the minutes; and the way back to the assembly's page that the session's and
the voting pages share.

Thin views over ``services`` and ``selectors``; every page declares its action and is in the
permission matrix (tests/decisions/assemblies/matrix.py). Drafts are the operators' own: to
anyone else a draft assembly does not exist (404, ``selectors.assembly_visible``). Members see
convened and past assemblies, their own ballots, results once a vote closes, and the signed
minutes; names of members (the roll, attendance, proxies) are shown to operators, and to members
only in the minutes, which record them by law (art. 2375 c.c.)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comunitas.core.lookups import or_404
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, can, coop_view
from comunitas.core.submission import act_and_flash, back_to, submit, submit_and_flash
from comunitas.decisions.assemblies import documents, selectors, services
from comunitas.decisions.assemblies.forms import (
    AgendaItemForm,
    AssemblyForm,
    BallotForm,
    CancelForm,
    MinutesForm,
    OpenForm,
)
from comunitas.decisions.models import Assembly, AssemblyStatus, Minutes

PAGE_SIZE = 50


def back_to_assembly(request, coop: Cooperative, assembly: Assembly) -> HttpResponse:
    return back_to(request, coop, "decisions:assembly_detail", assembly.pk)


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
        lambda: services.assembly_create(actor=request.user, coop=coop, **form.cleaned_data),
    )
    if assembly:
        messages.success(request, _("The assembly is drafted: write its agenda, then convene it."))
        return redirect("decisions:assembly_detail", coop.slug, assembly.pk)
    return render(
        request, "decisions/assemblies/form.html", {"coop": coop, "form": form, "assembly": None}
    )


@coop_view(Action.MANAGE_ASSEMBLIES)
def assembly_edit(request: HttpRequest, coop: Cooperative, assembly_id: int) -> HttpResponse:
    assembly = or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.user)
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
        return redirect("decisions:assembly_detail", coop.slug, assembly.pk)
    context = {"coop": coop, "form": form, "assembly": assembly}
    return render(request, "decisions/assemblies/form.html", context)


@require_POST
@coop_view(Action.MANAGE_ASSEMBLIES)
def agenda_add(request: HttpRequest, coop: Cooperative, assembly_id: int) -> HttpResponse:
    assembly = or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.user)
    form = AgendaItemForm(request.POST, coop=coop)
    submit_and_flash(
        request,
        form,
        lambda: services.agenda_item_add(
            actor=request.user, assembly=assembly, **form.cleaned_data
        ),
        done=_("The item is on the agenda."),
        failed=_("The item could not be added."),
    )
    return back_to_assembly(request, coop, assembly)


@coop_view(Action.MANAGE_ASSEMBLIES)
def agenda_edit(
    request: HttpRequest, coop: Cooperative, assembly_id: int, item_id: int
) -> HttpResponse:
    """Change one item of a draft agenda."""
    assembly = or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.user)
    item = or_404(selectors.agenda_item_get, assembly=assembly, pk=item_id)
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
        return redirect("decisions:assembly_detail", coop.slug, assembly.pk)
    context = {"coop": coop, "assembly": assembly, "item": item, "form": form}
    return render(request, "decisions/assemblies/agenda_form.html", context)


@require_POST
@coop_view(Action.MANAGE_ASSEMBLIES)
def agenda_remove(
    request: HttpRequest, coop: Cooperative, assembly_id: int, item_id: int
) -> HttpResponse:
    assembly = or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.user)
    item = or_404(selectors.agenda_item_get, assembly=assembly, pk=item_id)
    act_and_flash(
        request,
        lambda: services.agenda_item_remove(actor=request.user, item=item),
        done=_("The item is removed from the agenda."),
    )
    return back_to_assembly(request, coop, assembly)


@require_POST
@coop_view(Action.CONVENE_ASSEMBLIES)
def assembly_convene(request: HttpRequest, coop: Cooperative, assembly_id: int) -> HttpResponse:
    assembly = or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.user)
    act_and_flash(
        request,
        lambda: services.assembly_convene(actor=request.user, assembly=assembly),
        done=_("The assembly is convened: every member is being sent the notice."),
    )
    return back_to_assembly(request, coop, assembly)


@require_POST
@coop_view(Action.CONVENE_ASSEMBLIES)
def assembly_cancel(request: HttpRequest, coop: Cooperative, assembly_id: int) -> HttpResponse:
    assembly = or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.user)
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
    return back_to_assembly(request, coop, assembly)


@coop_view(Action.VIEW_ASSEMBLIES)
def assembly_notice_pdf(request: HttpRequest, coop: Cooperative, assembly_id: int) -> HttpResponse:
    assembly = or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.user)
    response = HttpResponse(documents.notice_pdf(assembly=assembly), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="convocazione-{assembly.pk}.pdf"'
    return response


# --- the assembly's page ------------------------------------------------------------------------
@coop_view(Action.VIEW_ASSEMBLIES)
def assembly_detail(request: HttpRequest, coop: Cooperative, assembly_id: int) -> HttpResponse:
    """The agenda, the live quorum, each motion with the caller's ballots while it is open and
    its result once closed, and the operators' and the board's actions for the stage it is at."""
    assembly = or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.user)
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
                "result_id": f"motion-{m.pk}-result",
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


# --- minutes ------------------------------------------------------------------------------------
@coop_view(Action.MANAGE_ASSEMBLIES)
def assembly_minutes(request: HttpRequest, coop: Cooperative, assembly_id: int) -> HttpResponse:
    """Write the minutes' narrative and signatures on the record the system generated."""
    minutes = or_404(
        selectors.minutes_visible, coop=coop, assembly_id=assembly_id, user=request.user
    )
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
        return redirect("decisions:assembly_minutes", coop.slug, minutes.assembly.pk)
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
    minutes = or_404(
        selectors.minutes_visible, coop=coop, assembly_id=assembly_id, user=request.user
    )
    act_and_flash(
        request,
        lambda: services.minutes_sign(actor=request.user, minutes=minutes),
        done=_("The minutes are signed and entered in the minute book."),
    )
    return redirect("decisions:assembly_minutes", coop.slug, minutes.assembly.pk)


@coop_view(Action.VIEW_ASSEMBLIES)
def minutes_pdf(request: HttpRequest, coop: Cooperative, assembly_id: int) -> HttpResponse:
    minutes = or_404(
        selectors.minutes_visible, coop=coop, assembly_id=assembly_id, user=request.user
    )
    response = HttpResponse(documents.minutes_pdf(minutes=minutes), content_type="application/pdf")
    name = f"verbale-{minutes.number}" if minutes.number else f"verbale-bozza-{minutes.assembly.pk}"
    response["Content-Disposition"] = f'inline; filename="{name}-{coop.slug}.pdf"'
    return response
