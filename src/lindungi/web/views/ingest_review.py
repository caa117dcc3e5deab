"""Clerical review of linkage: the queue, and one item with both records side by side."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lindungi.ingest import selectors, services
from lindungi.ingest.services.review import allowed
from lindungi.web.errors import actor, page, render_page


@page
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    job = request.GET.get("job", "")
    items = selectors.review_list(
        actor=actor(request), job_id=int(job) if job.isdigit() else None, limit=100
    )
    context = {"nav": "ingest", "items": items, "job": job}
    return render_page(request, "web/ingest/reviews.html", context)


@page
@require_http_methods(["GET", "POST"])
def review_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    user = actor(request)
    if request.method == "POST":
        services.review_decide(
            item_id=item_id,
            decision=request.POST.get("decision", ""),
            actor=user,
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("Keputusan tersimpan."))
        following = selectors.review_list(actor=user, limit=1)
        if following:
            return redirect("web:import_review", item_id=following[0].pk)
        return redirect("web:import_reviews")
    item = selectors.review_get(actor=user, item_id=item_id)
    context = {
        "nav": "ingest",
        "item": item,
        "lines": selectors.side_by_side(item),
        "decisions": allowed(item),
        "duplicates": [r.line for r in selectors.duplicates_of(item.row)],
    }
    return render_page(request, "web/ingest/review.html", context)
