"""The assembly's documents as PDF (WeasyPrint, from the same templates as the pages): the
convocation notice (avviso di convocazione) and the minutes (verbale), signed or in draft."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from comunitas.decisions.assemblies import selectors
from comunitas.decisions.models import Assembly, Minutes


def _pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def notice_pdf(*, assembly: Assembly) -> bytes:
    context = selectors.notice_context(assembly=assembly)
    return _pdf(render_to_string("decisions/assemblies/notice_pdf.html", context))


def minutes_html(*, minutes: Minutes) -> str:
    """Signed minutes as they were frozen when signed; a draft from today's record."""
    if minutes.is_signed:
        return mark_safe(minutes.record_html)  # noqa: S308 - rendered by our own template, escaped there
    record = selectors.minutes_record(assembly=minutes.assembly, minutes=minutes)
    return render_to_string("decisions/assemblies/_record.html", record)


def minutes_pdf(*, minutes: Minutes) -> bytes:
    context = {"coop": minutes.coop, "minutes": minutes, "record": minutes_html(minutes=minutes)}
    return _pdf(render_to_string("decisions/assemblies/minutes_pdf.html", context))
