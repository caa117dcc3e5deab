"""Key rotation: `pii_rotate` and `lindungi pii rotate|new-key` move old ciphertexts to the active
key in atomic, audited, resumable batches; the blind index never moves."""

from __future__ import annotations

import base64
import json
from datetime import date
from typing import Any

import pytest
from click.testing import CliRunner

from lindungi.accounts.models import User
from lindungi.cli import main
from lindungi.core import pii
from lindungi.core.errors import PermissionDenied
from lindungi.core.models import AuditEvent
from lindungi.registry.models import Worker
from lindungi.registry.services import WorkerInput, pii_rotate, worker_register
from lindungi.registry.services.pii_rotate import stale_count

OLD = "k1:" + base64.b64encode(b"o" * 32).decode()
NEW = "k2:" + base64.b64encode(b"n" * 32).decode()
INDEX_KEY = base64.b64encode(b"i" * 32).decode()
PEOPLE = [
    ("Budi Santoso", date(1985, 8, 12), "L", "6402011208850001", "081234567890"),
    ("Siti Aminah", date(1990, 3, 12), "P", "6402015203900002", ""),
    ("Rudi Hartono", date(1980, 1, 1), "L", "", "0812-1111-2222"),
    ("Tanpa Data", date(1975, 6, 1), "L", "", ""),  # nothing to encrypt, never selected
]


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def old_rows(settings: Any, admin: User) -> list[Worker]:
    """Four workers written under k1; then k2 becomes active with k1 kept second."""
    settings.PII_KEYS, settings.BLIND_INDEX_KEY = OLD, INDEX_KEY
    workers = [
        worker_register(
            data=WorkerInput(name, born, sex, "6402012001", nik=nik, phone=phone), actor=admin
        )
        for name, born, sex, nik, phone in PEOPLE
    ]
    settings.PII_KEYS = f"{NEW},{OLD}"
    return workers


def key_ids() -> list[tuple[str | None, str | None]]:
    rows = Worker.objects.order_by("pk").values_list("nik_enc", "phone_enc")
    return [tuple(pii.key_id_of(b) if b is not None else None for b in row) for row in rows]  # type: ignore[misc]


def plaintexts() -> list[tuple[str, str]]:
    out = []
    for w in Worker.objects.order_by("pk"):
        nik = pii.decrypt(w.nik_enc, field="nik") if w.nik_enc else ""
        phone = pii.decrypt(w.phone_enc, field="phone") if w.phone_enc else ""
        out.append((nik, phone))
    return out


EXPECTED_PLAIN = [
    ("6402011208850001", "+6281234567890"),
    ("6402015203900002", ""),
    ("", "+6281211112222"),
    ("", ""),
]


def rotation_events() -> list[dict[str, Any]]:
    return [e.after for e in AuditEvent.objects.filter(action="pii.rotate").order_by("pk")]  # type: ignore[misc]


def test_old_rows_still_decrypt_before_rotation(old_rows: list[Worker]) -> None:
    assert key_ids() == [("k1", "k1"), ("k1", None), (None, "k1"), (None, None)]
    assert plaintexts() == EXPECTED_PLAIN
    assert stale_count() == 3


def test_rotation_reencrypts_in_audited_batches(old_rows: list[Worker], admin: User) -> None:
    indexes = list(Worker.objects.order_by("pk").values_list("nik_index", flat=True))
    assert pii_rotate(actor=admin, batch_size=2) == 3
    assert key_ids() == [("k2", "k2"), ("k2", None), (None, "k2"), (None, None)]
    assert plaintexts() == EXPECTED_PLAIN
    assert list(Worker.objects.order_by("pk").values_list("nik_index", flat=True)) == indexes
    first, second = (w.pk for w in old_rows[:2]), old_rows[2].pk
    assert rotation_events() == [
        {"key_id": "k2", "workers": 2, "nik": 2, "phone": 1},
        {"key_id": "k2", "workers": 1, "nik": 0, "phone": 1},
    ]
    events = AuditEvent.objects.filter(action="pii.rotate").order_by("pk")
    assert [e.object_id for e in events] == ["{}-{}".format(*first), f"{second}-{second}"]
    assert {e.actor_id for e in events} == {admin.pk}


def test_rotation_twice_changes_nothing(old_rows: list[Worker], admin: User) -> None:
    pii_rotate(actor=admin)
    blobs = list(Worker.objects.order_by("pk").values_list("nik_enc", "phone_enc"))
    assert pii_rotate(actor=admin) == 0
    assert list(Worker.objects.order_by("pk").values_list("nik_enc", "phone_enc")) == blobs
    assert len(rotation_events()) == 1
    assert stale_count() == 0


def test_after_rotation_the_old_key_may_go(
    old_rows: list[Worker], admin: User, settings: Any
) -> None:
    pii_rotate(actor=admin)
    settings.PII_KEYS = NEW
    assert plaintexts() == EXPECTED_PLAIN


def test_an_interrupted_rotation_resumes_where_it_stopped(
    old_rows: list[Worker], admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    real, calls = pii.reencrypt, []

    def crash_on_third(blob: Any, **kw: Any) -> bytes:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("power cut")
        return real(blob, **kw)

    monkeypatch.setattr(pii, "reencrypt", crash_on_third)
    with pytest.raises(RuntimeError, match="power cut"):
        pii_rotate(actor=admin, batch_size=1)
    # The first batch (Budi: NIK and phone) committed; the second rolled back whole.
    assert key_ids() == [("k2", "k2"), ("k1", None), (None, "k1"), (None, None)]
    assert len(rotation_events()) == 1
    monkeypatch.setattr(pii, "reencrypt", real)
    assert pii_rotate(actor=admin, batch_size=1) == 2
    assert key_ids() == [("k2", "k2"), ("k2", None), (None, "k2"), (None, None)]
    assert [e["workers"] for e in rotation_events()] == [1, 1, 1]


@pytest.mark.parametrize("persona", ["branch_officer_kukar", "auditor"])
def test_rotation_is_for_administrators(
    persona: str, old_rows: list[Worker], request: pytest.FixtureRequest
) -> None:
    actor = request.getfixturevalue(persona)
    before = (key_ids(), AuditEvent.objects.count())
    with pytest.raises(PermissionDenied, match=r"core\.rotate_pii_keys"):
        pii_rotate(actor=actor)
    assert (key_ids(), AuditEvent.objects.count()) == before


def test_cli_rotate_reports_json(old_rows: list[Worker]) -> None:
    result = CliRunner().invoke(main, ["pii", "rotate", "--json", "--batch-size", "10"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"key_id": "k2", "rotated": 3, "remaining": 0}
    assert AuditEvent.objects.filter(action="pii.rotate").get().actor_label == "system"
    again = CliRunner().invoke(main, ["pii", "rotate"])
    assert again.output == (
        "0 peserta dienkripsi ulang dengan kunci k2; sisa 0 (re-encrypted; remaining)\n"
    )


def test_cli_new_key_prints_a_usable_key() -> None:
    result = CliRunner().invoke(main, ["pii", "new-key"])
    assert result.exit_code == 0
    key = result.output.strip()
    assert len(base64.b64decode(key, validate=True)) == 32
    assert pii.parse_keyring(f"k3:{key}", key).active_id == "k3"
