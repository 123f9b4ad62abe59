"""Pages of the register of offices: who are the directors and the members of the control body,
since when, and who were; appointing a member and ending an office."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comunitas.core.lookups import or_404
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, can, coop_view
from comunitas.core.submission import submit, submit_and_flash
from comunitas.members.offices import selectors, services
from comunitas.members.offices.forms import AppointForm, EndForm


def _page(request: HttpRequest, coop: Cooperative, form: AppointForm) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "coop": coop,
        "register": selectors.office_list(coop=coop, today=today),
        "form": form,
        "today": today,
        "can_manage": can(request.user, coop, Action.MANAGE_MEMBERS),
    }
    return render(request, "members/offices/list.html", context)


@coop_view(Action.VIEW_MEMBERS)
def office_list(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    form = AppointForm(coop=coop, initial={"started_on": timezone.localdate()})
    return _page(request, coop, form)


@require_POST
@coop_view(Action.MANAGE_MEMBERS)
def office_appoint(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """The appointment; on a refusal, the page again with the errors next to the fields."""
    form = AppointForm(request.POST, coop=coop)
    office = submit(
        request,
        form,
        lambda: services.office_appoint(actor=request.user, coop=coop, **form.cleaned_data),
    )
    if office is None:
        return _page(request, coop, form)
    messages.success(
        request,
        _("The appointment of %(who)s is recorded: they may no longer hold proxies.")
        % {"who": office.member.display_name},
    )
    return redirect("members:office_list", coop.slug)


@require_POST
@coop_view(Action.MANAGE_MEMBERS)
def office_end(request: HttpRequest, coop: Cooperative, office_id: int) -> HttpResponse:
    office = or_404(selectors.office_get, coop=coop, pk=office_id)
    form = EndForm(request.POST)
    submit_and_flash(
        request,
        form,
        lambda: services.office_end(
            actor=request.user,
            office=office,
            ended_on=form.cleaned_data["ended_on"],
            reference=form.cleaned_data["reference"],
        ),
        done=_("The office is ended; the register keeps it."),
        failed=_("The office could not be ended."),
    )
    return redirect("members:office_list", coop.slug)
