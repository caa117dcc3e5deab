"""Models of the contributions app, one module per sub-domain."""

from lindungi.contributions.models.billing import (
    BillingRun,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    RunStatus,
)
from lindungi.contributions.models.coverage import PaidThrough
from lindungi.contributions.models.payments import (
    Allocation,
    LedgerEntry,
    LedgerKind,
    Payment,
    PaymentImport,
    PaymentStatus,
)

__all__ = [
    "Allocation",
    "BillingRun",
    "Invoice",
    "InvoiceKind",
    "InvoiceLine",
    "LedgerEntry",
    "LedgerKind",
    "PaidThrough",
    "Payment",
    "PaymentImport",
    "PaymentStatus",
    "RunStatus",
]
