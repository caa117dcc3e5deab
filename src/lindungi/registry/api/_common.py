"""What the registry's routers share: the acting user, strict input, partial updates, pages."""

from __future__ import annotations

from typing import Annotated, ClassVar, cast

from django.http import HttpRequest
from ninja import Field, Schema
from pydantic import ValidationInfo, field_validator

from lindungi.accounts.models import User
from lindungi.registry.selectors import PAGE_SIZE

Limit = Annotated[int, Field(ge=1, le=100, description="Rows per page, 1-100")]


def actor_of(request: HttpRequest) -> User:
    return cast(User, request.user)  # set by the API's token or session authentication


class Strict(Schema):
    """Input that refuses fields it does not know, so a typo is an error, not a no-op."""

    model_config = {"extra": "forbid"}


class Changes(Strict):
    """A partial update: only the fields sent change; null only where the field may be empty."""

    nullable: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*")
    @classmethod
    def _null_only_where_allowed(cls, value: object, info: ValidationInfo) -> object:
        if value is None and info.field_name not in cls.nullable:
            raise ValueError("may not be null; leave the field out to keep its value")
        return value


class PageFilters(Schema):
    after: int | None = Field(None, description="next_after of the previous page")
    limit: Limit = PAGE_SIZE
