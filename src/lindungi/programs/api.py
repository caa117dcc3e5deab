"""API: programs."""

from ninja import Router

router = Router(tags=["programs"])
