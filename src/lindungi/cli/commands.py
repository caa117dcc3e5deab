"""Command modules; each attaches its commands to the `main` group on import."""

from lindungi.cli import (
    bill,  # noqa: F401
    contribution,  # noqa: F401
    coverage,  # noqa: F401
    crosscheck,  # noqa: F401
    demo,  # noqa: F401
    fines,  # noqa: F401
    ingest,  # noqa: F401
    linkage,  # noqa: F401
    nik,  # noqa: F401
    payments,  # noqa: F401
    pii,  # noqa: F401
    plan,  # noqa: F401
    reference,  # noqa: F401
    status,  # noqa: F401
    system,  # noqa: F401
    tokens,  # noqa: F401
)
