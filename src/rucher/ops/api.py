"""Operations endpoints of the API (health)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema, Status

from rucher.core.health import health

router = Router(tags=["operations"])


class HealthOut(Schema):
    status: str
    checks: dict[str, dict[str, object]]


@router.get("/health", auth=None, response={200: HealthOut, 503: HealthOut}, summary="Health")
def api_health(request: HttpRequest) -> Status[dict[str, object]]:
    healthy, report = health()
    return Status(200 if healthy else 503, report)
