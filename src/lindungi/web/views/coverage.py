"""A worker's protection per programme and contributions month by month (an HTMX partial
of the worker's page)."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date

from lindungi.contributions import history
from lindungi.core import access
from lindungi.web.errors import actor, page, render_page


@page
def worker_contributions(request: HttpRequest, worker_id: int) -> HttpResponse:
    user = actor(request)
    on = _date(request.GET.get("on", "")) or timezone.localdate()
    statuses = history.worker_coverage(actor=user, worker_id=worker_id, on=on)
    months = (
        history.worker_contribution_history(actor=user, worker_id=worker_id)
        if access.has(user, access.VIEW_BILLING)
        else None
    )
    context = {"worker_id": worker_id, "on": on, "statuses": statuses, "months": months}
    return render_page(request, "web/coverage/worker.html", context)


def _date(text: str) -> date | None:
    try:
        return parse_date(text)
    except ValueError:
        return None
