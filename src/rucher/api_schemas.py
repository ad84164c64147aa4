"""Schemas every router of the JSON API shares: the error body, ids, strict input.

The shape of an error answer is built by ``rucher.api_errors.error_body``; ``ErrorOut`` is
its description in the OpenAPI document, so that every endpoint documents the same schema.
"""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Schema
from pydantic import ConfigDict

# Primary keys are 64-bit integers; a larger number is refused as invalid input rather than
# reaching the database driver, which cannot represent it.
MAX_ID = 2**63 - 1
ObjectId = Annotated[int, Field(ge=1, le=MAX_ID)]


class ErrorDetail(Schema):
    code: str = Field(description="Stable machine-readable code, such as `not_found`.")
    message: str = Field(description="A sentence for people, in the caller's language.")
    fields: dict[str, list[str]] = Field(
        description="For invalid input: the problems of each field, by field name."
    )


class ErrorOut(Schema):
    """The body of every error answer."""

    error: ErrorDetail


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """Error answers to document for an authenticated endpoint: 401 always, plus ``statuses``.

    Use as ``response={200: ThingOut, **errors(404, 422)}``.
    """
    return dict.fromkeys((401, *statuses), ErrorOut)


class InputSchema(Schema):
    # A misspelt field name is an error the client should hear about, not a silent no-op.
    model_config = ConfigDict(extra="forbid")
