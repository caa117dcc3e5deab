"""API: a region's coverage summary (the same selector as the dashboard and the CLI)."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from ninja import Field, Router, Schema

from lindungi.accounts.models import User
from lindungi.analytics import selectors

router = Router(tags=["analytics"])


class ChildOut(Schema):
    code: str
    dotted: str
    name: str
    active: int
    labour_force: int | None
    estimate: bool
    ratio: float | None


class CoverageOut(Schema):
    region: str = Field(description="dotted Kemendagri code; '' is Indonesia")
    region_name: str
    month: str = Field(description="YYYY-MM")
    active: int = Field(description="workers active on the month's last day (covered or in grace)")
    programmes: dict[str, int]
    labour_force: int | None
    labour_force_source: dict[str, str] | None
    ratio: float | None
    target: float | None
    gap_to_target: int | None
    officials_active: int
    vulnerable_active: int
    villages: dict[str, int]
    children: list[ChildOut]


@router.get("/analytics/coverage", response=CoverageOut)
def coverage(
    request: HttpRequest,
    region: str = "",
    month: str = "",
    segment: str = "",
    programme: str = "",
    payer_kind: str = "",
) -> dict[str, Any]:
    filters = selectors.filters_from(
        month=month, segment=segment, programme=programme, payer_kind=payer_kind
    )
    user = cast(User, request.user)
    summary = selectors.coverage_summary(actor=user, region=region, filters=filters, detail=False)
    summary.children = selectors.children(summary.place, filters)
    return summary.as_dict()
