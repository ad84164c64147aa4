"""The steering report as a PDF: the report's HTML laid out on A4 by WeasyPrint.

The charts are the page's Vega-Lite specifications drawn as SVG by vl-convert
(``analytics.charts.render``) and inlined in the HTML, so the PDF shows the same pictures as
the page, in vectors, with the viewer's number and date formats. WeasyPrint fetches nothing
over the network: the only resources it may load are the print style sheet, read from the
static files, and data: URIs (``fetcher``) — the report holds text people typed, and a
generated document must not reach out to addresses found in it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from rucher.analytics import charts

if TYPE_CHECKING:
    from rucher.analytics.charts import Chart
    from rucher.pilots.report import Report

STYLESHEET = "css/pilots-print.css"
# WeasyPrint logs each layout step of each page at INFO: noise in the server's log for every
# report printed. Its warnings (a style it cannot apply, a resource refused) still show.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
_PROLOGUE = re.compile(r"^\s*<\?xml[^>]*>\s*", re.IGNORECASE)


@dataclass
class PdfChart:
    chart: Chart
    svg: SafeString


def chart_svg(chart: Chart) -> SafeString:
    """The chart as an inline ``<svg>`` element, at the width of a file, titled."""
    svg = charts.render(charts.for_file(chart.spec, chart.title), "svg").decode()
    # vl-convert writes a standalone document; inline it as an element. Its texts are
    # XML-escaped by the renderer, so marking it safe adds no markup from people's input.
    return mark_safe(_PROLOGUE.sub("", svg))


def html(report: Report) -> str:
    """The HTML WeasyPrint lays out (what ``render_pdf`` prints; tests read it)."""
    context: dict[str, Any] = {
        "report": report,
        "pilot": report.pilot,
        "pdf_charts": [PdfChart(chart=chart, svg=chart_svg(chart)) for chart in report.charts],
        "pdf": True,
    }
    return render_to_string("pilots/report_pdf.html", context)


def _stylesheet() -> str:
    found = finders.find(STYLESHEET)
    if not found:
        raise FileNotFoundError(STYLESHEET)
    return str(found if isinstance(found, str) else found[0])


def fetcher() -> Any:
    """WeasyPrint's fetcher limited to data: URIs: files and network addresses met in the
    document are refused (WeasyPrint then leaves the resource out and logs a warning)."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=5)


def document(report: Report, source: str | None = None) -> Any:
    """The laid-out document (pages, bookmarks) before it is written; ``source`` is the
    report's HTML when the caller has it already (``html(report)``)."""
    from weasyprint import CSS, HTML

    text = html(report) if source is None else source
    return HTML(string=text, url_fetcher=fetcher(), base_url="/").render(
        stylesheets=[CSS(filename=_stylesheet())]
    )


def render_pdf(report: Report) -> bytes:
    """The report as PDF bytes."""
    return bytes(document(report).write_pdf())
