"""Generated tables as database rows: ids assigned, PII sealed, references resolved.

NIK and phone are encrypted one value at a time with pii.encrypt and the NIK blind-indexed
with pii.blind_index (the keyring read once); half of them in a forked process when the set is
large, because AES-GCM and HMAC calls hold the GIL. Values already present in the registry (a
NIK, NPP, NIB or KPJ of an earlier load) are replaced before writing, so a second seed adds to
the first instead of failing on a unique constraint.
"""

from __future__ import annotations

import itertools
import multiprocessing as mp
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC
from typing import Any

import numpy as np
from django.db import connection, models
from numpy.typing import NDArray

from lindungi.core import pii
from lindungi.registry.demo.tables import Table, unique_strings
from lindungi.registry.models import Employer, Membership, Payer, Source, Worker

Secrets = tuple[list[str], list[bytes], list[bytes | None]]
PARALLEL_FROM = 100_000  # below this, forking costs more than it saves
SERIAL_BUMP = 50  # a NIK already in the registry gets its serial moved past the generated ones

Rows = tuple[list[str], Iterable[tuple[Any, ...]]]


def _rows(model: type[models.Model], values: dict[str, Iterable[Any]], n: int) -> Rows:
    """Columns of every concrete field; a field not given takes its default on every row."""
    columns: list[str] = []
    iterables: list[Iterable[Any]] = []
    for field in model._meta.concrete_fields:
        columns.append(str(field.column))
        if field.attname in values:
            iterables.append(values[field.attname])
        else:
            default = field.get_default() if field.has_default() else None
            iterables.append(itertools.repeat(default, n))
    return columns, zip(*iterables, strict=False)


def _ids(first: int, n: int) -> list[int]:
    return list(range(first, first + n))


def _dates(values: NDArray[np.datetime64]) -> list[Any]:
    """Dates as each backend takes them: date objects for binary COPY, ISO text for SQLite."""
    days = values.astype("datetime64[D]")
    if connection.vendor == "postgresql":
        objects: list[Any] = days.astype(object).tolist()  # NaT becomes None
        return objects
    text = np.datetime_as_string(days)
    return [None if t == "NaT" else t for t in text.tolist()]


def _stamps(values: NDArray[np.datetime64]) -> list[Any]:
    """UTC datetimes: aware objects for binary COPY; naive text for SQLite, as Django writes it."""
    seconds = values.astype("datetime64[s]")
    if connection.vendor == "postgresql":
        return [v.replace(tzinfo=UTC) for v in seconds.astype(object).tolist()]
    stamps: list[str] = np.char.replace(np.datetime_as_string(seconds), "T", " ").tolist()
    return stamps


def _refs(refs: NDArray[np.int64], first: int) -> list[int | None]:
    return [None if r < 0 else r + first for r in refs.tolist()]


def _seal(niks: list[str], phones: list[str | None]) -> Secrets:
    """Blind index and ciphertext of each NIK, ciphertext of each phone (keyring read once)."""
    ring = pii.keyring()
    index = [pii.blind_index(nik, field="nik", ring=ring) for nik in niks]
    sealed = [pii.encrypt(nik, field="nik", ring=ring) for nik in niks]
    phone = [pii.encrypt(p, field="phone", ring=ring) if p else None for p in phones]
    return index, sealed, phone


