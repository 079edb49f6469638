"""``caseaudit collate``: forms in, workbook out, in one step, leaving no register behind.

The register is made in a private temporary folder (0700, the file itself 0600: the forms name
children), filled by :func:`~caseaudit_docx.register.ingest.ingest`, reported by
:func:`~caseaudit_docx.report.workbook.write_report`, and deleted afterwards, even when a step
fails or SIGTERM or SIGHUP stops the run (:func:`caseaudit_docx.cleanup.private_folder`; after
a kill -9, the next run deletes it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from caseaudit_docx.cleanup import private_folder
from caseaudit_docx.register.ingest import IngestSummary, Progress, ingest
from caseaudit_docx.register.pack import FormSource, given_forms
from caseaudit_docx.register.read import ReportFilter
from caseaudit_docx.report.workbook import (
    DEFAULT_MARKING,
    ReportSummary,
    check_output,
    write_report,
)


@dataclass(frozen=True)
class CollateSummary:
    ingest: IngestSummary
    report: ReportSummary

    def line(self) -> str:
        return f"Read {self.ingest.line()}. {self.report.line()}"


def collate(
    paths: Iterable[str | Path],
    output: str | Path,
    *,
    form: FormSource | Sequence[FormSource] | None = None,
    forms: Sequence[FormSource] | None = None,
    filters: ReportFilter | None = None,
    redact: bool = False,
    force: bool = False,
    as_of: dt.date | None = None,
    marking: str = DEFAULT_MARKING,
    report_date: dt.date | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> CollateSummary:
    """Ingest ``paths`` into a temporary register and write the workbook to ``output``.

    The forms are read, and the workbook written, with ``form`` (default the bundled one);
    given several (``forms``, or a sequence as ``form``), each document is read by the one it
    fits best and the workbook lines their fields up by id.
    """
    given = given_forms(form, forms)
    filters = (filters or ReportFilter()).check(given[0])  # fail fast: before reading anything
    check_output(Path(output), force)  # and on the output
    with private_folder() as folder:
        db = folder / "register.db"
        read = ingest(paths, db, forms=given, progress=progress)
        written = write_report(db, output, forms=given, filters=filters, redact=redact,
                               force=force, as_of=as_of or report_date, marking=marking)
    return CollateSummary(read, written)
