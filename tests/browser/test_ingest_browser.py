"""Import in a real browser: upload, preview, change a mapping (HTMX), import, watch the job
page poll until done; review a probable match side by side, decide, and undo the import."""

from __future__ import annotations

from typing import Any

import pytest

from lindungi.ingest.models import ImportJob

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VILLAGE = "6402012001"
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


def test_review_a_probable_match_then_undo_the_import(
    reference_data: None, login: Any, live_server: Any, make_user: Any, monkeypatch: Any
) -> None:
    from datetime import date

    from lindungi.core.access import Role
    from lindungi.ingest import linker, services, tasks
    from lindungi.ingest.models import ImportRow
    from lindungi.registry.models import Worker
    from lindungi.registry.services import WorkerInput, worker_register

    officer = make_user("cabang_kukar_r", Role.BRANCH_OFFICER, "6402")
    known = worker_register(
        data=WorkerInput(
            full_name="Budi Santoso", birth_date=date(1985, 8, 17), sex="L", village_code=VILLAGE
        ),
        actor=officer,
    )

    def scripted(rows: Any, *, model_name: str = "default") -> list[Any]:
        """The linkage as a trained model would answer: the first Budi Santosa is probably
        the registered Budi Santoso; the file holds him twice more."""
        first: dict[str, int] = {}
        out = []
        for r in rows:
            if r.full_name in first:
                dup = first[r.full_name]
                out.append(linker.LinkResult(r.key, "duplicate_in_file", None, None, {}, dup))
                continue
            first[r.full_name] = r.key
            if r.full_name == "Budi Santosa":
                said = {"name": "fuzzy", "dob": "agree", "sex": "agree"}
                out.append(linker.LinkResult(r.key, "review", known.pk, 0.71, said, None))
            else:
                out.append(linker.LinkResult(r.key, "new", None, None, {}, None))
        return out

    monkeypatch.setattr(linker, "link", scripted)
    rows = [
        f"{nik};{name};17-08-1985;L;{VILLAGE}"
        for nik, name in (("", "Budi Santosa"), ("", "Ani Lestari"), ("", "Budi Santosa"))
    ]
    data = "\r\n".join(["NIK;Nama Lengkap;Tgl Lahir;JK;Kode Desa", *rows, ""]).encode()
    job = services.import_job_create(data=data, file_name="d.csv", kind="dtks", actor=officer)
    assert tasks.work(once=True) == 1
    page = login(officer)
    page.goto(f"{live_server.url}/imports/reviews/")
    page.click("tr[data-id] td:first-child a")
    page.wait_for_selector("table.side-by-side")
    assert page.locator('tr.agreement-fuzzy[data-field="full_name"]').count() == 1
    assert page.locator('tr.agreement-agree[data-field="birth_date"]').count() == 1
    assert "(baris 4)" in page.locator("#duplicates").inner_text()
    page.fill("input[name=note]", "KTP berbeda")
    page.click("button:has-text('Orang berbeda')")
    page.wait_for_selector("text=Keputusan tersimpan")
    first, again = ImportRow.objects.filter(job=job, line__in=(2, 4)).order_by("line")
    assert first.worker_id == again.worker_id != known.pk
    assert Worker.objects.filter(full_name="Budi Santosa").count() == 1
    page.goto(f"{live_server.url}/imports/{job.pk}/")
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('Batalkan impor')")
    page.wait_for_selector("text=Impor dibatalkan seluruhnya")
    assert not Worker.objects.filter(full_name__in=["Budi Santosa", "Ani Lestari"]).exists()
    assert Worker.objects.filter(pk=known.pk).exists()
