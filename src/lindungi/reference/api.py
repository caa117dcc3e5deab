"""API: regions, occupations and rule tables, read-only (editing rules stays in the web app)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from lindungi.reference import selectors
from lindungi.reference.models import Occupation, Region, RuleRow

router = Router(tags=["reference"])


class RegionOut(Schema):
    code: str = Field(description="Kemendagri code without dots")
    dotted: str
    name: str
    level: int = Field(description="1 province, 2 regency/city, 3 district, 4 village")
    parent_code: str | None
    historic: bool
    successor_code: str | None

    @staticmethod
    def resolve_parent_code(obj: Region) -> str | None:
        return obj.parent_id

    @staticmethod
    def resolve_successor_code(obj: Region) -> str | None:
        return obj.successor_id


class OccupationOut(Schema):
    code: str
    name: str
    name_en: str
    jkk_risk_group: int
    informal: bool
    kbli_section: str


class RuleRowOut(Schema):
    table: str
    key: str
    valid_from: date
    valid_to: date | None
    value: str = Field(description="Decimal as a string: rates and amounts are never floats")
    params: dict[str, Any]
    regulation: str
    source: str
    status: str
    note: str

    @staticmethod
    def resolve_value(obj: RuleRow) -> str:
        return format(obj.value.normalize(), "f")  # 0.002400 → "0.0024", 1000000.000000 → "1000000"


class OnDate(Schema):
    on: date | None = Field(None, description="YYYY-MM-DD; default today (Asia/Jakarta)")


@router.get("/regions", response=list[RegionOut], summary="The provinces")
def province_list(request: HttpRequest) -> list[Region]:
    return list(selectors.region_children(""))


@router.get("/regions/{code}", response=RegionOut, summary="One region, dotted code or not")
def region_detail(request: HttpRequest, code: str) -> Region:
    return selectors.region_get(code)


@router.get("/regions/{code}/children", response=list[RegionOut], summary="One level below")
def region_child_list(request: HttpRequest, code: str) -> list[Region]:
    region = selectors.region_get(code)  # an unknown code is 404, not an empty list
    return list(selectors.region_children(region.code))


@router.get("/occupations", response=list[OccupationOut])
def occupation_list(request: HttpRequest) -> list[Occupation]:
    return list(selectors.occupation_list())


@router.get("/rules/{table}", response=list[RuleRowOut], summary="A rule table on a date")
def rule_list(request: HttpRequest, table: str, when: Query[OnDate]) -> list[RuleRow]:
    return selectors.rules_in_force(table, when.on or timezone.localdate())
