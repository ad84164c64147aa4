"""Permission-matrix rows of the analytics pages, downloads and API (imported by
tests/test_permission_matrix).

Rules the rows spell out: a community's insights are for its owners and animators,
administrators, the ESN project team (for the communities they can see) and the internal
members of an open community; anyone else who sees the community gets 403, who does not
gets the 404 of a missing one. Downloads follow their page exactly. The network dashboard is
for the project team and administrators; "my activity" and the charter for everyone logged
in; the privacy settings and the lifecycle thresholds for administrators.
"""

from __future__ import annotations

from tests.test_permission_matrix import (
    VISIBILITIES,
    Row,
    api,
    in_community,
    only,
    page,
    url,
)

NETWORK = {"admin", "project_lead"}
INSIGHTS = {
    "open": {"member", "animator", "owner", "admin", "project_lead"},
    "private": {"animator", "owner", "admin", "project_lead"},
    "secret": {"animator", "owner", "admin"},  # the project team does not see it
}

ROWS: list[Row] = [
    Row("analytics:index", "GET", url("analytics:index"), page(200)),
    Row("analytics:charter", "GET", url("analytics:charter"), page(200)),
    Row("analytics:my_activity", "GET", url("analytics:my_activity"), page(200)),
    Row(
        "analytics:my_download",
        "GET",
        url("analytics:my_download", "by_community", "csv"),
        page(200),
    ),
    Row(
        "analytics:network",
        "GET",
        url("analytics:network"),
        only(NETWORK, 200, others=403, base=page),
    ),
    Row(
        "analytics:network_download",
        "GET",
        url("analytics:network_download", "funnel", "xlsx"),
        only(NETWORK, 200, others=403, base=page),
    ),
    Row(
        "analytics:privacy",
        "GET",
        url("analytics:privacy"),
        only({"admin"}, 200, others=403, base=page),
    ),
    Row(
        "analytics:privacy",
        "POST",
        url("analytics:privacy"),
        only({"admin"}, 302, others=403, base=page),
        {"min_group_size": 6},
    ),
    Row(
        "analytics:thresholds",
        "GET",
        url("analytics:thresholds"),
        only({"admin"}, 200, others=403, base=page),
    ),
    Row(
        "analytics:thresholds",
        "POST",
        url("analytics:thresholds"),
        only({"admin"}, 302, others=403, base=page),
        {"action": "reset"},
    ),
    Row(
        "analytics:community_download",
        "GET",
        url("analytics:community_download", "s:open", "activity", "png"),
        in_community("open", INSIGHTS["open"], 200),
        label="open, a chart",
    ),
    # API
    Row("api:analytics_definitions", "GET", url("api:analytics_definitions"), api(200)),
    Row("api:analytics_my_activity", "GET", url("api:analytics_my_activity"), api(200)),
    Row(
        "api:analytics_network_kpis",
        "GET",
        url("api:analytics_network_kpis"),
        only(NETWORK, 200, others=403, base=api),
    ),
    Row(
        "api:analytics_community_kpi",
        "GET",
        url("api:analytics_community_kpi", "c:open", "reach"),
        in_community("open", INSIGHTS["open"], 200, base=api),
        label="open",
    ),
    Row(
        "api:analytics_community_stages",
        "GET",
        url("api:analytics_community_stages", "c:secret"),
        in_community("secret", INSIGHTS["secret"], 200, base=api),
        label="secret",
    ),
]

for v in VISIBILITIES:
    ROWS += [
        Row(
            "analytics:community",
            "GET",
            url("analytics:community", f"s:{v}"),
            in_community(v, INSIGHTS[v], 200),
            label=v,
        ),
        Row(
            "analytics:community_download",
            "GET",
            url("analytics:community_download", f"s:{v}", "indicators", "csv"),
            in_community(v, INSIGHTS[v], 200),
            label=f"{v}, a table",
        ),
        Row(
            "api:analytics_community_kpis",
            "GET",
            url("api:analytics_community_kpis", f"c:{v}"),
            in_community(v, INSIGHTS[v], 200, base=api),
            label=v,
        ),
    ]
