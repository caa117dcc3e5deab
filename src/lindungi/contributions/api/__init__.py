"""API: billing runs, invoices, statements, payments, arrears and coverage, over the same
selectors and services as the web. Errors map to responses in one place, lindungi.api.root."""

from ninja import Router

from lindungi.contributions.api.billing import router as billing
from lindungi.contributions.api.payments import router as payments

router = Router()
router.add_router("", billing)
router.add_router("", payments)

__all__ = ["router"]
