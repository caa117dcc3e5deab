"""The audit log, for roles holding VIEW_AUDIT; events carry only masked personal data."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from lindungi.web import forms
from lindungi.web import selectors as web_selectors
from lindungi.web.errors import actor, page, render_page


@page
def audit_list(request: HttpRequest) -> HttpResponse:
    form = forms.AuditFilterForm(request.GET)
    form.is_valid()  # a bad field is shown on the form; the valid ones still filter
    query = web_selectors.AuditQuery(**form.cleaned_data)
    result = web_selectors.audit_search(actor=actor(request), query=query)
    context = {"nav": "audit", "form": form, "page": result}
    return render_page(request, "web/audit/list.html", context)
