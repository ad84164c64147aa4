"""What the pilot pages share: the pilot of a URL under the one access policy, turned into
the page's 404 or 403, and the status of a page re-rendered after a refused write.

A pilot the viewer may not see is a 404, exactly like a missing one (``policy.access_pilot``);
a pilot they see but may not manage, or whose results they may not see, is a 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from rucher.accounts.models import User
from rucher.core.errors import Conflict, Forbidden, NotFound, RucherError
from rucher.pilots import policy
from rucher.pilots.models import Pilot


def status_of(error: RucherError) -> int:
    """404, 403, 409 for a Conflict (as the API answers it), else 400."""
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, Forbidden):
        return 403
    if isinstance(error, Conflict):
        return 409
    return 400


def pilot_or_404(viewer: User, slug: str) -> Pilot:
    try:
        return policy.access_pilot(user=viewer, slug=slug)
    except NotFound:
        raise Http404 from None


def require_manage_or_403(viewer: User, pilot: Pilot) -> None:
    try:
        policy.require_manage(viewer, pilot)
    except Forbidden as error:
        raise PermissionDenied(error.message) from None


def managed_or_403(viewer: User, slug: str) -> Pilot:
    pilot = pilot_or_404(viewer, slug)
    require_manage_or_403(viewer, pilot)
    return pilot


def results_or_403(viewer: User, slug: str) -> Pilot:
    """The pilot whose results ``viewer`` may see: 404 when they may not see the pilot,
    403 when they see it but not its results."""
    pilot = pilot_or_404(viewer, slug)
    try:
        policy.require_results(viewer, pilot)
    except Forbidden as error:
        raise PermissionDenied(error.message) from None
    return pilot
