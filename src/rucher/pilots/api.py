"""The pilots API: one router per part of the pilot, mounted together under /api/v1/."""

from ninja import Router

from rucher.pilots import (
    api_deployment,
    api_evaluation,
    api_programme,
    api_report,
    api_support,
    api_surveys,
)

router = Router(tags=["pilots"])
for part in (api_programme, api_support, api_surveys, api_evaluation, api_report, api_deployment):
    router.add_router("", part.router)
