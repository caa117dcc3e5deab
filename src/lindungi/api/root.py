"""The one NinjaAPI under /api/v1/: authentication, the domain routers, and every error's shape.

Every error body is {code, message} plus `field` or per-field `errors`, whatever raised it: a
service (the LindungiError family), ninja's own input validation, or authentication.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError

from lindungi.accounts.api import router as accounts_router
from lindungi.analytics.api import router as analytics_router
from lindungi.api.auth import session_auth, token_auth
from lindungi.compliance.api import router as compliance_router
from lindungi.contributions.api import router as contributions_router
from lindungi.core.errors import LindungiError
from lindungi.donations.api import router as donations_router
from lindungi.ingest.api import router as ingest_router
from lindungi.programs.api import router as programs_router
from lindungi.programs.api_lifecycle import router as programs_lifecycle_router
from lindungi.programs.api_unprotected import router as programs_unprotected_router
from lindungi.reference.api import router as reference_router
from lindungi.registry.api import router as registry_router

api = NinjaAPI(
    title="Lindungi API",
    version="1",
    description=(
        "Registry of workers, employers and memberships, and the reference data behind it. "
        "Authenticate with `Authorization: Bearer lgi_…` (systems) or the web session "
        "(browser; unsafe methods need the X-CSRFToken header). See docs/api.md."
    ),
    urls_namespace="api",
    auth=[token_auth, session_auth],
)
api.add_router("", accounts_router)
api.add_router("", registry_router)
api.add_router("", reference_router)
api.add_router("", contributions_router)
api.add_router("", ingest_router)
api.add_router("", programs_router)
api.add_router("", programs_lifecycle_router)
api.add_router("", programs_unprotected_router)
api.add_router("", donations_router)
api.add_router("", compliance_router)
api.add_router("", analytics_router)

# Parameter sources ninja puts first in an error's location; the field follows them.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}
_HTTP_CODES = {401: "unauthenticated", 403: "forbidden", 405: "method_not_allowed"}


def _field_of(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in _SOURCES:
        source, parts = parts[0], parts[1:]
        if source == "body" and len(parts) > 1:
            parts = parts[1:]  # the view's parameter name, not part of the JSON the caller sent
    return ".".join(parts) or "body"


@api.exception_handler(LindungiError)
def _lindungi_error(request: HttpRequest, exc: LindungiError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.http_status)


@api.exception_handler(SchemaError)
def _schema_error(request: HttpRequest, exc: SchemaError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        errors.setdefault(_field_of(error.get("loc", ())), []).append(str(error.get("msg", "")))
    message = "; ".join(f"{field}: {msg}" for field, msgs in errors.items() for msg in msgs)
    body = {"code": "invalid", "message": message, "errors": errors}
    return api.create_response(request, body, status=422)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body = {
        "code": "unauthenticated",
        "message": "Autentikasi diperlukan (authentication required)",
        "field": None,
    }
    response = api.create_response(request, body, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    body = {
        "code": _HTTP_CODES.get(exc.status_code, "error"),
        "message": exc.message,
        "field": None,
    }
    return api.create_response(request, body, status=exc.status_code)
