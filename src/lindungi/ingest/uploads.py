"""An uploaded file held between its preview and its import, encrypted at rest.

The web preview needs the file again when the clerk confirms the mapping. It is kept under
DATA_DIR/ingest-uploads, sealed with the active PII key (AES-256-GCM, the holder's id bound as
associated data), so the plaintext NIKs in it never rest on disk; it is deleted when taken and
swept after HOLD_SECONDS.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from cryptography.exceptions import InvalidTag
from django.conf import settings

from lindungi.core import pii
from lindungi.core.errors import NotFound

HOLD_SECONDS = 3600
_NONCE = 12


def _dir() -> Path:
    path = Path(settings.DATA_DIR) / "ingest-uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _path(token: str) -> Path:
    if not token.isalnum() or len(token) > 64:
        raise NotFound("upload")
    return _dir() / f"{token}.bin"


def _aad(owner: int | None, name: str) -> bytes:
    return f"ingest-upload:{owner}:{name}".encode()


def hold(data: bytes, *, owner: int | None, name: str) -> str:
    """Seal and keep the file; returns the token that takes it back."""
    sweep()
    ring = pii.keyring()
    nonce = os.urandom(_NONCE)
    sealed = ring.ciphers[ring.active_id].encrypt(nonce, data, _aad(owner, name))
    token = secrets.token_hex(16)
    header = pii.key_prefix(ring.active_id) + len(name.encode()).to_bytes(2, "big")
    _path(token).write_bytes(header + name.encode() + nonce + sealed)
    return token


def peek(token: str, *, owner: int | None) -> tuple[bytes, str]:
    """The held file and its name; NotFound if gone, expired or held for someone else."""
    path = _path(token)
    if not path.exists():
        raise NotFound("upload")
    blob = path.read_bytes()
    kid = pii.key_id_of(blob)
    at = 1 + blob[0]
    size = int.from_bytes(blob[at : at + 2], "big")
    name = blob[at + 2 : at + 2 + size].decode()
    rest = blob[at + 2 + size :]
    cipher = pii.keyring().ciphers.get(kid)
    if cipher is None:
        raise NotFound("upload")
    try:
        return cipher.decrypt(rest[:_NONCE], rest[_NONCE:], _aad(owner, name)), name
    except InvalidTag as exc:  # another user's token, or a damaged file
        raise NotFound("upload") from exc


def drop(token: str) -> None:
    _path(token).unlink(missing_ok=True)


def sweep(*, now: float | None = None) -> int:
    """Delete held files older than HOLD_SECONDS; returns how many."""
    limit = (now or time.time()) - HOLD_SECONDS
    gone = 0
    for path in _dir().glob("*.bin"):
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            gone += 1
    return gone
