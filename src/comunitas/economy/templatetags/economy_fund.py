"""What the community reinvestment fund gave a project, for the project's public page.

A template tag rather than context from the projects view: projects sit below the economy and
must not import it (ARCHITECTURE.md), so the economy draws its own section there."""

from __future__ import annotations

from django import template

from comunitas.economy.fund import selectors as fund_selectors

register = template.Library()


@register.inclusion_tag("economy/fund/project.html", takes_context=True)
def project_fund(context, project) -> dict:
    return {"coop": context["coop"], "fund_rows": fund_selectors.project_earmarks(project=project)}