def _seal_in_two(niks: list[str], phones: list[str | None]) -> Secrets:
    """Half the values in a forked process: AES-GCM and HMAC calls hold the GIL, so threads
    do not help, but a second core does. Serial where fork is unavailable (Windows)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if len(niks) < PARALLEL_FROM or (cores or 1) < 2 or "fork" not in mp.get_all_start_methods():
        return _seal(niks, phones)
    half = len(niks) // 2
    with ProcessPoolExecutor(1, mp_context=mp.get_context("fork")) as pool:
        later = pool.submit(_seal, niks[half:], phones[half:])
        first = _seal(niks[:half], phones[:half])
        second = later.result()
    return first[0] + second[0], first[1] + second[1], first[2] + second[2]


def _secrets(niks: list[str], phones: list[str | None]) -> Secrets:
    """Sealed NIKs and phones; a NIK already in the registry gets another serial first."""
    index, sealed, phone = _seal_in_two(niks, phones)
    taken = _existing(Worker, "nik_index")
    ring = pii.keyring()
    while taken and (clash := [i for i, value in enumerate(index) if value in taken]):
        for i in clash:  # re-registered NIKs never match generated ones: serials < SERIAL_BUMP
            niks[i] = niks[i][:12] + f"{int(niks[i][12:]) + SERIAL_BUMP:04d}"
            index[i] = pii.blind_index(niks[i], field="nik", ring=ring)
            sealed[i] = pii.encrypt(niks[i], field="nik", ring=ring)
    return index, sealed, phone


def _existing(model: type[models.Model], field: str) -> set[str]:
    manager = model._default_manager
    if not manager.exists():
        return set()
    return {str(v) for v in manager.exclude(**{field: None}).values_list(field, flat=True)}


def worker_rows(t: Table, first: int) -> Rows:
    index, sealed, phone = _secrets(t["nik"].tolist(), t["phone"].tolist())
    stamps = _stamps(t["registered_at"])
    decile = [d or None for d in t["welfare_decile"].tolist()]
    values: dict[str, Iterable[Any]] = {
        "id": _ids(first, len(t)),
        "nik_index": index,
        "nik_enc": sealed,
        "phone_enc": phone,
        "birth_date": _dates(t["birth_date"]),
        "welfare_decile": decile,
        "source": itertools.repeat(Source.DEMO.value, len(t)),
        "registered_at": stamps,
        "updated_at": stamps,
    }
    for name in ("full_name", "name_search", "birth_place", "sex", "village_id", "address_line"):
        values[name] = t[name].tolist()
    values["occupation_id"] = t["occupation_id"].tolist()
    values["village_role"] = t["village_role"].tolist()
    return _rows(Worker, values, len(t))


def employer_rows(t: Table, first: int) -> Rows:
    rng = np.random.default_rng(first)  # only draws when numbers are already taken
    npp = unique_strings(rng, len(t), _redraw(t["npp"]), _existing(Employer, "npp"))
    nib = t["nib"].copy()
    has = np.flatnonzero(nib != None)  # noqa: E711
    nib[has] = unique_strings(rng, len(has), _redraw(nib[has]), _existing(Employer, "nib"))
    stamps = _stamps(t["registered_at"])
    values: dict[str, Iterable[Any]] = {
        "id": _ids(first, len(t)),
        "npp": npp.tolist(),
        "nib": nib.tolist(),
        "jkk_risk_group": t["jkk_risk_group"].tolist(),
        "registered_at": stamps,
        "updated_at": stamps,
    }
    for name in ("name", "kbli", "size_class", "village_id", "address_line", "contact_name"):
        values[name] = t[name].tolist()
    values["contact_phone"] = t["contact_phone"].tolist()
    values["contact_email"] = t["contact_email"].tolist()
    return _rows(Employer, values, len(t))


def _redraw(values: NDArray[np.object_]) -> Callable[[np.random.Generator, int], list[str]]:
    """The generated values first; on a collision, a digit-shuffled variant of a taken one."""
    pending: Iterator[str] = iter(values.tolist())

    def make(rng: np.random.Generator, k: int) -> list[str]:
        out = list(itertools.islice(pending, k))
        while len(out) < k:
            seed = str(values[int(rng.integers(len(values)))])
            digits = "".join(rng.permutation(list(seed[2:])).tolist())
            out.append(seed[:2] + digits)
        return out

    return make


def payer_rows(t: Table, first: dict[str, int], employers: int) -> Rows:
    values = {
        "id": _ids(first["payer"], len(t)),
        "kind": t["kind"].tolist(),
        "employer_id": _refs(t["employer"], first["employer"]),
        "worker_id": _refs(t["worker"], first["worker"]),
        "label": [str(v)[:200] for v in t["label"].tolist()],
        "created_at": _stamps(t["created_at"]),
    }
    return _rows(Payer, values, len(t))


def membership_rows(t: Table, first: dict[str, int]) -> Rows:
    rng = np.random.default_rng(first["membership"])
    kpj = unique_strings(rng, len(t), _redraw(t["kpj"]), _existing(Membership, "kpj"))
    values: dict[str, Iterable[Any]] = {
        "id": _ids(first["membership"], len(t)),
        "worker_id": _refs(t["worker"], first["worker"]),
        "payer_id": _refs(t["payer"], first["payer"]),
        "declared_wage": t["declared_wage"].tolist(),
        "start": _dates(t["start"]),
        "end": _dates(t["end"]),
        "kpj": kpj.tolist(),
        "created_at": _stamps(t["created_at"]),
    }
    for name in ("segment", "jkk", "jkm", "jht", "jp", "jkp", "end_reason"):
        values[name] = t[name].tolist()
    return _rows(Membership, values, len(t))
