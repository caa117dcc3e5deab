"""core.errors: one family of typed errors with the fields each interface needs."""

from __future__ import annotations

import pytest

from lindungi.core.errors import (
    Conflict,
    LindungiError,
    NotFound,
    PermissionDenied,
    ValidationError,
)


@pytest.mark.parametrize(
    ("error", "code", "status", "message"),
    [
        (NotFound("worker"), "not_found", 404, "worker not found"),
        (NotFound(), "not_found", 404, "object not found"),
        (PermissionDenied("registry.view_worker"), "permission_denied", 403,
         "permission required: registry.view_worker"),
        (Conflict("NIK sudah terdaftar", field="nik"), "conflict", 409, "NIK sudah terdaftar"),
        (LindungiError("salah"), "error", 400, "salah"),
    ],
)  # fmt: skip
def test_error_codes_and_messages(
    error: LindungiError, code: str, status: int, message: str
) -> None:
    assert isinstance(error, LindungiError)
    assert (error.code, error.http_status, error.message, str(error)) == (
        code,
        status,
        message,
        message,
    )
    assert error.as_dict() == {"code": code, "message": message, "field": error.field}


def test_validation_error_lists_every_field() -> None:
    error = ValidationError({"nik": "NIK harus 16 digit", "sex": ["Harus L atau P", "Wajib"]})
    assert error.errors == {"nik": ["NIK harus 16 digit"], "sex": ["Harus L atau P", "Wajib"]}
    assert (error.field, error.first_message, error.http_status) == (
        "nik",
        "NIK harus 16 digit",
        422,
    )
    assert str(error) == "nik: NIK harus 16 digit; sex: Harus L atau P; sex: Wajib"
    assert error.as_dict() == {"code": "invalid", "message": str(error), "errors": error.errors}


def test_validation_error_without_fields() -> None:
    error = ValidationError({})
    assert (error.errors, error.field, error.first_message, str(error)) == ({}, None, "", "")


def test_permission_denied_names_the_permission() -> None:
    assert PermissionDenied("core.view_audit").permission == "core.view_audit"
