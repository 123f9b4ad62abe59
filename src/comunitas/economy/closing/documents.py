"""A member's ristorno statement as PDF (WeasyPrint), from the same template as its page."""

from __future__ import annotations

from django.template.loader import render_to_string

from comunitas.economy.closing import selectors
from comunitas.economy.models import Ristorno


def statement_html(*, ristorno: Ristorno) -> str:
    context = {**selectors.statement(ristorno=ristorno), "printable": True}
    return render_to_string("economy/closing/statement_pdf.html", context)


def statement_pdf(*, ristorno: Ristorno) -> bytes:
    from weasyprint import HTML

    return HTML(string=statement_html(ristorno=ristorno)).write_pdf()


def statement_filename(ristorno: Ristorno) -> str:
    closing = ristorno.plan.closing
    return (
        f"ristorno-{closing.year}-{closing.coop.slug}-{ristorno.member.number or ristorno.pk}.pdf"
    )
