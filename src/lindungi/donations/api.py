"""API: GN Lingkaran pools, pledges, donations, receipts and impact reports."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["donations"])
