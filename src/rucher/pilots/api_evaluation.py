"""The pilots API: evaluation part."""

from ninja import Router

router = Router(tags=["pilots"])
