"""Screens: ingest (worker list imports and clerical review)."""

from django.urls import URLPattern, path

from lindungi.web.views import ingest, ingest_review

urlpatterns: list[URLPattern] = [
    path("imports/", ingest.import_list, name="imports"),
    path("imports/upload/", ingest.import_upload, name="import_upload"),
    path("imports/preview/<str:token>/", ingest.import_preview, name="import_preview"),
    path("imports/reviews/", ingest_review.review_list, name="import_reviews"),
    path("imports/reviews/<int:item_id>/", ingest_review.review_detail, name="import_review"),
    path("imports/<int:job_id>/", ingest.import_detail, name="import"),
    path("imports/<int:job_id>/problems.xlsx", ingest.import_problems, name="import_problems"),
    path("imports/<int:job_id>/undo/", ingest.import_undo, name="import_undo"),
]
