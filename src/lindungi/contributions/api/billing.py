"""API: billing (contributions)."""

from ninja import Router

router = Router(tags=["billing"])
