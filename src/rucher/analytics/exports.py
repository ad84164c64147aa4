"""Tables as shown on the analytics pages, and their CSV and XLSX files.

A ``Table`` is what a page shows and what a download contains: the same rows, the same
translated column titles, built by the same selector after the same permission check. Cells
with no data stay empty in files (never 0) and read "no data" on the page.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from django.utils.text import slugify

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass
class Table:
    key: str
    title: str
    columns: list[tuple[str, str]]  # (field, translated title)
    rows: list[list[Any]]
    percent: set[str] = field(default_factory=set)  # fields holding a share in [0, 1]
    note: str = ""
    shown: list[list[Any]] | None = None  # what the page prints, when not ``rows`` formatted

    def display_rows(self) -> list[list[str | None]]:
        """The rows as the page prints them: localised numbers and dates, None = no data."""
        if self.shown is not None:
            return [[None if v is None else str(v) for v in row] for row in self.shown]
        percent = self.percent_positions
        return [
            [_display(value, position in percent) for position, value in enumerate(row)]
            for row in self.rows
        ]

    @property
    def headers(self) -> list[str]:
        return [label for _name, label in self.columns]

    @property
    def percent_positions(self) -> set[int]:
        return {i for i, (name, _label) in enumerate(self.columns) if name in self.percent}


def _display(value: Any, percent: bool) -> str | None:
    from django.utils.formats import date_format, number_format

    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return date_format(value, "DATE_FORMAT")
    if percent and isinstance(value, int | float):
        return f"{number_format(round(value * 100, 1), 1)} %"
    if isinstance(value, float):
        if value.is_integer():
            return number_format(int(value), 0, force_grouping=True)
        return number_format(round(value, 3), 3 if abs(value) < 10 else 1, force_grouping=True)
    if isinstance(value, int):
        return number_format(value, 0, force_grouping=True)
    return str(value)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 4)
    return value


def to_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark, so that spreadsheet programs read accents right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode()


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def to_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = (_SHEET_FORBIDDEN.sub(" ", table.title) or "Rucher")[:31]
    sheet.append(table.headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    percent_columns = table.percent_positions
    for row in table.rows:
        values: list[Any] = []
        for value in row:
            if isinstance(value, datetime.datetime) and value.tzinfo is not None:
                value = value.replace(tzinfo=None)
            values.append(value)
        sheet.append(values)
        for position in percent_columns:
            sheet.cell(row=sheet.max_row, column=position + 1).number_format = "0.0%"
        for column, value in enumerate(values, start=1):
            if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
                sheet.cell(row=sheet.max_row, column=column).number_format = "yyyy-mm-dd"
    for column_cells in sheet.columns:
        width = max(len(str(cell.value or "")) for cell in column_cells)
        letter = column_cells[0].column_letter
        sheet.column_dimensions[letter].width = min(60, max(10, width + 2))
    if table.note:
        sheet.append([])
        sheet.append([table.note])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def filename(*parts: str, ext: str) -> str:
    stem = "-".join(slugify(part) for part in parts if part) or "rucher"
    return f"{stem}.{ext}"


def download(content: bytes, *, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def table_response(table: Table, fmt: str, *, prefix: str) -> HttpResponse:
    content = to_csv(table) if fmt == "csv" else to_xlsx(table)
    return download(content, content_type=FORMATS[fmt], name=filename(prefix, table.key, ext=fmt))
