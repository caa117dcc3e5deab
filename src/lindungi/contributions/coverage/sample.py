"""Accounts with invoices, lines and allocations written straight through the ORM, for tests.

They leave the tables as the billing run and allocation would, without running either; nothing
here is a business rule (due dates and amounts are whatever the caller passes).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from lindungi.contributions.coverage.rules import TABLES, PaymentRules, RuleValue
from lindungi.contributions.models import (
    Allocation,
    BillingRun,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    LedgerEntry,
    LedgerKind,
    Payment,
    PaymentStatus,
    RunStatus,
)
from lindungi.contributions.rules import RuleRef
from lindungi.core import pii
from lindungi.registry.models import Employer, Membership, Payer, PayerKind, Worker

VILLAGE = "6402012001"  # a village of Kutai Kartanegara
RULES_JSON = Path(__file__).parents[2] / "reference" / "data" / "rules.json"
_serial = itertools.count(1)


def d(text: str) -> date:
    """A date from "YYYY-MM-DD", or the first of the month from "YYYY-MM"."""
    return date.fromisoformat(text if len(text) == 10 else f"{text}-01")


def rules_from_file(path: Path = RULES_JSON) -> PaymentRules:
    """The due-day, fine and lapse rows of rules.json as `selectors.payment_rules` builds them
    from the loaded RuleRow table, for tests that need no database (ids are positions)."""
    ids = itertools.count(1)
    rows = []
    for table in json.loads(path.read_text())["tables"]:
        if table["table"] not in TABLES:
            continue
        for row in table["rows"]:
            ref = RuleRef(
                next(ids),
                table["table"],
                row["key"],
                row.get("regulation", table.get("regulation", "")),
                row.get("status", table.get("status", "")),
            )
            valid_to = row.get("valid_to")
            rows.append(
                RuleValue(
                    ref=ref,
                    valid_from=date.fromisoformat(row["valid_from"]),
                    valid_to=date.fromisoformat(valid_to) if valid_to else None,
                    value=Decimal(row["value"]),
                    month_offset=int(row.get("params", {}).get("month_offset", 0)),
                )
            )
    return PaymentRules(tuple(rows))


@dataclass
class Account:
    """One worker's membership and its payer."""

    worker: Worker
    payer: Payer
    membership: Membership
    region: str
    lines: list[InvoiceLine] = field(default_factory=list)

    def bill(
        self, month: date, amounts: Mapping[str, int], *, due: date, adjustment: bool = False
    ) -> list[InvoiceLine]:
        """One invoice of this payer for `month`, a line per programme, and its CHARGE."""
        n = next(_serial)
        run = BillingRun.objects.create(month=month, status=RunStatus.DONE)
        invoice = Invoice.objects.create(
            payer=self.payer,
            region_code=self.region,
            month=month,
            run=run,
            number=f"CV-{month:%Y%m}-{self.payer.pk}-{n}",
            kind=InvoiceKind.ADJUSTMENT if adjustment else InvoiceKind.REGULAR,
            due_date=due,
            total=sum(amounts.values()),
        )
        lines = [
            InvoiceLine.objects.create(
                invoice=invoice,
                membership=self.membership,
                month=month,
                programme=programme,
                employer_share=amount if self.payer.kind == PayerKind.EMPLOYER else 0,
                worker_share=0 if self.payer.kind == PayerKind.EMPLOYER else amount,
                amount=amount,
                is_adjustment=adjustment,
            )
            for programme, amount in amounts.items()
        ]
        LedgerEntry.objects.create(
            payer=self.payer, kind=LedgerKind.CHARGE, amount=invoice.total, invoice=invoice
        )
        self.lines += lines
        return lines

    def pay(self, paid_on: date, allocations: Iterable[tuple[InvoiceLine, int]]) -> Payment:
        """A matched payment of exactly what it allocates (negative amounts: a reversal)."""
        pairs = list(allocations)
        payment = Payment.objects.create(
            payer=self.payer,
            region_code=self.region,
            virtual_account=f"88{self.payer.pk:012d}",
            amount=max(1, sum(a for _, a in pairs)),
            paid_on=paid_on,
            bank_reference=f"CV-REF-{next(_serial)}",
            status=PaymentStatus.MATCHED,
        )
        Allocation.objects.bulk_create(
            Allocation(payment=payment, line=line, amount=amount) for line, amount in pairs
        )
        return payment

    def pay_all(self, paid_on: date, lines: Iterable[InvoiceLine]) -> Payment:
        return self.pay(paid_on, [(line, line.amount) for line in lines])


def account(
    *,
    segment: str = "BPU",
    start: date = date(2026, 1, 1),
    end: date | None = None,
    end_reason: str = "",
    employer: bool = False,
    village: str = VILLAGE,
    nik: str | None = None,
    programmes: Iterable[str] = ("jkk", "jkm"),
    worker: Worker | None = None,
) -> Account:
    """A worker (or `worker`) with one membership paid by itself or by a new employer."""
    n = next(_serial)
    if worker is None:
        worker = Worker.objects.create(
            full_name=f"Pekerja Uji {n}",
            name_search=f"pekerja uji {n}",
            birth_date=date(1990, 5, 15),
            sex="L",
            village_id=village,
            nik_index=pii.blind_index(nik, field="nik") if nik else None,
            nik_enc=pii.encrypt(nik, field="nik") if nik else None,
        )
    if employer:
        firm = Employer.objects.create(
            name=f"PT Uji {n}",
            npp=f"{n:08d}",
            size_class="small",
            jkk_risk_group=1,
            village_id=village,
        )
        payer = Payer.objects.create(kind=PayerKind.EMPLOYER, employer=firm, label=firm.name)
    else:
        payer, _ = Payer.objects.get_or_create(
            worker=worker, defaults={"kind": PayerKind.SELF, "label": worker.full_name}
        )
    flags = {p: p in set(programmes) for p in ("jkk", "jkm", "jht", "jp", "jkp")}
    membership = Membership.objects.create(
        worker=worker,
        segment=segment,
        payer=payer,
        declared_wage=1_000_000,
        start=start,
        end=end,
        end_reason=end_reason,
        **flags,
    )
    return Account(worker, payer, membership, village)
