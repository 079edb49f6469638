"""The register as an Excel workbook for managers and inspectors (``caseaudit report``).

One pass over the current audits feeds every sheet at once. The workbook is written with
XlsxWriter's public API in its ``constant_memory`` mode (rows go to temporary files in the
report's private folder as they are written), so a report over 10,000 audits stays within a
few hundred MB; :mod:`caseaudit_docx.report.cells` says how text stays text. The sheets, in
order: Summary (the briefing: :mod:`caseaudit_docx.report.briefing_sheet`), Questions (every
scored question, weakest first; the Summary lists the weakest few), Completion,
Moderation, Audits, Scores, Responses (continued on "Responses 2"… past Excel's row limit),
the form's row groups (Actions, with where each action stands on the ``as_of`` date), Parents,
Commentary and themes, Problems, Fields. Every sheet is set up to print, with the report's
title in the header and the protective ``marking`` in the footer; the workbook's properties
name its title, caseaudit as its author, and the marking.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO

from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.workbook import Workbook

from caseaudit_docx.cleanup import current_folder, output_error, private_folder, written_whole
from caseaudit_docx.generate.outputs import check_new_file
from caseaudit_docx.model.form import Form
from caseaudit_docx.register.pack import FormSource, given_forms
from caseaudit_docx.register.read import (
    ReportFilter,
    actions_done,
    allocations,
    current_audit_ids,
    current_forms,
    failed_files,
    iter_current,
    possible_duplicates,
)
from caseaudit_docx.register.store import Register, register_errors
from caseaudit_docx.report.audit_sheets import AuditSheets
from caseaudit_docx.report.briefing import Briefing, BriefingBuilder, allocation_scope
from caseaudit_docx.report.briefing_sheet import (
    QUESTIONS_SHEET,
    write_briefing_sheet,
    write_questions_sheet,
)
from caseaudit_docx.report.cells import (
    BOOK_OPTIONS,
    EXCEL_MAX_ROWS,
    Formats,
    PageSetup,
    Sheet,
    grade_palette,
)
from caseaudit_docx.report.html import HtmlSummary, check_page, write_page
from caseaudit_docx.report.layout import Layout, report_layout
from caseaudit_docx.report.marking import DEFAULT_MARKING, check_marking
from caseaudit_docx.report.plan import plan_of
from caseaudit_docx.report.stats import Stats
from caseaudit_docx.report.summary import write_completion, write_moderation

__all__ = ["DEFAULT_MARKING", "ReportSummary", "check_output", "report_title", "write_report"]

#: The protective marking printed on every page unless ``--marking`` says otherwise.


@dataclass(frozen=True)
class ReportSummary:
    """What was written, for the closing line."""

    path: Path
    audits: int
    failed_files: int
    responses_sheets: tuple[str, ...]
    page: HtmlSummary | None = None  # the HTML briefing written from the same pass, if asked

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


def report_title(form: Form, council: str | None = None) -> str:
    """The title every page's header and the workbook's properties carry."""
    return " · ".join(p for p in (council, f"{form.title}: audit report") if p)


def write_report(
    db_path: str | Path,
    output: str | Path,
    *,
    form: FormSource | Sequence[FormSource] | None = None,
    forms: Sequence[FormSource] | None = None,
    filters: ReportFilter | None = None,
    redact: bool = False,
    as_of: dt.date | None = None,
    marking: str = DEFAULT_MARKING,
    council: str | None = None,
    max_rows: int = EXCEL_MAX_ROWS,
    force: bool = False,
    report_date: dt.date | None = None,
    html: str | Path | None = None,
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
    ``as_of`` (default today; ``report_date`` is its old name) decides which actions are
    overdue and which due; ``marking`` is printed on every page (``council``, when known, in
    the title); ``max_rows`` is the row limit of a sheet (Excel's, unless a test wants
    continuation sooner). The file is written under a temporary name and renamed, so a failed
    run leaves no half workbook; the files it takes to build it (they hold case data) live in
    a private folder, removed however the run ends (SIGTERM and SIGHUP included). A full disk
    is an :class:`~caseaudit_docx.errors.OutputError`: "…: cannot be written: disk full".
    With ``html`` (a .html path), the briefing is also written as a page
    (:func:`~caseaudit_docx.report.html.write_html_report`'s), from the same pass over the
    register; both names are checked before either file is written.
    """
    output = Path(output)
    page = Path(html) if html is not None else None
    given = given_forms(form, forms)
    filters = (filters or ReportFilter()).check(given[0])
    marking = check_marking(marking)
    check_output(output, force)
    if page is not None:
        check_page(page, force)
    as_of = as_of or report_date or dt.date.today()
    try:
        with private_folder():  # the sheets' rows, until the workbook is saved
            summary, briefing = _write(db_path, output, given, filters, redact=redact,
                                       as_of=as_of, marking=marking, council=council,
                                       max_rows=max_rows, force=force)
    except OSError as exc:  # the private folder's files: a full disk, most likely
        raise output_error(exc, output) from None
    if page is None:
        return summary
    return replace(summary, page=write_page(briefing, page, force=force))


