"""``caseaudit report``'s outputs, the workbook and the HTML briefing, as one job.

Both names are checked before either file is written: a run asked for both that could only
write one would leave the workbook behind, and running it again with the page's name put
right would then fail on the workbook that now exists. Asked for both, the page is made from
the workbook's own pass over the register (:func:`~caseaudit_docx.report.workbook.
write_report`'s ``html``), not from a second one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from caseaudit_docx.errors import InputError
from caseaudit_docx.register.pack import FormSource
from caseaudit_docx.register.read import ReportFilter
from caseaudit_docx.report.html import write_html_report
from caseaudit_docx.report.marking import DEFAULT_MARKING
from caseaudit_docx.report.workbook import write_report

__all__ = ["write_outputs"]


def write_outputs(
    db_path: str | Path,
    *,
    workbook: str | Path | None = None,
    html: str | Path | None = None,
    forms: Sequence[FormSource] | None = None,
    filters: ReportFilter | None = None,
    redact: bool = False,
    as_of: dt.date | None = None,
    marking: str = DEFAULT_MARKING,
    force: bool = False,
) -> list[str]:
    """Write the workbook (``workbook``, .xlsx), the briefing page (``html``), or both, for
    the register at ``db_path``; their closing lines, in that order. Options as
    :func:`~caseaudit_docx.report.workbook.write_report` takes them."""
    if workbook is not None:  # write_report checks both names before writing either
        written = write_report(db_path, workbook, forms=forms, filters=filters, redact=redact,
                               as_of=as_of, marking=marking, force=force, html=html)
        return [written.line(), *([written.page.line()] if written.page else [])]
    if html is not None:
        return [write_html_report(db_path, html, forms=forms, filters=filters, redact=redact,
                                  as_of=as_of, marking=marking, force=force).line()]
    raise InputError("give a workbook (-o BOOK.xlsx), an HTML page (--html PAGE.html), or both")
