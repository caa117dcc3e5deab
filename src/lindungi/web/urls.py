from django.contrib.auth import views as auth_views
from django.urls import include, path

from lindungi.web.views import audit, employers, home, memberships, regions, workers

app_name = "web"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", home.home, name="home"),
    path("workers/", workers.worker_list, name="workers"),
    path("workers/new/", workers.worker_create, name="worker_create"),
    path("workers/<int:worker_id>/", workers.worker_detail, name="worker"),
    path("workers/<int:worker_id>/edit/", workers.worker_edit, name="worker_edit"),
    path("workers/<int:worker_id>/reveal/", workers.worker_reveal, name="worker_reveal"),
    path(
        "workers/<int:worker_id>/memberships/start/",
        memberships.membership_start,
        name="membership_start",
    ),
    path(
        "workers/<int:worker_id>/memberships/end/",
        memberships.membership_end,
        name="membership_end",
    ),
    path("employers/", employers.employer_list, name="employers"),
    path("employers/new/", employers.employer_create, name="employer_create"),
    path("employers/<int:employer_id>/", employers.employer_detail, name="employer"),
    path("employers/<int:employer_id>/edit/", employers.employer_edit, name="employer_edit"),
    path("audit/", audit.audit_list, name="audit"),
    path("regions/picker/", regions.village_picker, name="village_picker"),
    path("", include("lindungi.web.billing_urls")),
    path("", include("lindungi.web.payments_urls")),
    path("", include("lindungi.web.ingest_urls")),
    path("", include("lindungi.web.programs_urls")),
    path("", include("lindungi.web.donations_urls")),
    path("", include("lindungi.web.compliance_urls")),
    path("", include("lindungi.web.analytics_urls")),
]
