"""Pages of the member book's outputs: the register (libro soci, art. 2421 c.c.) on any date, as a
page, CSV, XLSX or PDF, and a member's certificate."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from comunitas.core.errors import ValidationError
from comunitas.core.lookups import or_404
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, can, coop_view
from comunitas.members.book import selectors as book_selectors
from comunitas.members.outputs import documents
from comunitas.members.outputs.downloads import register_spreadsheet

PAGE_SIZE = 100


# --- the register -------------------------------------------------------------------------------
class RegisterDateForm(forms.Form):
    on = forms.DateField(
        label=gettext_lazy("Register on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


@require_GET
@coop_view(Action.VIEW_MEMBERS)
def register_page(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """The book on a date, a page at a time. Queries, whatever the size of the book: the
    session and the user, the cooperative, the roles, the count, the page (holdings and
    territory as subqueries), the members on the date and the capital."""
    form = RegisterDateForm(request.GET or None)
    day = timezone.localdate()
    if not form.is_bound:
        form = RegisterDateForm(initial={"on": day})
    elif form.is_valid():
        day = form.cleaned_data["on"] or day
    else:
        day = None  # the form shows what is wrong with the date
    context: dict = {"coop": coop, "form": form, "day": day}
    if day is not None:
        page = Paginator(book_selectors.register(coop=coop, on_date=day), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context.update(
            page_obj=page,
            entries=[documents.entry(member, day) for member in page],
            pdf_allowed=page.paginator.count <= documents.PDF_WEB_MAX_ROWS,
            pdf_limit=documents.PDF_WEB_MAX_ROWS,
            may_import=can(request.user, coop, Action.DECIDE_MEMBERS),
            **documents.register_summary(coop=coop, on_date=day),
        )
    return render(request, "members/outputs/register.html", context)


@require_GET
@coop_view(Action.VIEW_MEMBERS)
def register_download(request: HttpRequest, coop: Cooperative, fmt: str) -> HttpResponse:
    """The book on ``?on=`` (today by default) as CSV, XLSX or PDF."""
    try:
        day = documents.parse_day(request.GET.get("on"))
    except ValidationError as exc:
        messages.error(request, str(exc))
        return redirect("members:register", coop.slug)
    if fmt in ("csv", "xlsx"):
        return register_spreadsheet(coop, day, fmt)
    entries = book_selectors.register(coop=coop, on_date=day).count()
    if entries > documents.PDF_WEB_MAX_ROWS:
        messages.warning(
            request,
            _(
                "The book has %(n)s entries on this date: the PDF is made for up to %(max)s. "
                "Download the XLSX, or run: comunitas members export --coop %(slug)s "
                "--format pdf --on %(day)s"
            )
            % {"n": entries, "max": documents.PDF_WEB_MAX_ROWS, "slug": coop.slug, "day": day},
        )
        return redirect(reverse("members:register", args=[coop.slug]) + f"?on={day}")
    pdf = documents.register_pdf(coop=coop, on_date=day, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{documents.file_name(coop, day, fmt)}"'
    )
    return response


@require_GET
@coop_view(Action.VIEW_MEMBERS)
def certificate(request: HttpRequest, coop: Cooperative, member_id: int) -> HttpResponse:
    member = or_404(book_selectors.registered_member_get, coop=coop, pk=member_id)
    response = HttpResponse(documents.certificate_pdf(member), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="certificato-socio-{member.number}-{coop.slug}.pdf"'
    )
    return response
