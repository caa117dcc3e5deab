"""Background billing: claiming with an optimistic lock, stale runs, the worker, the CLI."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from django.utils import timezone

from lindungi.cli import main
from lindungi.contributions import tasks
from lindungi.contributions.billing.selectors import (
    billing_run_get,
    billing_run_list,
    invoice_list,
    run_progress,
)
from lindungi.contributions.billing.services import billing_run_execute, billing_run_request
from lindungi.contributions.models import BillingRun, Invoice, RunStatus
from lindungi.core.errors import Conflict, NotFound, PermissionDenied
from lindungi.reference.models import Region
from lindungi.registry.models import Membership, Payer, Worker

pytestmark = pytest.mark.django_db
NOV = date(2026, 11, 1)


@pytest.fixture
def self_payers() -> list[Payer]:
    """Two self-paying BPU members (Rp1,000,000: JKK + JKM 16,800), in Kukar and Kubu Raya."""
    payers = []
    for n, prefix in enumerate(("6402", "6112")):
        village = Region.objects.filter(level=4, code__startswith=prefix).values_list(
            "code", flat=True
        )[0]
        worker = Worker.objects.create(
            full_name=f"Peserta {n}",
            name_search=f"peserta {n}",
            birth_date=date(1980, 5, 5),
            sex="L",
            village_id=village,
        )
        payer = Payer.objects.create(kind="self", worker=worker, label=worker.full_name)
        Membership.objects.create(
            worker=worker,
            segment="BPU",
            payer=payer,
            declared_wage=1_000_000,
            start=date(2026, 1, 1),
        )
        payers.append(payer)
    return payers


def test_only_one_worker_claims_a_run() -> None:
    run = billing_run_request(month=NOV, actor=None)
    assert tasks.claim_next(worker="a") == run.pk
    assert tasks.claim_next(worker="b") is None
    run.refresh_from_db()
    assert (run.status, run.claimed_by) == (RunStatus.RUNNING, "a")
    with pytest.raises(Conflict):
        billing_run_execute(run_id=run.pk, worker="b")


def test_a_stale_run_is_queued_again_and_finished(self_payers: list[Payer]) -> None:
    run = billing_run_request(month=NOV, actor=None)
    tasks.claim_next(worker="lost")
    BillingRun.objects.filter(pk=run.pk).update(
        heartbeat_at=timezone.now() - tasks.STALE_AFTER - timedelta(seconds=1)
    )
    done = tasks.run_next(worker="w2")
    assert done is not None
    assert (done.pk, done.status, done.claimed_by, done.invoices_created) == (
        run.pk,
        RunStatus.DONE,
        "w2",
        2,
    )


def test_worker_processes_the_queue_then_stops(self_payers: list[Payer]) -> None:
    billing_run_request(month=NOV, actor=None)
    assert tasks.work(worker="w", once=True) == 1
    assert tasks.work(worker="w", once=True) == 0
    run = BillingRun.objects.get()
    progress = run_progress(run)
    assert (progress.status, progress.percent, progress.finished) == ("done", 100, True)
    assert run.progress_done == run.progress_total == 2


def test_progress_of_a_queued_run() -> None:
    run = billing_run_request(month=NOV, actor=None)
    assert run_progress(run).percent is None
    run.progress_done, run.progress_total, run.status = 5, 10, RunStatus.RUNNING
    assert run_progress(run).percent == 50


def test_cli_bill_json(self_payers: list[Payer]) -> None:
    result = CliRunner().invoke(main, ["bill", "--month", "2026-11", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {k: data[k] for k in ("invoices", "lines", "adjustment_lines", "amount_billed")} == {
        "invoices": 2,
        "lines": 4,
        "adjustment_lines": 0,
        "amount_billed": 33_600,
    }
    assert data["run"] == BillingRun.objects.get().pk
    assert data["seconds"] >= 0
    assert "tagihan: lines" in result.stderr
    again = json.loads(CliRunner().invoke(main, ["bill", "--month", "2026-11", "--json"]).stdout)
    assert (again["invoices"], again["lines"]) == (0, 0)


def test_cli_bill_rejects_a_bad_month() -> None:
    result = CliRunner().invoke(main, ["bill", "--month", "2010-01"])
    assert result.exit_code == 1
    assert "month" in result.stderr


# --- reading runs and invoices -----------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["compliance_officer_kaltim", "labour_inspector_kaltim", "planner_kukar"]
)
def test_viewers_see_runs(persona: str, request: Any, self_payers: list[Payer]) -> None:
    run = billing_run_execute(run_id=billing_run_request(month=NOV, actor=None).pk)
    actor = request.getfixturevalue(persona)
    assert billing_run_list(actor=actor) == [run]
    assert billing_run_get(actor=actor, run_id=run.pk) == run


def test_invoices_follow_the_payers_region(
    branch_officer_kukar: Any, self_payers: list[Payer]
) -> None:
    billing_run_execute(run_id=billing_run_request(month=NOV, actor=None).pk)
    kukar, _kubu_raya = self_payers
    seen = list(invoice_list(actor=branch_officer_kukar))
    assert [i.payer_id for i in seen] == [kukar.pk]
    assert Invoice.objects.count() == 2


def test_sponsors_see_no_runs(sponsor_csr: Any) -> None:
    with pytest.raises(PermissionDenied):
        billing_run_list(actor=sponsor_csr)


def test_a_missing_run_reads_as_not_found(admin: Any) -> None:
    with pytest.raises(NotFound):
        billing_run_get(actor=admin, run_id=999_999)
