"""Screens: payments, the import report, the unmatched queue, arrears and coverage history."""

from django.urls import URLPattern, path

from lindungi.web.views import arrears, coverage, payments

urlpatterns: list[URLPattern] = [
    path("payments/", payments.payment_list, name="payments"),
    path("payments/new/", payments.payment_create, name="payment_create"),
    path("payments/import/", payments.import_create, name="payment_import"),
    path(
        "payments/imports/<int:import_id>/",
        payments.import_report,
        name="payment_import_report",
    ),
    path("payments/unmatched/", payments.unmatched_queue, name="payments_unmatched"),
    path("payments/<int:payment_id>/", payments.payment_detail, name="payment"),
    path("payments/<int:payment_id>/reverse/", payments.payment_reverse, name="payment_reverse"),
    path("payments/<int:payment_id>/match/", payments.payment_match, name="payment_match"),
    path(
        "payments/<int:payment_id>/match/submit/",
        payments.payment_match_submit,
        name="payment_match_submit",
    ),
    path("arrears/", arrears.arrears_by_region, name="arrears_regions"),
    path("arrears/payers/", arrears.arrears_by_payer, name="arrears_payers"),
    path(
        "workers/<int:worker_id>/contributions/",
        coverage.worker_contributions,
        name="worker_contributions",
    ),
]
