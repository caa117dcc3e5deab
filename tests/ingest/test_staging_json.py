"""Staged values as compact JSON: the row encoder writes what json.dumps would."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lindungi.ingest import staging

VALUES: list[Any] = [
    {"full_name": "Siti Nur'aini", "birth_date": "1985-08-17", "welfare_decile": 3},
    {"full_name": 'Ñoman "Pak" Ketut', "occupation_code": None, "village_role": ""},
    [{"column": "NIK", "value": "6.40212E+15", "level": "warning"}],
    {"nested": {"a": [1, 2.5, True, False, None]}, "emoji": "Desa Ağu ✓"},
    [],
    "",
    "a\nb\t\u0000c",
]


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@pytest.mark.parametrize("value", VALUES)
def test_the_row_encoder_writes_what_json_dumps_writes(value: Any) -> None:
    assert staging.as_json(value) == _dumps(value)
    assert json.loads(staging.as_json(value)) == value


@pytest.mark.parametrize("value", VALUES)
def test_without_the_c_accelerator_the_plain_encoder_serves(
    value: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(json.encoder, "c_make_encoder", None)
    assert staging._row_encoder()(value) == _dumps(value)


def test_a_value_json_cannot_hold_is_refused() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        staging.as_json({"when": object()})
