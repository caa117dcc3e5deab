"""API: payments (contributions)."""

from ninja import Router

router = Router(tags=["payments"])
