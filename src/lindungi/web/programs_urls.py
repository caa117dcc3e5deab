"""Screens: programs."""

from django.urls import URLPattern, path

from lindungi.web.views import programs, programs_lifecycle, programs_unprotected

urlpatterns: list[URLPattern] = [
    # returned files, renewal, refill (lifecycle)
    path(
        "programs/<int:programme_id>/returns/",
        programs_lifecycle.programme_returns,
        name="programme_returns",
    ),
    path(
        "programs/<int:programme_id>/returns/<int:import_id>/",
        programs_lifecycle.programme_return,
        name="programme_return",
    ),
    path(
        "programs/<int:programme_id>/refill/",
        programs_lifecycle.programme_refill,
        name="programme_refill",
    ),
    path(
        "programs/<int:programme_id>/renew/",
        programs_lifecycle.programme_renew,
        name="programme_renew",
    ),
    # eligible still unprotected (unprotected)
    path(
        "programs/planner/unprotected/",
        programs_unprotected.programme_unprotected,
        name="programme_unprotected",
    ),
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
