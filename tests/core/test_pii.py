"""Personal data at rest (UU 27/2022): AES-GCM bound to the field, keyed blind index, masking,
and the proof that no plaintext NIK or phone reaches any column of the database."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from cryptography.exceptions import InvalidTag
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from lindungi.accounts.models import User
from lindungi.core import pii
from lindungi.registry.services import WorkerInput, worker_correct, worker_register, worker_reveal

KEY_1 = base64.b64encode(bytes(range(32))).decode()
KEY_2 = base64.b64encode(bytes(range(32, 64))).decode()
INDEX_KEY = base64.b64encode(b"i" * 32).decode()
OTHER_INDEX_KEY = base64.b64encode(b"j" * 32).decode()
NIK = "6402011208850012"
BULLETS = "\u2022" * 8


@pytest.fixture
def ring() -> pii.Keyring:
    return pii.parse_keyring(f"k1:{KEY_1}", INDEX_KEY)


@pytest.mark.parametrize(
    ("value", "field"),
    [(NIK, "nik"), ("+6281234567890", "phone"), ("", "nik"), ("Ñoño - ü", "phone")],
)
def test_encrypt_decrypt_roundtrip(value: str, field: str, ring: pii.Keyring) -> None:
    blob = pii.encrypt(value, field=field, ring=ring)
    assert pii.decrypt(blob, field=field, ring=ring) == value
    assert pii.decrypt(memoryview(blob), field=field, ring=ring) == value


def test_ciphertext_layout_names_its_key_and_is_never_repeated(ring: pii.Keyring) -> None:
    one, two = (pii.encrypt(NIK, field="nik", ring=ring) for _ in range(2))
    assert one[:3] == pii.key_prefix("k1") == b"\x02k1"
    assert pii.key_id_of(one) == "k1"
    assert len(one) == 3 + 12 + len(NIK) + 16  # prefix, nonce, ciphertext, GCM tag
    assert one != two  # fresh nonce each time: equal NIKs do not look equal at rest
    assert NIK.encode() not in one


def test_a_nik_ciphertext_cannot_be_read_as_a_phone(ring: pii.Keyring) -> None:
    blob = pii.encrypt(NIK, field="nik", ring=ring)
    with pytest.raises(InvalidTag):
        pii.decrypt(blob, field="phone", ring=ring)


def test_a_tampered_ciphertext_is_refused(ring: pii.Keyring) -> None:
    blob = bytearray(pii.encrypt(NIK, field="nik", ring=ring))
    blob[-1] ^= 1
    with pytest.raises(InvalidTag):
        pii.decrypt(bytes(blob), field="nik", ring=ring)


def test_an_old_key_second_in_the_ring_still_decrypts(ring: pii.Keyring) -> None:
    old_blob = pii.encrypt(NIK, field="nik", ring=ring)
    rotated = pii.parse_keyring(f"k2:{KEY_2}, k1:{KEY_1}", INDEX_KEY)
    assert rotated.active_id == "k2"
    assert pii.decrypt(old_blob, field="nik", ring=rotated) == NIK
    new_blob = pii.reencrypt(old_blob, field="nik", ring=rotated)
    assert pii.key_id_of(new_blob) == "k2"
    only_new = pii.parse_keyring(f"k2:{KEY_2}", INDEX_KEY)
    assert pii.decrypt(new_blob, field="nik", ring=only_new) == NIK
    with pytest.raises(ImproperlyConfigured, match="PII key 'k1' is not in LINDUNGI_PII_KEYS"):
        pii.decrypt(old_blob, field="nik", ring=only_new)


def test_the_same_key_id_with_another_key_is_refused(ring: pii.Keyring) -> None:
    blob = pii.encrypt(NIK, field="nik", ring=ring)
    impostor = pii.parse_keyring(f"k1:{KEY_2}", INDEX_KEY)
    with pytest.raises(InvalidTag):
        pii.decrypt(blob, field="nik", ring=impostor)


def test_blind_index_is_deterministic_keyed_and_per_field(ring: pii.Keyring) -> None:
    index = pii.blind_index(NIK, field="nik", ring=ring)
    assert len(index) == 32
    assert int(index, 16) >= 0
    assert pii.blind_index(f" {NIK} ", field="nik", ring=ring) == index
    assert pii.blind_index(NIK, field="phone", ring=ring) != index
    other = pii.parse_keyring(f"k1:{KEY_1}", OTHER_INDEX_KEY)
    assert pii.blind_index(NIK, field="nik", ring=other) != index
    # The encryption key plays no part: rotating it leaves every index as it was.
    rotated = pii.parse_keyring(f"k2:{KEY_2},k1:{KEY_1}", INDEX_KEY)
    assert pii.blind_index(NIK, field="nik", ring=rotated) == index
    assert NIK not in index


def test_blind_index_is_hmac_sha256_of_field_and_value_cut_to_128_bits(ring: pii.Keyring) -> None:
    """Pinned: every stored index depends on it, so how it is computed may never change it."""
    assert pii.blind_index(NIK, field="nik", ring=ring) == "ed149a163e169d3c107f48826ad0997a"
    # the keyed MAC is copied per value, never updated in place: a second value is unaffected
    assert pii.blind_index("6402011208850013", field="nik", ring=ring) != pii.blind_index(
        NIK, field="nik", ring=ring
    )
    assert pii.blind_index(NIK, field="nik", ring=ring) == "ed149a163e169d3c107f48826ad0997a"


@pytest.mark.parametrize(
    ("nik", "masked"),
    [
        ("6402011208850012", f"6402{BULLETS}0012"),
        ("6112015208850002", f"6112{BULLETS}0002"),
        ("640201", "\u2022" * 6),  # not a NIK: nothing shown
        ("", ""),
    ],
)
def test_mask_nik(nik: str, masked: str) -> None:
    assert pii.mask_nik(nik) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("+6281234567890", "+62812\u2022\u2022\u2022\u2022\u2022890"),
        ("+62541123456", "+62541\u2022\u2022\u2022456"),
        ("0812345", "\u2022" * 7),
    ],
)
def test_mask_phone(phone: str, masked: str) -> None:
    assert pii.mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("keys", "index_key", "message"),
    [
        ("k1", INDEX_KEY, "LINDUNGI_PII_KEYS entries must look like 'keyid:base64'"),
        (f":{KEY_1}", INDEX_KEY, "LINDUNGI_PII_KEYS entries must look like 'keyid:base64'"),
        ("k1:not-base64!", INDEX_KEY, r"LINDUNGI_PII_KEYS\[k1\]: key is not valid base64"),
        ("k1:" + base64.b64encode(b"short").decode(), INDEX_KEY, "must decode to 32 bytes, got 5"),
        (f"k1:{KEY_1}", base64.b64encode(b"x" * 16).decode(), "BLIND_INDEX_KEY: key must decode"),
    ],
)
def test_bad_keys_are_refused(keys: str, index_key: str, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        pii.parse_keyring(keys, index_key)


def test_development_placeholders_are_stretched_to_a_key() -> None:
    ring = pii.parse_keyring("dev-insecure-k1:anything", "dev-insecure-whatever")
    assert ring.active_id == "k1"
    assert pii.decrypt(pii.encrypt(NIK, field="nik", ring=ring), field="nik", ring=ring) == NIK


def test_generate_key_gives_fresh_32_byte_keys() -> None:
    one, two = pii.generate_key(), pii.generate_key()
    assert len(base64.b64decode(one, validate=True)) == 32
    assert one != two
    assert pii.parse_keyring(f"k9:{one}", two).active_id == "k9"


def test_changed_settings_take_effect_at_once(settings: Any) -> None:
    settings.PII_KEYS = f"k1:{KEY_1}"
    assert pii.keyring().active_id == "k1"
    settings.PII_KEYS = f"k7:{KEY_2},k1:{KEY_1}"
    assert pii.keyring().active_id == "k7"


# --- the PII-at-rest test ------------------------------------------------------------------------

PEOPLE = [
    # (name, birth date, sex, village, NIK, phone as typed, phone normalised)
    ("Budi Santoso", date(1985, 8, 12), "L", "6402012001", "6402011208850012",
     "0812-3456-7890", "+6281234567890"),
    ("Siti Aminah", date(1992, 3, 17), "P", "6112012001", "6112015703920034",
     "+62 813 9876 5432", "+6281398765432"),
]  # fmt: skip
NEW_NIK = "6402011208850099"


def _needles() -> list[str]:
    """Every way a NIK or phone could leak: whole, any 8-digit run of a NIK, national forms."""
    out: list[str] = []
    for *_, nik, _typed, phone in PEOPLE:
        out.append(nik)
        out.extend(nik[i : i + 8] for i in range(len(nik) - 7))
        out.extend([phone, "0" + phone[3:], phone[3:]])
    out.append(NEW_NIK)
    out.extend(NEW_NIK[i : i + 8] for i in range(len(NEW_NIK) - 7))
    return out


def _texts(value: Any) -> Iterator[bytes]:
    """A cell's bytes as stored, and its text in UTF-8 (JSON decoded or not)."""
    if value is None:
        return
    if isinstance(value, memoryview | bytes | bytearray):
        yield bytes(value)
    elif isinstance(value, dict | list):
        yield json.dumps(value, ensure_ascii=False).encode()
    else:
        yield str(value).encode()


