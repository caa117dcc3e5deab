"""One family of typed errors; web, API and CLI each map it to a response in one place."""

from __future__ import annotations

from collections.abc import Mapping


class LindungiError(Exception):
    """Base of every error a service or selector raises on purpose."""

    code = "error"
    http_status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "field": self.field}


class NotFound(LindungiError):  # noqa: N818 (the HTTP names read better)
    """The object does not exist, or lies outside the actor's scope: both read the same."""

    code = "not_found"
    http_status = 404

    def __init__(self, what: str = "object") -> None:
        super().__init__(f"{what} not found")


class PermissionDenied(LindungiError):  # noqa: N818
    """The actor's role lacks the named permission (checked before any lookup)."""

    code = "permission_denied"
    http_status = 403

    def __init__(self, permission: str) -> None:
        super().__init__(f"permission required: {permission}")
        self.permission = permission


class ValidationError(LindungiError):
    """Input broke a rule; `errors` maps each field to its messages."""

    code = "invalid"
    http_status = 422

    def __init__(self, errors: Mapping[str, list[str] | str]) -> None:
        self.errors: dict[str, list[str]] = {
            k: ([v] if isinstance(v, str) else list(v)) for k, v in errors.items()
        }
        first_field, first_msgs = next(iter(self.errors.items()), ("", [""]))
        super().__init__(
            "; ".join(f"{k}: {m}" for k, msgs in self.errors.items() for m in msgs),
            field=first_field or None,
        )
        self.first_message = first_msgs[0] if first_msgs else ""

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "errors": self.errors}


class Conflict(LindungiError):  # noqa: N818
    """The change collides with existing data (a duplicate NIK, an overlapping membership)."""

    code = "conflict"
    http_status = 409
