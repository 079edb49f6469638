"""The register as an Excel workbook for managers and inspectors (``caseaudit report``).

One pass over the current audits feeds every sheet at once, in openpyxl's write-only mode, so
a report over 10,000 audits stays within tens of megabytes. The sheets, in order: Summary (with
native charts), Completion, Moderation, Audits, Scores, Responses (continued on "Responses 2"…
past Excel's row limit), Actions, Parents, Commentary and themes, Problems, Fields.
The cells' safety rules live in :mod:`caseaudit_docx.report.cells`; the per-audit sheets in
:mod:`caseaudit_docx.report.sheets`; the figures in :mod:`caseaudit_docx.report.summary`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from caseaudit_docx.cleanup import output_error, private_folder, written_whole
from caseaudit_docx.generate.outputs import check_new_file
from caseaudit_docx.model.form import Form
from caseaudit_docx.register.pack import FormSource, given_forms
from caseaudit_docx.register.read import (
    ReportFilter,
    allocations,
    audit_keys,
    current_audit_ids,
    current_forms,
    failed_files,
    iter_current,
)
from caseaudit_docx.register.store import Register, register_errors
from caseaudit_docx.report.cells import EXCEL_MAX_ROWS, Sheet, Styles, grade_palette
from caseaudit_docx.report.layout import report_layout
from caseaudit_docx.report.plan import plan_of
from caseaudit_docx.report.sheets import AuditSheets
from caseaudit_docx.report.summary import (
    Note,
    Stats,
    summary_widths,
    write_completion,
    write_moderation,
    write_summary,
)


@dataclass(frozen=True)
class ReportSummary:
    """What was written, for the closing line."""

    path: Path
    audits: int
    failed_files: int
    responses_sheets: tuple[str, ...]

    def line(self) -> str:
        text = f"Wrote {self.path}: {self.audits} audit{'s' * (self.audits != 1)}"
        if self.failed_files:
            text += f", {self.failed_files} file{'s' * (self.failed_files != 1)} not read " \
                    "as audits (failed or not forms) listed under Problems"
        if len(self.responses_sheets) > 1:
            text += f"; Responses continues on {', '.join(self.responses_sheets[1:])}"
        return text


def check_output(output: Path, force: bool) -> None:
    """Refuse a workbook we must not or cannot write, before any work is done."""
    check_new_file(output, suffix=".xlsx", wrong_suffix="the workbook's name must end in .xlsx",
                   force=force, need_folder=True)


def write_report(
    db_path: str | Path,
    output: str | Path,
    *,
    form: FormSource | Sequence[FormSource] | None = None,
    forms: Sequence[FormSource] | None = None,
    filters: ReportFilter | None = None,
    redact: bool = False,
    report_date: dt.date | None = None,
    max_rows: int = EXCEL_MAX_ROWS,
    force: bool = False,
) -> ReportSummary:
    """Write the workbook for the register at ``db_path`` to ``output`` (.xlsx).

    ``form`` (default the bundled one) says what the sheets show: its report part, its roles
    (identity, filters, redaction) and its grade kind (the grades and their colours).
    When the register holds audits read by several forms (the versions of a form), give each
    one's description (``forms``, or a sequence as ``form``; bundled ones are found by name):
    the sheets line fields up by id (:mod:`caseaudit_docx.report.layout`), the first form's
    fields first, and the Audits sheet names each audit's form. An audit whose form is not
    given is shown with the first form's layout and a line under Problems.
    ``filters`` are checked against the first form (a category must be one of its codes).
    ``report_date`` (default today) decides which actions are overdue; ``max_rows`` is the
    row limit of a sheet (Excel's, unless a test wants continuation sooner). The file is
    written under a temporary name and renamed, so a failed run leaves no half workbook; the
    files it takes to build it (they hold case data) live in a private folder, removed however
    the run ends (SIGTERM and SIGHUP included). A full disk is an
    :class:`~caseaudit_docx.errors.OutputError`: "…: cannot be written: disk full".
    """
    output = Path(output)
    given = given_forms(form, forms)
    filters = (filters or ReportFilter()).check(given[0])
    check_output(output, force)
    report_date = report_date or dt.date.today()
    try:
        with private_folder():  # the sheets' XML and rows, until the workbook is saved
            return _write(db_path, output, given, filters, redact=redact,
                          report_date=report_date, max_rows=max_rows, force=force)
    except OSError as exc:  # the private folder's files: a full disk, most likely
        raise output_error(exc, output) from None


def _write(db_path: str | Path, output: Path, given: Sequence[Form], filters: ReportFilter, *,
           redact: bool, report_date: dt.date, max_rows: int, force: bool) -> ReportSummary:
    with register_errors(db_path), Register.open(db_path, create=False) as register:
        layout = report_layout(given, current_forms(register))
        merged = layout.merged
        plan = plan_of(merged)
        book = Workbook(write_only=True)
        styles = Styles(book, grade_palette(plan.grade_kind))
        summary = Sheet(book, styles, "Summary", widths=summary_widths(plan))
        completion, moderation = (Sheet(book, styles, title)
                                  for title in ("Completion", "Moderation"))
        sheets = AuditSheets(book, styles, merged, redact=redact, report_date=report_date,
                             max_rows=max_rows, show_form=layout.several)
        try:
            stats = Stats(merged, redact=redact)
            failures = failed_files(register)
            sheets.add_failures(failures)
            ids = current_audit_ids(register, filters, form=merged)
            for audit in iter_current(register, ids):
                own, notice = layout.reading(audit.record)
                stats.add(audit, form=own)
                sheets.add(audit, form=own, notice=notice)
            sent = [a for a in allocations(register) if filters.in_dates(a.start_date)]
            keys = audit_keys(register)
            responses = sheets.close()
            notes: list[Note] = [
                ("report date (actions due before it are overdue)", report_date, None, None),
                ("audits covered", filters.describe(), None, None),
                ("child names", "left out" if redact else "included", None,
                 "--redact leaves them out of every sheet" if redact else None),
                ("files that could not be filed as audits", len(failures), None,
                 "see Problems"),
            ]
            if layout.several:
                notes.append(("forms that read the audits",
                              ", ".join(f"{n} {v}" for n, v in layout.named), None,
                              "fields line up by id; the Audits sheet names each audit's form"))
            if len(responses) > 1:
                notes.append(("Responses sheets", len(responses), None,
                              f"Responses passed Excel's limit of {max_rows:,} rows a sheet "
                              f"and continues on {', '.join(responses[1:])}"))
            write_summary(summary, stats, notes=notes)
            write_completion(completion, stats, sent, keys, report_date)
            write_moderation(moderation, stats)
            for sheet in (summary, completion, moderation):
                sheet.close()
        except BaseException:
            for sheet in (summary, completion, moderation, *sheets.all()):
                sheet.discard()
            raise
    _save(book, output, force)
    return ReportSummary(output, stats.audits, len(failures), tuple(responses))


def _save(book: Workbook, output: Path, force: bool) -> None:
    """Save under a temporary name, then rename: a failed run leaves no half workbook.

    ``ExcelWriter`` is what ``Workbook.save`` uses; called here with our own archive so the
    deflate level can be 1: the XML of a 10,000-audit report is over 500 MB, and level 1
    compresses it three times faster than the default for a file about a fifth larger.
    The temporary file is readable by its owner only (0600), like the register: the workbook
    names children too.
    """
    with written_whole(output, force=force) as handle, \
            ZipFile(handle, "w", ZIP_DEFLATED, allowZip64=True, compresslevel=1) as archive:
        ExcelWriter(book, archive).save()
