"""API: the eligible population still unprotected, by region."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["programs"])
