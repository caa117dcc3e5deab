"""The one place where the web turns typed errors into pages and form errors.

`page` wraps every view: anonymous users go to the login page, NotFound becomes the 404 page,
PermissionDenied the 403 page, a stray ValidationError or Conflict a 400/409 page with its
message. `on_form` wraps a service call made from a bound form: a ValidationError puts each
message under its field, a Conflict puts its message on the form, and the view re-renders it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import wraps
from typing import Any, Concatenate, ParamSpec, cast

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from lindungi.accounts.models import User
from lindungi.core.errors import (
    Conflict,
    LindungiError,
    NotFound,
    PermissionDenied,
    ValidationError,
)

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponse]

TITLES = {
    400: _("Data tidak valid"),
    403: _("Akses ditolak"),
    404: _("Tidak ditemukan"),
    409: _("Konflik data"),
}
EXPLANATIONS = {
    400: _("Permintaan tidak dapat diproses."),
    403: _("Peran Anda tidak memiliki izin untuk halaman atau tindakan ini."),
    404: _("Data yang Anda cari tidak ada atau berada di luar wilayah cakupan Anda."),
    409: _("Perubahan bertabrakan dengan data yang sudah ada."),
}


def actor(request: HttpRequest) -> User:
    """The logged-in user as the services' actor (`page` has already refused anonymous users)."""
    return cast(User, request.user)


def render_page(
    request: HttpRequest, template: str, context: Mapping[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """Render with what every page needs: `perms_of`, the actor the permission filter asks about."""
    full = {"perms_of": request.user, **(context or {})}
    return render(request, template, full, status=status)


def error_page(request: HttpRequest, status: int, detail: str = "") -> HttpResponse:
    context = {
        "status": status,
        "title": TITLES[status],
        "explanation": EXPLANATIONS[status],
        "detail": detail,
    }
    return render_page(request, "web/error.html", context, status=status)


def page(view: View[P]) -> View[P]:
    """Require a login and map the service layer's typed errors to error pages."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            return error_page(request, 404)
        except PermissionDenied:
            return error_page(request, 403)
        except ValidationError as exc:
            return error_page(request, 400, exc.message)
        except Conflict as exc:
            return error_page(request, 409, exc.message)

    return wrapped  # type: ignore[return-value]


def add_errors(form: forms.Form, exc: LindungiError, aliases: Mapping[str, str]) -> None:
    """Put a service error's messages under the form fields they belong to."""
    if isinstance(exc, ValidationError):
        items = exc.errors.items()
    else:
        items = [(exc.field or "", [exc.message])]  # type: ignore[assignment]
    for key, messages in items:
        name = aliases.get(key, key)
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message if target or not key else f"{key}: {message}")


@contextmanager
def on_form(form: forms.Form, aliases: Mapping[str, str] | None = None) -> Iterator[None]:
    """Run a service call for a form; its ValidationError/Conflict become the form's errors.

    Used as `with on_form(form): ...; return redirect(...)` followed by re-rendering the form,
    which is reached only when the service refused the input.
    """
    try:
        yield
    except (ValidationError, Conflict) as exc:
        add_errors(form, exc, aliases or getattr(form, "error_aliases", {}))


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """`handler404` for URLs no view answers (set in lindungi/urls.py)."""
    return error_page(request, 404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """`handler403` for Django's own refusals (set in lindungi/urls.py)."""
    return error_page(request, 403)
