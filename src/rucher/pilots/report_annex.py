"""The report's data annex: every table of the steering report as files.

Two forms: a zip of CSV files (one per table, numbered in reading order, UTF-8 with a
byte-order mark as ``analytics.exports.to_csv`` writes them) and one XLSX workbook with one
sheet per table. Both hold exactly the report's tables, built for the same viewer after the
same permission check; numbers stay raw numbers (shares as fractions), empty cells mean
"no data".
"""

from __future__ import annotations

import copy
import io
import zipfile
from typing import TYPE_CHECKING

from django.utils.text import slugify

from rucher.analytics import exports

if TYPE_CHECKING:
    from rucher.analytics.exports import Table
    from rucher.pilots.report import Report

FORMATS = {"csv": "application/zip", "xlsx": exports.FORMATS["xlsx"]}
SHEET_TITLE_LENGTH = 31  # Excel's limit


def to_zip(tables: list[Table]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, table in enumerate(tables, start=1):
            name = f"{number:02d}-{slugify(table.key.replace('_', '-')) or 'table'}.csv"
            archive.writestr(name, exports.to_csv(table))
    return buffer.getvalue()


def _sheet_title(table: Table, number: int, taken: set[str]) -> str:
    """A sheet name Excel accepts: no []:*?/\\, at most 31 characters, unique in the book."""
    base = exports._SHEET_FORBIDDEN.sub(" ", table.title).strip() or table.key
    prefix = f"{number:02d} "
    title = (prefix + base)[:SHEET_TITLE_LENGTH].rstrip()
    while title.lower() in taken:  # the prefix makes this rare; be safe anyway
        title = title[:-1] or prefix
    taken.add(title.lower())
    return title


def to_xlsx(tables: list[Table]) -> bytes:
    """One sheet per table, with the same header, number formats and notes as the single
    table files of ``analytics.exports``."""
    from openpyxl import Workbook, load_workbook

    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    taken: set[str] = set()
    for number, table in enumerate(tables, start=1):
        # Reuse the single-table writer (formats, widths, note) and copy its sheet over.
        single = load_workbook(io.BytesIO(exports.to_xlsx(table)))
        source = single.active
        assert source is not None
        sheet = book.create_sheet(_sheet_title(table, number, taken))
        for row in source.iter_rows():
            for cell in row:
                target = sheet.cell(row=cell.row, column=cell.column, value=cell.value)
                if cell.has_style:
                    target.font = copy.copy(cell.font)
                    target.number_format = cell.number_format
        for letter, dimension in source.column_dimensions.items():
            sheet.column_dimensions[letter].width = dimension.width
    if not tables:
        book.create_sheet("Rucher")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def annex(report: Report, fmt: str) -> bytes:
    tables = report.tables()
    return to_zip(tables) if fmt == "csv" else to_xlsx(tables)


def filename(report: Report, fmt: str) -> str:
    ext = "zip" if fmt == "csv" else "xlsx"
    return exports.filename(report.pilot.slug, "annex", str(report.generated_at.date()), ext=ext)
