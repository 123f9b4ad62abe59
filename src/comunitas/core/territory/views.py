"""Web pages of the territory: the municipality search and the suggestions of a municipality text
box."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from comunitas.core.territory import selectors


# --- territory ----------------------------------------------------------------------------------
def territory(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    results = selectors.municipality_search(query, limit=50) if query.strip() else []
    partial = request.headers.get("HX-Request") == "true"
    template = "core/_municipality_results.html" if partial else "core/territory.html"
    return render(request, template, {"q": query, "results": results})


def municipality_suggest(request: HttpRequest) -> HttpResponse:
    """<option>s for a municipality text box's datalist (the box sends its own name)."""
    query = next(iter(request.GET.values()), "")[:100]
    results = selectors.municipality_search(query, limit=12) if len(query) >= 2 else []
    return render(request, "core/_municipality_options.html", {"results": results})
