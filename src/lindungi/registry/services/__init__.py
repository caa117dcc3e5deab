"""Writes on the registry: workers, employers, payers and memberships."""

from lindungi.registry.services.employers import (
    EmployerInput,
    employer_correct,
    employer_register,
)
from lindungi.registry.services.memberships import (
    membership_end,
    membership_start,
    payer_for_employer,
    payer_for_self,
)
from lindungi.registry.services.pii_rotate import pii_rotate
from lindungi.registry.services.workers import (
    WorkerInput,
    worker_correct,
    worker_end,
    worker_merge,
    worker_register,
    worker_reveal,
)

__all__ = [
    "EmployerInput",
    "WorkerInput",
    "employer_correct",
    "employer_register",
    "membership_end",
    "membership_start",
    "payer_for_employer",
    "payer_for_self",
    "pii_rotate",
    "worker_correct",
    "worker_end",
    "worker_merge",
    "worker_register",
    "worker_reveal",
]
