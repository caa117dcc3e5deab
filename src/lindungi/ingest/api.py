"""API: ingest."""

from ninja import Router

router = Router(tags=["ingest"])
