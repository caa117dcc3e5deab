"""API: returned registration files (KPJ numbers, rejections), renewal and refill."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["programs"])
