"""The workbook's sheets with rows per audit: Audits, Scores, Responses, the row groups
(Actions), Parents, Commentary and themes, Problems, and the Fields data dictionary.

They are filled while the audits stream past once. Audits, Scores and Responses are written
as they go (``constant_memory``: rows in order); the sheets after Responses are kept as rows
until the pass ends and written then, because a workbook's sheets stand in the order they are
added and Responses may need continuation sheets ("Responses 2") right after it. What each
sheet shows comes from the form (:class:`~caseaudit_docx.report.plan.Plan`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook

from caseaudit_docx.model.form import Form
from caseaudit_docx.model.kinds import DATE
from caseaudit_docx.model.normalise import normalise
from caseaudit_docx.model.record import WARNING, Problem, Record
from caseaudit_docx.register.read import ActionDone, CurrentAudit, FailedFile
from caseaudit_docx.report.action_status import OVERDUE, STATUS_COLUMNS, action_status
from caseaudit_docx.report.cells import EXCEL_MAX_ROWS, Col, Formats, PageSetup, Sheet
from caseaudit_docx.report.layout import form_label
from caseaudit_docx.report.plan import GroupRows, plan_of, text_of
from caseaudit_docx.report.redact import keep, redacted_fields, scrub_for
from caseaudit_docx.report.responses import Responses
from caseaudit_docx.report.sheets import (
    dictionary_row,
    field_col,
    field_value,
    iso_date,
    look_of_field,
    sheet_title,
    table_name,
)

__all__ = ["AuditSheets"]


class _Later:
    """A sheet written after the pass: its title, table, columns, freeze and rows so far."""

    def __init__(self, title: str, table: str, cols: Sequence[Col], freeze: str = "A2") -> None:
        self.title, self.table, self.cols, self.freeze = title, table, cols, freeze
        self.rows: list[tuple[Any, ...]] = []


class AuditSheets:
    """Streams each current audit into the per-audit sheets."""

    def __init__(self, book: Workbook, formats: Formats, form: Form, *, page: PageSetup,
                 redact: bool, as_of: dt.date, done: dict[tuple[int, int], ActionDone],
                 max_rows: int = EXCEL_MAX_ROWS, show_form: bool = False) -> None:
        self.book, self.formats, self.form, self.page = book, formats, form, page
        self.show_form = show_form  # an Audits column naming the form that read each audit
        self.plan = plan = plan_of(form)
        roles = form.roles
        self.redact, self.as_of, self.done = redact, as_of, done
        self.left_out = redacted_fields(form, redact)
        col = self._col
        self.key_cols = [Col("audit_id", 9), col(roles.case)]
        shown = [f for f in roles.shown if f != roles.case and f not in self.left_out]
        self.shown = shown
        #: The team and the auditor beside the case on the sheets of actions and comments.
        self.who = [f for f in (roles.team, roles.auditor) if f and f not in self.left_out]
        self.audit_fields = [f for f in form.report.audit_columns if f not in self.left_out]
        self.audit_cols = [Col("audit_id", 9), *(col(f) for f in self.audit_fields),
                           *([Col("form", 18)] if show_form else []),
                           Col("source_file", 40), Col("saved_at", 17, "datetime"),
                           Col("revisions", 10), Col("problems", 10)]
        self.audits = self._sheet("Audits", "Audits", self.audit_cols, "C2")
        self.score_cols = [*self.key_cols, *(col(f) for f in shown),
                           *(Col(f, 9) for f in plan.score_fields)]
        self.scores = self._sheet("Scores", "Scores", self.score_cols, "C2")
        self.responses = Responses(book, formats, page, self.key_cols[1], fields=form,
                                   max_rows=max(2, min(max_rows, EXCEL_MAX_ROWS)),
                                   left_out=self.left_out)
        self.groups: list[tuple[GroupRows, _Later]] = []
        for number, rows in enumerate(plan.groups):
            title = sheet_title(rows.group.name)
            cols = [*self.key_cols, *(col(f) for f in self.who), Col(f"{rows.stem}_no", 10),
                    *self._group_cols(rows), Col(STATUS_COLUMNS[0], 20),
                    Col(STATUS_COLUMNS[1], 12, "date"), *(Col(c, 13) for c in STATUS_COLUMNS[2:])]
            self.groups.append((rows, _Later(title, table_name(title, f"Group{number + 1}"),
                                             cols)))
        person_columns = form.report.person_columns
        self.beside_people = [f for f in (shown if person_columns is None else person_columns)
                              if f not in self.left_out]
        self.people = [f for f in plan.person_fields if f not in self.left_out]
        parent_cols = [*self.key_cols, *(col(f) for f in self.beside_people),
                       *(col(f, 30 if plan.field(f).kind.is_text else 12) for f in self.people)]
        people = sheet_title(form.report.person_sections[0]
                             if form.report.person_sections else "people")
        self.parents = _Later(people, table_name(people, "People"), parent_cols)
        self.commentary_fields = list(form.report.commentary)
        self.commentary = _Later("Commentary and themes", "Commentary", [
            *self.key_cols, *(col(f) for f in self.who),
            *([col(roles.overall)] if roles.overall else []),
            *(col(f, 60) for f in self.commentary_fields)])
        self.auditor = [roles.auditor] if roles.auditor else []
        self.problems = _Later("Problems", "Problems", [
            Col("source_file", 40), *self.key_cols, *(col(f) for f in self.auditor),
            Col("field_id", 16), Col("level", 9), Col("message", 70, "wrap")])
        self.fields = _Later("Fields", "Fields", [
            Col("id", 22), Col("section", 26), Col("question", 60, "wrap"), Col("kind", 14),
            Col("allowed_values", 40, "wrap")])

    def _col(self, field_id: str, width: float | None = None) -> Col:
        return field_col(self.plan, field_id, width)

    def _group_cols(self, rows: GroupRows) -> list[Col]:
        """A column per part of a row: the due date as a date, text wrapped (the first,
        what is to be done, widest)."""
        first_ids = dict((i.rsplit(".", 1)[-1], i) for _n, ids in rows.rows for i in ids)
        cols = []
        for index, name in enumerate(rows.columns):
            look = look_of_field(self.plan, first_ids[name])
            if look == "date" or name == rows.group.due:
                cols.append(Col(name, 12, "date"))
            else:
                cols.append(Col(name, 50 if index == 0 else 18, look))
        return cols

    def _sheet(self, title: str, table: str, cols: Sequence[Col], freeze: str = "A2") -> Sheet:
        sheet = Sheet(self.book, self.formats, title, page=self.page, freeze=freeze)
        sheet.start_table(table, cols)
        sheet.append(sheet.header_cells(cols))
        return sheet

    @staticmethod
    def _row(sheet: Sheet, values: Iterable[Any], scrub: Callable[[Any], Any]) -> None:
        sheet.append(sheet.cell(scrub(v), c.look) for v, c in zip(values, sheet_cols(sheet)))
        sheet.grow(0)

    # -- one audit -------------------------------------------------------------------------------

    def add(self, audit: CurrentAudit, *, form: Form | None = None,
            notice: Problem | None = None) -> None:
        """One audit on every sheet. ``form`` is the form that read it (default the sheets'
        own): Responses lists its fields in its page order. ``notice`` is a problem of the
        report itself about the audit (its form was not given), listed with the audit's own."""
        record, own = audit.record, form or self.form
        form = self.form
        problems = (*record.problems, *((notice,) if notice else ()))
        scrub = scrub_for(form, record, self.redact)
        case = text_of(record, form.roles.case)
        key = (audit.audit_id, case)
        saved = dt.datetime.fromisoformat(audit.saved_at.replace("Z", "")) \
            if audit.saved_at else None
        value = self._value
        self._row(self.audits, (
            audit.audit_id, *(value(record, f) for f in self.audit_fields),
            *([form_label(record)] if self.show_form else []),
            record.source.file, saved, audit.revisions, len(problems)), scrub)
        self._row(self.scores, (
            *key, *(value(record, f) for f in self.shown),
            *(value(record, f) for f in self.plan.score_fields)), scrub)
        self.responses.add(audit.audit_id, case, record, own, scrub)
        for rows, later in self.groups:
            self._add_group(audit.audit_id, record, key, scrub, rows, later)
        if any(text_of(record, f) for f in self.people):
            self._later(self.parents, (
                *key, *(value(record, f) for f in self.beside_people),
                *(value(record, f) for f in self.people)), scrub)
        if any(text_of(record, f) for f in self.commentary_fields):
            overall = [value(record, form.roles.overall)] if form.roles.overall else []
            self._later(self.commentary, (
                *key, *(text_of(record, f) for f in self.who), *overall,
                *(text_of(record, f) for f in self.commentary_fields)), scrub)
        for problem in problems:
            self._later(self.problems, (
                record.source.file, *key, *(text_of(record, f) for f in self.auditor),
                problem.field, problem.level, problem.message), scrub)

    @staticmethod
    def _later(later: _Later, values: Iterable[Any], scrub: Callable[[Any], Any]) -> None:
        later.rows.append(tuple(scrub(v) for v in values))

    def _value(self, record: Record, field_id: str) -> Any:
        """A field's cell: text for a team or a name, else :func:`field_value`."""
        if field_id not in self.form.by_id:
            return None
        return field_value(record, field_id, self.form)

    def _add_group(self, audit_id: int, record: Record, key: tuple[Any, ...],
                   scrub: Callable[[Any], Any], rows: GroupRows, later: _Later) -> None:
        """One row per filled row of the group, then per row added beyond the form's (an
        extra ``<stem><n>``, its parts separated by tabs), with where the action stands."""
        due = rows.group.due
        width = len(rows.columns)
        found: list[tuple[int, list[Any]]] = []
        for number, ids in rows.rows:
            if any(text_of(record, i) for i in ids):
                cells = {i.rsplit(".", 1)[-1]: self._value(record, i) for i in ids}
                found.append((number, [cells.get(c) for c in rows.columns]))
        for name, text in sorted(record.extras.items()):
            match = rows.extra_re.fullmatch(name)
            if match:
                extra: list[Any] = [*text.split("\t"), *([None] * width)][:width]
                if due in rows.columns:
                    at = rows.columns.index(due)
                    when = normalise(DATE, extra[at]).value if extra[at] else None
                    extra[at] = iso_date(when) or extra[at]
                found.append((int(match.group(1)), extra))
        who = [text_of(record, f) for f in self.who]
        for number, parts in found:
            target = parts[rows.columns.index(due)] if due in rows.columns else None
            status = action_status(target, self.done.get((audit_id, number)), self.as_of)
            self._later(later, (*key, *who, number, *parts, *status.cells()), scrub)

    # -- the rest --------------------------------------------------------------------------------

    def add_failures(self, failures: Sequence[FailedFile]) -> None:
        """Files that never became an audit lead the list of what to chase."""
        blank = [None] * (len(self.key_cols) + len(self.auditor))
        for failed in failures:
            for problem in failed.problems or ():
                self._later(self.problems, (failed.path, *blank, problem.field, problem.level,
                                            problem.message), keep)

    def add_warnings(self, lines: Iterable[str]) -> None:
        """Warnings of the report as a whole (possible duplicate audits), one row each."""
        blank = [None] * (len(self.key_cols) + len(self.auditor))
        for line in lines:
            self._later(self.problems, (None, *blank, None, WARNING, line), keep)

    def _score_scale(self) -> None:
        """Red to green over the scores' range (the score kinds' lowest to highest)."""
        kinds = [self.plan.field(f).kind for f in self.plan.score_fields]
        lows = [k.minimum for k in kinds if k.minimum is not None]
        highs = [k.maximum for k in kinds if k.maximum is not None]
        if not kinds or not lows or not highs:
            return
        low, high = min(lows), max(highs)
        middle = (low + high) / 2
        first = len(self.key_cols) + len(self.shown)
        self.scores.ws.conditional_format(
            1, first, max(self.scores.row - 1, 1), len(self.score_cols) - 1,
            {"type": "3_color_scale", "min_type": "num", "min_value": low,
             "min_color": "#F8696B", "mid_type": "num",
             "mid_value": int(middle) if middle.is_integer() else middle,
             "mid_color": "#FFEB84", "max_type": "num", "max_value": high,
             "max_color": "#63BE7B"})

    def _write_later(self, later: _Later) -> Sheet:
        sheet = self._sheet(later.title, later.table, later.cols, later.freeze)
        for values in later.rows:
            self._row(sheet, values, keep)
        later.rows = []
        return sheet

    def close(self) -> list[str]:
        """Write the sheets after Responses, and close every sheet; the Responses sheets'
        titles are returned."""
        for field in self.form.fields:
            self.fields.rows.append(dictionary_row(field, self.form.section_titles))
        self._score_scale()
        self.audits.close()
        self.scores.close()
        responses = self.responses.close()
        for _rows, later in self.groups:
            sheet = self._write_later(later)
            status = xl_col_to_name([c.name for c in later.cols].index(STATUS_COLUMNS[0]))
            top, first, bottom, last = sheet.table_range(0)
            sheet.ws.conditional_format(top + 1, first, bottom, last, {  # overdue rows in red
                "type": "formula", "criteria": f'=${status}{top + 2}="{OVERDUE}"',
                "format": self.formats.get("overdue")})
            sheet.close()
        for later in (self.parents, self.commentary, self.problems, self.fields):
            self._write_later(later).close()
        return responses


def sheet_cols(sheet: Sheet) -> Sequence[Col]:
    """The columns of a sheet's first table (every per-audit sheet has one)."""
    return sheet.table_cols(0)
