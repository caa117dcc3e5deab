"""Screens: programs."""

from django.urls import URLPattern, path

from lindungi.web.views import programs

urlpatterns: list[URLPattern] = [
    # returned files, renewal, refill (lifecycle)
    # eligible still unprotected (unprotected)
    path("programs/", programs.programme_list, name="programmes"),
    path("programs/new/", programs.programme_create, name="programme_create"),
    path("programs/planner/", programs.programme_planner, name="programme_planner"),
    path("programs/<int:programme_id>/", programs.programme_detail, name="programme"),
    path(
        "programs/<int:programme_id>/transition/",
        programs.programme_transition,
        name="programme_transition",
    ),
    path("programs/<int:programme_id>/select/", programs.programme_select, name="programme_select"),
    path(
        "programs/<int:programme_id>/candidates/",
        programs.programme_candidates,
        name="programme_candidates",
    ),
    path("programs/<int:programme_id>/enrol/", programs.programme_enrol, name="programme_enrol"),
    path(
        "programs/<int:programme_id>/batches/<int:batch_id>/xlsx/",
        programs.programme_batch_xlsx,
        name="programme_batch_xlsx",
    ),
]
