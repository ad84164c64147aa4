"""Hot pages cost a fixed number of queries, whatever the number of people they show."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import make_person


def _add_people(count: int, org) -> None:
    for index in range(count):
        make_person(
            f"colleague{index}@exemple.fr",
            f"Colleague {index:02d}",
            job_title="Engineer",
            org_unit_id=org["team_a"].pk,
            site_id=org["lyon"].pk,
            skills=["Python", f"Skill {index}"],
            languages=["fr"],
        )


def _queries_for(client, url: str, params: dict[str, str] | None = None) -> int:
    client.get(url, params)  # warm-up: presence and session writes happen on the first request
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_directory_page_costs_the_same_for_3_or_23_people(client, outsider, org):
    client.force_login(outsider)
    _add_people(2, org)
    few = _queries_for(client, reverse("directory:list"))
    for index in range(20):
        make_person(f"more{index}@exemple.fr", f"More {index:02d}", skills=["SQL"])
    many = _queries_for(client, reverse("directory:list"))
    assert few == many
    assert many <= 12


def test_directory_search_costs_the_same_whatever_the_results(client, outsider, org):
    client.force_login(outsider)
    _add_people(3, org)
    few = _queries_for(client, reverse("directory:list"), {"q": "Colleague 01"})
    many = _queries_for(client, reverse("directory:list"), {"q": "Colleague"})
    assert few == many


def test_org_chart_reports_cost_the_same_whatever_their_number(client, manager, member, org):
    client.force_login(member)
    url = reverse("directory:org_chart", args=[manager.pk])
    few = _queries_for(client, url)
    for index in range(10):
        make_person(
            f"report{index}@exemple.fr",
            f"Report {index}",
            manager_id=manager.pk,
            skills=["Welding"],
        )
    many = _queries_for(client, url)
    assert few == many
