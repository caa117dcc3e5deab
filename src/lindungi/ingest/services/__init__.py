"""Writes of the ingest app: preview and create jobs, run them, review, undo, templates."""

from lindungi.ingest.services.review import review_decide
from lindungi.ingest.services.run import import_job_execute
from lindungi.ingest.services.undo import import_job_undo
from lindungi.ingest.services.upload import (
    Preview,
    import_job_create,
    import_preview,
    template_save,
)

__all__ = [
    "Preview",
    "import_job_create",
    "import_job_execute",
    "import_job_undo",
    "import_preview",
    "review_decide",
    "template_save",
]
