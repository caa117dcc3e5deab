"""Screens: billing runs, invoices and payer statements (contributions)."""

from django.urls import URLPattern, path

from lindungi.web.views import billing

urlpatterns: list[URLPattern] = [
    path("billing/runs/", billing.run_list, name="billing_runs"),
    path("billing/runs/request/", billing.run_request, name="billing_run_request"),
    path("billing/runs/<int:run_id>/", billing.run_detail, name="billing_run"),
    path("billing/runs/<int:run_id>/progress/", billing.run_progress, name="billing_run_progress"),
    path("billing/invoices/", billing.invoice_list, name="invoices"),
    path("billing/invoices/<int:invoice_id>/", billing.invoice_detail, name="invoice"),
    path(
        "billing/payers/<int:payer_id>/statement/",
        billing.payer_statement_page,
        name="payer_statement",
    ),
]
