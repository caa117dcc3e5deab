"""The home page: who I am, where I work, what is in my scope."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from lindungi.registry import selectors
from lindungi.web import selectors as web_selectors
from lindungi.web.errors import actor, page, render_page


@page
def home(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    context = {
        "nav": "home",
        "counts": selectors.registry_counts(actor=user),
        "scope_regions": web_selectors.regions_named(user.region_prefixes),
    }
    return render_page(request, "web/home.html", context)
