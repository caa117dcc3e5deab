"""The month through which a membership's contributions are paid, kept as payments post."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from lindungi.core.access import ScopePaths
from lindungi.registry.models import Membership


class PaidThrough(models.Model):
    """Last contribution month fully paid for a membership (null: nothing paid yet)."""

    scope_paths = ScopePaths(region="membership__worker__village_id")

    membership = models.OneToOneField(
        Membership, primary_key=True, on_delete=models.PROTECT, related_name="paid_through"
    )
    month = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"membership #{self.membership_id} paid through {self.month or '-'}"