def _leaks(rows: list[tuple[str, tuple[Any, ...]]], needles: list[str]) -> list[str]:
    found = []
    encoded = [(n, n.encode()) for n in needles]
    for table, row in rows:
        for cell in row:
            for data in _texts(cell):
                found += [f"{table}: {n}" for n, b in encoded if b in data]
    return found


def _all_rows() -> tuple[list[str], list[tuple[str, tuple[Any, ...]]]]:
    tables = connection.introspection.table_names(include_views=False)
    rows: list[tuple[str, tuple[Any, ...]]] = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows += [(table, row) for row in cursor.fetchall()]
    return tables, rows


def test_the_leak_detector_finds_a_planted_nik() -> None:
    rows = [("t", (None, b"\x00" + PEOPLE[0][4].encode(), 3)), ("u", ({"x": "120885001"},))]
    assert _leaks(rows, _needles())[:2] == ["t: 6402011208850012", "t: 64020112"]
    assert _leaks([("u", ("6402012001", "2025-08-12", 6402))], _needles()) == []


def test_no_plaintext_nik_or_phone_anywhere_in_the_database(
    admin: User, branch_officer_kukar: User
) -> None:
    workers = [
        worker_register(
            data=WorkerInput(name, born, sex, village, nik=nik, phone=typed, address_line="RT 1"),
            actor=admin,
        )
        for name, born, sex, village, nik, typed, _ in PEOPLE
    ]
    worker_correct(worker_id=workers[0].pk, changes={"nik": NEW_NIK}, actor=branch_officer_kukar)
    worker_correct(
        worker_id=workers[0].pk, changes={"nik": PEOPLE[0][4]}, actor=branch_officer_kukar
    )
    assert worker_reveal(worker_id=workers[1].pk, field="phone", actor=admin) == PEOPLE[1][6]
    tables, rows = _all_rows()
    expected = {"registry_worker", "core_auditevent"}
    if connection.vendor == "sqlite":
        expected |= {"registry_worker_name"}  # the FTS5 trigram index of names
    assert expected <= set(tables)
    scanned = {table for table, _ in rows}
    assert {"registry_worker", "core_auditevent"} <= scanned
    assert _leaks(rows, _needles()) == []
