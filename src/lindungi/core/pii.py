"""Personal data at rest (UU 27/2022): authenticated encryption, keyed blind index, masking.

Ciphertext layout: 1 byte key-id length, the key id, a 12-byte nonce, AES-256-GCM output.
The field name is bound as associated data, so a NIK ciphertext cannot be replayed as a phone.
Keys come from the environment: LINDUNGI_PII_KEYS="id2:base64,id1:base64" (first encrypts,
all decrypt, which is what lets `lindungi pii rotate` move old rows to the new key) and
LINDUNGI_BLIND_INDEX_KEY (HMAC-SHA256 key of the blind index).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

MASK = "\u2022"  # bullet: visibly masked, cannot be mistaken for a digit
_NONCE_BYTES = 12


@dataclass(frozen=True)
class Keyring:
    active_id: str
    ciphers: dict[str, AESGCM]
    index_key: bytes
    # keyed once: copying a keyed HMAC costs half of keying one per value (a million per file)
    index_mac: hmac.HMAC = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index_mac", hmac.new(self.index_key, digestmod=hashlib.sha256))


def _strip_placeholder(value: str) -> tuple[str, bool]:
    prefix = getattr(settings, "PLACEHOLDER_PREFIX", "")
    if prefix and value.startswith(prefix):
        return value[len(prefix) :], True
    return value, False


def _decode_key(name: str, text: str, *, placeholder: bool = False) -> bytes:
    if placeholder:
        # A development placeholder is public anyway (production refuses it); stretching it
        # means any placeholder text yields a valid 32-byte key.
        return hashlib.sha256(text.encode()).digest()
    try:
        key = base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: key is not valid base64") from exc
    if len(key) != 32:
        raise ImproperlyConfigured(f"{name}: key must decode to 32 bytes, got {len(key)}")
    return key


def parse_keyring(pii_keys: str, blind_index_key: str) -> Keyring:
    """Parse the environment's key strings; the first PII key is the one that encrypts."""
    ciphers: dict[str, AESGCM] = {}
    order: list[str] = []
    keys, placeholder = _strip_placeholder(pii_keys)
    for part in keys.split(","):
        kid, sep, b64 = part.strip().partition(":")
        if not sep or not kid or len(kid) > 32:
            raise ImproperlyConfigured("LINDUNGI_PII_KEYS entries must look like 'keyid:base64'")
        key = _decode_key(f"LINDUNGI_PII_KEYS[{kid}]", b64, placeholder=placeholder)
        ciphers[kid] = AESGCM(key)
        order.append(kid)
    index_text, placeholder = _strip_placeholder(blind_index_key)
    index_key = _decode_key("LINDUNGI_BLIND_INDEX_KEY", index_text, placeholder=placeholder)
    return Keyring(active_id=order[0], ciphers=ciphers, index_key=index_key)


@lru_cache(maxsize=1)
def keyring() -> Keyring:
    return parse_keyring(settings.PII_KEYS, settings.BLIND_INDEX_KEY)


def _forget_keyring(*, setting: str, **_: object) -> None:
    # override_settings in tests (and a reload in a shell) must not keep using the old keys.
    if setting in {"PII_KEYS", "BLIND_INDEX_KEY", "PLACEHOLDER_PREFIX"}:
        keyring.cache_clear()


setting_changed.connect(_forget_keyring, dispatch_uid="lindungi.core.pii.keyring")


def encrypt(value: str, *, field: str, ring: Keyring | None = None) -> bytes:
    """Encrypt one value with the active key; the field name is authenticated with it."""
    ring = ring or keyring()
    nonce = os.urandom(_NONCE_BYTES)
    sealed = ring.ciphers[ring.active_id].encrypt(nonce, value.encode(), field.encode())
    return key_prefix(ring.active_id) + nonce + sealed


def key_id_of(blob: bytes | memoryview) -> str:
    """The id of the key a ciphertext was written with (readable without any key)."""
    data = bytes(blob)
    return data[1 : 1 + data[0]].decode()


def key_prefix(key_id: str) -> bytes:
    """The leading bytes of every ciphertext written with `key_id`: SQL can select by them."""
    kid = key_id.encode()
    return bytes([len(kid)]) + kid


def decrypt(blob: bytes | memoryview, *, field: str, ring: Keyring | None = None) -> str:
    """Decrypt a value written by `encrypt` under any key still in the keyring."""
    ring = ring or keyring()
    data = bytes(blob)
    kid = key_id_of(data)
    start = 1 + data[0]
    nonce, sealed = data[start : start + _NONCE_BYTES], data[start + _NONCE_BYTES :]
    cipher = ring.ciphers.get(kid)
    if cipher is None:
        raise ImproperlyConfigured(f"PII key '{kid}' is not in LINDUNGI_PII_KEYS")
    return cipher.decrypt(nonce, sealed, field.encode()).decode()


def reencrypt(blob: bytes | memoryview, *, field: str, ring: Keyring | None = None) -> bytes:
    """The same value sealed again under the active key (used by key rotation)."""
    ring = ring or keyring()
    return encrypt(decrypt(blob, field=field, ring=ring), field=field, ring=ring)


def blind_index(value: str, *, field: str, ring: Keyring | None = None) -> str:
    """Keyed, deterministic 128-bit index of a normalised value, as 32 hex characters."""
    ring = ring or keyring()
    mac = ring.index_mac.copy()
    mac.update(f"{field}:{value.strip()}".encode())
    return mac.hexdigest()[:32]


def mask_nik(nik: str) -> str:
    """Show the region of issue and the serial only: 6402••••••••0012."""
    if len(nik) != 16:
        return MASK * len(nik)
    return nik[:4] + MASK * 8 + nik[-4:]


def mask_phone(phone: str) -> str:
    """Keep the operator prefix and the last three digits: +62812•••••890."""
    if len(phone) <= 7:
        return MASK * len(phone)
    return phone[:6] + MASK * (len(phone) - 9) + phone[-3:]


def generate_key() -> str:
    """A fresh random 32-byte key in the base64 form the environment variables take."""
    return base64.b64encode(os.urandom(32)).decode()
