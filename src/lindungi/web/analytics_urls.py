"""Screens: analytics (dashboards, reports) and the public pages (no login)."""

from django.urls import URLPattern, path

from lindungi.web.views import analytics, public

urlpatterns: list[URLPattern] = [
    path("analytics/", analytics.dashboard_home, name="analytics"),
    path("analytics/<str:code>/", analytics.dashboard, name="analytics_region"),
    path("analytics/<str:code>/export.xlsx", analytics.export_xlsx, name="analytics_xlsx"),
    path("analytics/<str:code>/report.pdf", analytics.report_pdf, name="analytics_pdf"),
    path("publik/", public.figures, name="public_figures"),
    path("publik/<str:code>/", public.figures, name="public_region"),
    path("cek-perlindungan/", public.self_check, name="self_check"),
]
