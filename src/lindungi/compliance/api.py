"""API: compliance."""

from ninja import Router

router = Router(tags=["compliance"])
