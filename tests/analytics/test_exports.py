"""Downloads: every table as CSV and XLSX, every chart as PNG and SVG, behind the page's
own access check, holding exactly what the page shows."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.analytics.helpers import activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas, communities):
    return {**activity(personas, communities), "communities": communities, **personas}


def get(world, who, name, *args, **query):
    client = Client()
    client.force_login(world[who])
    return client.get(reverse(name, args=args), query)


def rows_of_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_community_table_as_csv_and_xlsx(world):
    slug = world["communities"]["open"].slug
    today = str(timezone.localdate())
    response = get(
        world,
        "animator",
        "analytics:community_download",
        slug,
        "resolution",
        "csv",
        period="custom",
        start=today,
        end=today,
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = rows_of_csv(response)
    assert rows[0] == ["Status", "Questions"]
    # One question, answered by the animator, none accepted.
    assert rows[1:] == [
        ["Accepted answer", "0"],
        ["Answered, none accepted", "1"],
        ["Unanswered", "0"],
    ]

    response = get(world, "animator", "analytics:community_download", slug, "indicators", "xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:3] == ("Indicator", "Value", "Numerator")
    labels = [row[0] for row in values[1:] if row and row[0]]
    assert "Reach" in labels
    # A KPI with no data is an empty cell, never 0.
    reach = next(row for row in values if row[0] == "Reach")
    assert reach[1] is None


def test_csv_holds_what_the_page_shows(world):
    slug = world["communities"]["open"].slug
    page = get(world, "owner", "analytics:community", slug).content.decode()
    rows = rows_of_csv(get(world, "owner", "analytics:community_download", slug, "activity", "csv"))
    assert rows[0] == ["Day", "Posts", "Comments", "Reactions"]
    assert sum(int(row[1]) for row in rows[1:]) == 0  # today's posts are not in "last 28 days"
    assert 'data-testid="download-activity-csv"' in page


def test_charts_as_png_and_svg(world):
    slug = world["communities"]["open"].slug
    png = get(world, "owner", "analytics:community_download", slug, "first_response", "png")
    assert png.status_code == 200
    assert png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    svg = get(world, "owner", "analytics:community_download", slug, "stage_history", "svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content[:400]
    assert b"Stage week by week" in svg.content


def test_network_and_my_activity_files(world):
    funnel = get(world, "project_lead", "analytics:network_download", "funnel", "csv")
    assert rows_of_csv(funnel)[0] == ["Step", "People"]
    heat = get(world, "admin", "analytics:network_download", "unit_interactions", "svg")
    assert heat.status_code == 200
    mine = get(world, "member", "analytics:my_download", "by_community", "xlsx")
    assert mine.status_code == 200


def test_downloads_check_like_their_page(world):
    slug = world["communities"]["private"].slug
    assert (
        get(world, "member", "analytics:community_download", slug, "activity", "csv").status_code
        == 403
    )
    secret = world["communities"]["secret"].slug
    assert (
        get(
            world, "outsider", "analytics:community_download", secret, "activity", "csv"
        ).status_code
        == 404
    )
    assert get(world, "member", "analytics:network_download", "funnel", "csv").status_code == 403


def test_unknown_item_or_format_is_404_and_bad_period_400(world):
    slug = world["communities"]["open"].slug
    assert (
        get(world, "owner", "analytics:community_download", slug, "nothing", "csv").status_code
        == 404
    )
    assert (
        get(world, "owner", "analytics:community_download", slug, "activity", "pdf").status_code
        == 404
    )
    # A table is not a chart and a chart's table is a table.
    assert (
        get(world, "owner", "analytics:community_download", slug, "indicators", "png").status_code
        == 404
    )
    response = get(
        world,
        "owner",
        "analytics:community_download",
        slug,
        "activity",
        "csv",
        period="custom",
        start="2099-01-01",
        end="2099-01-02",
    )
    assert response.status_code == 400
    assert "future" in response.content.decode()
