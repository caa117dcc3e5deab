from django.contrib import admin
from django.urls import include, path

from lindungi.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("lindungi.web.urls")),
]

handler404 = "lindungi.web.errors.not_found"
handler403 = "lindungi.web.errors.forbidden"
