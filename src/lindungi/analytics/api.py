"""API: analytics."""

from ninja import Router

router = Router(tags=["analytics"])
