"""Who is calling: a system with a bearer token, or the logged-in web user with a session.

Both resolve to the same accounts.User. A request that presents a bearer token is judged on
that token alone: a bad one is 401 and never falls through to the session cookie.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from lindungi.accounts.models import User
from lindungi.accounts.services import token_authenticate


class TokenAuth(HttpBearer):
    """`Authorization: Bearer lgi_…`, checked by accounts.services.token_authenticate."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = token_authenticate(token.strip())
        if user is None:
            # Unknown, revoked and expired tokens all read the same.
            raise AuthenticationError()
        request.user = user
        return user


class SessionCsrfAuth(SessionAuth):
    """The web session; unsafe methods also need the CSRF token (header X-CSRFToken)."""

    def __call__(self, request: HttpRequest) -> User | None:
        # Anonymous callers get 401, not the 403 a failed CSRF check would give them.
        if not request.user.is_authenticated:
            return None
        user: User | None = super().__call__(request)
        return user


token_auth = TokenAuth()
session_auth = SessionCsrfAuth(csrf=True)