def _write(db_path: str | Path, output: Path, given: Sequence[Form], filters: ReportFilter, *,
           redact: bool, as_of: dt.date, marking: str, council: str | None, max_rows: int,
           force: bool) -> tuple[ReportSummary, Briefing]:
    with register_errors(db_path), Register.open(db_path, create=False) as register, \
            written_whole(output, force=force) as handle:
        layout = report_layout(given, current_forms(register))
        sink = _Sink(handle)
        book = _new_book(sink, layout.merged, marking, council)
        try:
            try:
                summary = _fill(book, register, layout, filters, redact=redact, as_of=as_of,
                                marking=marking, council=council, max_rows=max_rows)
            except BaseException:
                _abandon(book, sink)
                raise
            book.close()  # zips the sheets' rows into the workbook
        except FileCreateError as exc:  # XlsxWriter's wrapping of an OSError
            cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else None
            if cause is None:
                raise
            raise cause from None
        finally:
            sink.finish()
    audits, failed, responses, briefing = summary
    return ReportSummary(output, audits, failed, responses), briefing


def _abandon(book: Workbook, sink: _Sink) -> None:
    """A report that failed before its workbook was zipped: close the workbook into nothing,
    the one public way to have XlsxWriter close its files of rows (in the private folder,
    removed with it); any trouble doing so is not the error to report."""
    sink.finish()
    with contextlib.suppress(Exception):
        book.close()


class _Sink:
    """The workbook's file as XlsxWriter sees it: the temporary file of
    :func:`~caseaudit_docx.cleanup.written_whole` until the report ends, and nothing after.

    A report that fails while the workbook is being zipped (a full disk, SIGTERM) leaves
    XlsxWriter's zip archive open; when it is collected it tries to finish the archive on a
    file already closed and removed, which must not raise again (it would be an "exception
    ignored" on stderr)."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.finished = False
        self.position = 0  # after the end: where the archive believes it is

    def finish(self) -> None:
        try:
            self.position = self.handle.tell()
        except (OSError, ValueError):
            self.position = 0
        self.finished = True

    def write(self, data: bytes) -> int:
        if self.finished:
            self.position += len(data)
            return len(data)
        return self.handle.write(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        if self.finished:
            self.position = offset if whence == 0 else self.position + offset
            return self.position
        return self.handle.seek(offset, whence)

    def tell(self) -> int:
        return self.position if self.finished else self.handle.tell()

    def flush(self) -> None:
        if not self.finished:
            self.handle.flush()

    def seekable(self) -> bool:
        return True

    def close(self) -> None:
        """The file is :func:`~caseaudit_docx.cleanup.written_whole`'s to close."""


def _new_book(handle: _Sink, form: Form, marking: str, council: str | None) -> Workbook:
    folder = current_folder()
    book = Workbook(handle, {**BOOK_OPTIONS, **({"tmpdir": str(folder)} if folder else {})})
    title = report_title(form, council)
    book.set_properties({
        "title": title, "subject": f"{form.title} (version {form.version}); {marking}",
        "author": "caseaudit", "manager": "", "company": council or "",
        "keywords": marking, "comments": f"Protective marking: {marking}. Made by caseaudit.",
    })
    return book


def _fill(book: Workbook, register: Register, layout: Layout, filters: ReportFilter, *,
          redact: bool, as_of: dt.date, marking: str, council: str | None, max_rows: int
          ) -> tuple[int, int, tuple[str, ...], Briefing]:
    merged = layout.merged
    plan = plan_of(merged)
    formats = Formats(book, grade_palette(plan.grade_kind))
    page = PageSetup(report_title(merged, council), marking)
    summary_ws = book.add_worksheet("Summary")
    questions_ws = book.add_worksheet(QUESTIONS_SHEET)
    completion, moderation = (Sheet(book, formats, title, page=page)
                              for title in ("Completion", "Moderation"))
    sheets = AuditSheets(book, formats, merged, page=page, redact=redact, as_of=as_of,
                         done=actions_done(register), max_rows=max_rows,
                         show_form=layout.several)
    stats = Stats(merged, redact=redact)
    briefing = BriefingBuilder(merged, filters=filters, as_of=as_of, redact=redact,
                               marking=marking, council=council)
    failures = failed_files(register)
    sheets.add_failures(failures)
    ids = current_audit_ids(register, filters, form=merged)
    for audit in iter_current(register, ids):
        own, notice = layout.reading(audit.record)
        stats.add(audit, form=own)
        briefing.add(audit, form=own)
        sheets.add(audit, form=own, notice=notice)
    # File names often carry the child's name: a redacted report names the audits by id.
    sheets.add_warnings(d.line(files=not redact) for d in possible_duplicates(register, merged))
    responses = sheets.close()
    sent = [a for a in allocations(register) if filters.in_dates(a.start_date)]
    write_completion(completion, stats, sent, as_of, scope=allocation_scope(filters))
    write_moderation(moderation, stats)
    completion.close()
    moderation.close()
    notes = [("Files not read as audits", f"{len(failures)}; see Problems")] if failures else []
    if layout.several:
        notes.append(("Forms that read the audits", ", ".join(f"{n} {v}" for n, v in
                                                               layout.named)
                      + "; fields line up by id and the Audits sheet names each audit's form"))
    if len(responses) > 1:
        notes.append(("Responses sheets", f"Responses passed Excel's limit of {max_rows:,} rows "
                      f"a sheet and continues on {', '.join(responses[1:])}"))
    finished = briefing.finish(register, notes)
    write_briefing_sheet(book, summary_ws, finished)
    write_questions_sheet(book, questions_ws, finished)
    # The page carries the briefing without the workbook's notes (they point at its sheets).
    return stats.audits, len(failures), tuple(responses), briefing.finish(register, ())
