"""Import in a real browser: upload, preview, change a mapping (HTMX), import, watch the job
page poll until done, then review a probable match side by side."""

from __future__ import annotations

from typing import Any

import pytest

from lindungi.ingest.models import ImportJob

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = (
    "Daftar penerima bantuan Desa Perian\r\n\r\n"
    "NIK;Nama Lengkap;Tgl Lahir;JK;Kode Desa;Keterangan\r\n"
    '6402011708850001;Budi Santoso;17-08-1985;L;6402012001;=HYPERLINK("x")\r\n'
    "6402010302790002;Agus Salim;03/02/79;L;6402012001;\r\n"
    "6402016111920003;Siti Rahmawati;1992-11-21;P;6402019999;\r\n"
).encode("cp1252")


@pytest.fixture(autouse=True)
def _thread_runner(settings: Any, tmp_path: Any) -> None:
    # Queued: the page opens on a waiting job and must poll until a worker has run it. (The
    # default "thread" runner works too, but SQLite's shared in-memory test database locks
    # whole tables, so the page's first read can collide with the job's write.)
    settings.INGEST_RUNNER = "queue"
    settings.DATA_DIR = tmp_path


def test_upload_preview_import_and_poll(
    reference_data: None, login: Any, live_server: Any, make_user: Any, monkeypatch: Any
) -> None:
    from lindungi.core.access import Role
    from lindungi.ingest import linker, tasks

    monkeypatch.setattr(linker, "_real", lambda: None)
    officer = make_user("cabang_kukar_b", Role.BRANCH_OFFICER, "6402")
    page = login(officer)
    page.click("text=Impor")
    page.set_input_files("#id_file", {"name": "daftar.csv", "mimeType": "text/csv", "buffer": CSV})
    page.select_option("#id_kind", "village")
    page.click("button:has-text('Pratinjau')")
    page.wait_for_selector("text=3 baris dibaca: 2 valid, 1 tidak valid")
    assert "6402••••••••0001" in page.content()
    assert "6402011708850001" not in page.content()
    page.select_option("#map_address_line", "Keterangan")  # HTMX re-renders the preview
    page.wait_for_selector("#preview")
    page.click("button:has-text('Impor sekarang')")
    page.wait_for_selector("#progress[hx-trigger]")  # queued: the counts poll themselves
    assert tasks.work(once=True) == 1
    page.wait_for_selector('[data-count="new"]:has-text("2")', timeout=30_000)
    assert page.locator("#progress[hx-trigger]").count() == 0  # done: polling stopped
    job = ImportJob.objects.get()
    assert (job.status, job.rows_new, job.rows_invalid) == ("done", 2, 1)
    assert page.locator('a:has-text("Unduh daftar masalah")').count() == 1
