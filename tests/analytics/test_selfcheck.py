"""The worker's self-check: no login, nothing but the protection, the same answer for an
unknown NIK and a wrong birth date, and a limit per client address."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.test import Client
from tests.analytics.conftest import Crafted

pytestmark = pytest.mark.django_db
URL = "/cek-perlindungan/"


@pytest.fixture(autouse=True)
def _quick(settings: Any) -> None:
    settings.LINDUNGI_SELFCHECK_MIN_SECONDS = 0.15
    settings.LINDUNGI_SELFCHECK_RATE = "5/m"


def ask(client: Client, nik: str, birth: str, ip: str = "10.0.0.1") -> Any:
    return client.post(URL, {"nik": nik, "birth_date": birth}, REMOTE_ADDR=ip)


def answer(response: Any) -> str:
    return re.search(r'<section id="answer".*?</section>', response.content.decode(), re.S)[0]


def test_a_protected_worker_sees_programmes_paid_through_and_payer(
    client: Client, crafted: Crafted
) -> None:
    response = ask(client, "6402010503900002", "1990-03-05")  # Agus, BPU paid through 2026-11
    assert response.status_code == 200
    text = answer(response)
    assert "Anda terlindungi" in text
    assert "JKK, JKM" in text
    assert "2026-11" in text
    assert "self" in text
    assert "Agus" not in response.content.decode()
    assert "6402010503900002" not in response.content.decode()


def test_unknown_nik_and_wrong_birth_date_read_the_same(client: Client, crafted: Crafted) -> None:
    wrong = ask(client, "6402010503900002", "1990-03-06", ip="10.0.0.2")
    unknown = ask(client, "6402010101010999", "1990-03-05", ip="10.0.0.3")
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.content == unknown.content
    assert "tidak ditemukan atau tidak cocok" in answer(wrong)


def test_answers_take_similar_time(client: Client, crafted: Crafted, settings: Any) -> None:
    # A floor above what the work costs on a loaded CI machine (production: 0.3 s): the
    # answer's time then says nothing about which path it took.
    settings.LINDUNGI_SELFCHECK_MIN_SECONDS = 0.6
    timings = {}
    for label, nik, birth in (
        ("known", "6402010503900002", "1990-03-05"),
        ("wrong", "6402010503900002", "1990-03-06"),
        ("unknown", "6402010101010999", "1990-03-05"),
    ):
        started = time.monotonic()
        ask(client, nik, birth, ip=f"10.0.1.{len(timings)}")
        timings[label] = time.monotonic() - started
    assert abs(timings["wrong"] - timings["unknown"]) < 0.1
    assert min(timings.values()) >= 0.6


def test_rate_limit_per_address(client: Client, crafted: Crafted) -> None:
    codes = [ask(client, "6402010101010999", "1990-03-05").status_code for _ in range(6)]
    assert codes == [200, 200, 200, 200, 200, 429]
    assert "Terlalu banyak percobaan" in answer(ask(client, "6402010503900002", "1990-03-05"))
    assert ask(client, "6402010503900002", "1990-03-05", ip="10.9.9.9").status_code == 200


def test_the_form_is_public(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    assert 'name="nik"' in response.content.decode()
