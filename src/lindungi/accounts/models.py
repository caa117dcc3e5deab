"""Users with a role and a scope, and API tokens for systems."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from lindungi.core.access import OrgKind, Role


class User(AbstractUser):
    """A person or system that acts; what it may do comes from its role and its scope."""

    role = models.CharField(max_length=32, choices=Role.choices)
    # Comma-separated region code prefixes without dots ("64", "6402,6403"); empty = national.
    region_scope = models.CharField(max_length=200, blank=True, default="")
    organisation_kind = models.CharField(
        max_length=16, choices=OrgKind.choices, blank=True, default=""
    )
    organisation_id = models.BigIntegerField(null=True, blank=True)
    full_name = models.CharField(max_length=150, blank=True, default="")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(organisation_kind="", organisation_id__isnull=True)
                    | (~models.Q(organisation_kind="") & models.Q(organisation_id__isnull=False))
                ),
                name="user_organisation_complete",
            ),
        ]

    @property
    def region_prefixes(self) -> tuple[str, ...]:
        return tuple(p.strip().replace(".", "") for p in self.region_scope.split(",") if p.strip())

    @property
    def organisation(self) -> tuple[str, int | None]:
        return self.organisation_kind, self.organisation_id

    def __str__(self) -> str:
        return self.full_name or self.username


class ApiToken(models.Model):
    """A bearer token for a system; only its SHA-256 is stored, the secret is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
