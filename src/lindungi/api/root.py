from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from lindungi.core.errors import LindungiError

api = NinjaAPI(title="Lindungi API", version="1", urls_namespace="api")


@api.exception_handler(LindungiError)
def _lindungi_error(request: HttpRequest, exc: LindungiError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.http_status)
