"""People, org units and follows in the JSON API."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["people"])
