"""Readers of foreign exports: Viva Engage (Yammer) and Workplace from Meta.

Each converts an export into the open exchange format, which is then imported by the same
path as any open-format file::

    from rucher.exchange.readers import convert
    report = convert("network-export.zip", "converted.zip", source="yammer")
    if report.ok:
        ...  # import report.output
    for line in report.lines():
        print(line)

``convert`` never raises for a bad export: a source that cannot be read at all (broken ZIP,
missing folder, not the expected export) gives a report with ``ok`` False and one error line.
"""

from __future__ import annotations

import os
import zipfile
import zlib
from pathlib import Path

from django.utils.translation import gettext as _

from .common import ConversionReport, ExportSource, OpenFormatWriter, SourceError, zone
from .common import source_name as default_name
from .workplace import WorkplaceReader
from .yammer import YammerReader

__all__ = ["SOURCES", "ConversionReport", "convert", "detect"]

SOURCES = ("yammer", "workplace")


def detect(source: ExportSource) -> str | None:
    """Which export this is: ``yammer``, ``workplace``, or None when neither."""
    if source.find("Messages.csv") is not None:
        return "yammer"
    if any(
        name.lower().startswith("groups/") or name.lower() in {"people.csv", "people.json"}
        for name in source.names
    ):
        return "workplace"
    return None


def convert(
    source_path: str | os.PathLike[str],
    out: str | os.PathLike[str],
    source: str | None = None,
    *,
    timezone: str = "UTC",
    all_company: str = "community",
    source_name: str | None = None,
) -> ConversionReport:
    """Convert the export at ``source_path`` into the open format at ``out``.

    ``out`` is a folder (created, must be empty) or a ``.zip`` path. ``source`` is
    ``"yammer"`` or ``"workplace"`` (detected when None). ``timezone`` is the IANA zone of
    timestamps the export writes without one (both exports normally say UTC). ``all_company``
    is ``"community"`` (Yammer's All Company becomes an open community) or ``"skip"``.
    ``source_name`` is the manifest's stable source name (``yammer:contoso.com``); by default
    it is derived from the export (the network's permalink, or the main e-mail domain).
    """
    report = ConversionReport(source=str(source_path))
    try:
        export = ExportSource(source_path)
    except SourceError as error:
        report.fatal = True
        report.error(Path(source_path).name, 0, str(error))
        return report
    with export:
        kind = source or detect(export)
        if kind not in SOURCES:
            report.fatal = True
            report.error(
                Path(source_path).name,
                0,
                _("Not a Viva Engage (Yammer) nor a Workplace export, or an unknown source %(s)s.")
                % {"s": source or "?"},
            )
            return report
        try:
            writer = OpenFormatWriter(
                out, source_name or default_name(kind, Path(source_path).stem), kind
            )
        except SourceError as error:
            report.fatal = True
            report.error(str(out), 0, str(error))
            return report
        try:
            if kind == "yammer":
                YammerReader(
                    export,
                    writer,
                    report,
                    default_zone=zone(timezone),
                    all_company=all_company,
                    explicit_name=source_name is not None,
                ).run()
            else:
                WorkplaceReader(
                    export,
                    writer,
                    report,
                    default_zone=zone(timezone),
                    explicit_name=source_name is not None,
                ).run()
        except (SourceError, zipfile.BadZipFile, zlib.error, EOFError) as error:
            writer.abort()
            report.fatal = True
            report.error(
                Path(source_path).name,
                0,
                _("The export could not be read (%(error)s): nothing was converted.")
                % {"error": error},
            )
            return report
        except Exception:
            writer.abort()
            raise
        report.created.update(writer.counts)
        report.output = writer.close(report)
    return report
