"""The chained province → regency → district → village selects, re-rendered by HTMX."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from lindungi.web import selectors as web_selectors
from lindungi.web.errors import actor, page, render_page


@page
def village_picker(request: HttpRequest) -> HttpResponse:
    chosen = {level: request.GET.get(level, "") for level in web_selectors.CHAIN[:-1]}
    chosen["village"] = request.GET.get("village_code", "")
    picker = web_selectors.village_picker(actor=actor(request), chosen=chosen)
    return render_page(request, "web/partials/village_picker.html", {"picker": picker})
