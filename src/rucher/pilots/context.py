"""What every pilot page's header needs: the pilot, the tabs the viewer may open, the rights."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rucher.pilots import policy

if TYPE_CHECKING:
    from rucher.accounts.models import User
    from rucher.pilots.models import Pilot

# (tab, url name, label, who sees it: "all" viewers, "manage", "results")
TABS = (
    ("overview", "pilots:detail", _("Overview"), "all"),
    ("scope", "pilots:scope", pgettext_lazy("pilot tab", "Scope"), "all"),
    ("objectives", "pilots:objectives", _("Objectives"), "all"),
    ("support", "pilots:support", pgettext_lazy("pilot tab", "Support"), "all"),
    ("surveys", "pilots:surveys", _("Surveys"), "manage"),
    ("evaluation", "pilots:evaluation", _("Evaluation"), "results"),
    ("lessons", "pilots:lessons", _("Lessons"), "all"),
    ("deployment", "pilots:deployment", _("Decision and deployment"), "all"),
    ("report", "pilots:report", pgettext_lazy("pilot tab", "Report"), "results"),
)


def pilot_context(user: User, pilot: Pilot, tab: str) -> dict[str, Any]:
    """Template context for a pilot page; ``tab`` is the current tab's key."""
    manages = policy.can_manage(user, pilot)
    results = manages or policy.can_see_results(user, pilot)
    allowed = {"all": True, "manage": manages, "results": results}
    return {
        "pilot": pilot,
        "tab": tab,
        "can_manage": manages,
        "can_see_results": results,
        "tabs": [(key, name, label) for key, name, label, who in TABS if allowed[who]],
        "nav_section": "pilots",
    }
