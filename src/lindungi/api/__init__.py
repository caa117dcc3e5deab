"""The REST API under /api/v1/: one NinjaAPI, routers from each domain, errors mapped here."""

from lindungi.api.root import api

__all__ = ["api"]
