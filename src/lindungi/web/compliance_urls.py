"""Screens: compliance."""

from django.urls import URLPattern, path

from lindungi.web.views import compliance as views

urlpatterns: list[URLPattern] = [
    path("compliance/", views.finding_list, name="compliance"),
    path("compliance/run/", views.crosscheck, name="compliance_run"),
    path("compliance/import/", views.import_data, name="compliance_import"),
    path(
        "compliance/findings/<int:finding_id>/case/", views.case_open, name="compliance_case_open"
    ),
    path("compliance/cases/", views.case_list, name="compliance_cases"),
    path("compliance/cases/<int:case_id>/", views.case_detail, name="compliance_case"),
    path(
        "compliance/cases/<int:case_id>/action/", views.case_action, name="compliance_case_action"
    ),
    path("compliance/letters/<int:letter_id>.pdf", views.letter_pdf, name="compliance_letter"),
    path(
        "compliance/attachments/<int:attachment_id>/",
        views.attachment,
        name="compliance_attachment",
    ),
    path("compliance/workload/", views.workload, name="compliance_workload"),
]
