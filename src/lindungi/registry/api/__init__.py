"""API: workers, employers and memberships over the same selectors and services as the web.

NIK and phone leave only masked (nik_masked, phone_masked); plaintext only from /reveal, which
the service audits. Errors are mapped to responses in one place, lindungi.api.root.
"""

from ninja import Router

from lindungi.registry.api.employers import router as employers
from lindungi.registry.api.memberships import router as memberships
from lindungi.registry.api.workers import router as workers

router = Router()
router.add_router("", workers)
router.add_router("", employers)
router.add_router("", memberships)

__all__ = ["router"]
