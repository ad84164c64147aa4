"""One Vega-Lite specification per chart, drawn to valid SVG and PNG by vl-convert."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from rucher.analytics import charts


def day(n: int) -> datetime.date:
    return datetime.date(2026, 3, 2) + datetime.timedelta(days=7 * n)


def all_charts() -> list[charts.Chart]:
    return [
        charts.bars_over_time(
            key="activity",
            title="Activity",
            rows=[{"day": day(i), "posts": i, "comments": 2 * i} for i in range(5)],
            series=[("posts", "Posts"), ("comments", "Comments")],
            date_label="Week",
            value_label="Acts",
            description="Acts per week",
            step=7,
        ),
        charts.horizontal_bars(
            key="funnel",
            title="Funnel",
            rows=[("Invited", 300), ("Activated", 250), ("Hidden", None)],
            category_label="Step",
            value_label="People",
            description="Adoption",
        ),
        charts.step_line(
            key="stages",
            title="Stage",
            rows=[
                {"day": day(i), "level": "Inception" if i < 3 else "Establishment"}
                for i in range(6)
            ],
            levels=["Dormant", "Inception", "Establishment"],
            date_label="Week",
            level_label="Stage",
            description="Stages",
        ),
        charts.heat_map(
            key="units",
            title="Units",
            cells=[("Sales", "Sales", 4), ("Sales", "IT", 7), ("IT", "Sales", 0), ("IT", "IT", 9)],
            source_label="From",
            target_label="To",
            value_label="Interactions",
            description="Interactions",
        ),
    ]


@pytest.mark.parametrize("chart", all_charts(), ids=lambda c: c.key)
def test_renders_to_valid_svg_and_png(chart):
    svg = charts.render(chart.spec, "svg")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    png = charts.render(chart.spec, "png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) > 1000


def test_one_spec_for_page_and_file():
    chart = all_charts()[0]
    assert chart.spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6")
    assert chart.spec["width"] == "container"  # the page fits its column
    fixed = charts.for_file(chart.spec, "Activity")
    assert fixed["width"] == charts.FILE_WIDTH and fixed["title"] == "Activity"
    # The same marks and data: only the size and title differ.
    assert fixed["mark"] == chart.spec["mark"] and fixed["data"] == chart.spec["data"]


def test_project_colours_and_table():
    chart = all_charts()[0]
    assert chart.spec["config"]["range"]["category"][0] == charts.HONEY
    assert chart.table.headers == ["Week", "Posts", "Comments"]
    assert len(chart.table.rows) == 5


def test_empty_and_hidden_values():
    assert charts.bars_over_time(
        key="a",
        title="A",
        rows=[{"day": day(0), "posts": 0}],
        series=[("posts", "Posts")],
        date_label="Day",
        value_label="Acts",
        description="",
    ).empty
    funnel = all_charts()[1]
    # A hidden step (below the privacy threshold) is not drawn, and stays empty in the table.
    assert funnel.table.rows[-1] == ["Hidden", None]
    assert "Hidden" not in str(funnel.spec["data"])


def test_french_formats():
    chart = all_charts()[0]
    with translation.override("fr"):
        assert charts.locales()["formatLocale"]["decimal"] == ","
        svg = charts.render(chart.spec, "svg").decode()
    assert "<svg" in svg


def test_unknown_format():
    with pytest.raises(ValueError, match="gif"):
        charts.render(all_charts()[0].spec, "gif")
