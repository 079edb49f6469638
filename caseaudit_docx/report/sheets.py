"""The workbook's sheets with rows per audit: Audits, Scores, Responses, Actions, Parents,
Commentary and themes, Problems, and the Fields data dictionary.

They are written while the audits stream past once (write-only mode cannot go back). Column
headings are the field ids of ``docs/fields.md`` wherever a column holds a field, so pivot
tables and Power BI queries survive a new report.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.utils import get_column_letter

from caseaudit_docx.model.form import Field, Form
from caseaudit_docx.model.kinds import DATE
from caseaudit_docx.model.normalise import NA, normalise
from caseaudit_docx.model.record import Problem, Record
from caseaudit_docx.register.read import CurrentAudit, FailedFile
from caseaudit_docx.report.cells import EXCEL_MAX_ROWS, Col, Sheet, Styles
from caseaudit_docx.report.layout import form_label
from caseaudit_docx.report.plan import GroupRows, Plan, plan_of, text_of


def field_value(record: Record, field_id: str, form: Form) -> Any:
    """What a cell shows for a field: its value (dates as dates, lists joined) or, when the
    text could not be read as a value, the text as written (the Problems sheet says why)."""
    fv = record.fields.get(field_id)
    if fv is None:
        return None
    value = fv.value
    if value is None:
        return fv.text
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, str) and form.by_id[field_id].kind.type == "date" and value != NA:
        return iso_date(value) or value
    return value


def iso_date(value: Any) -> dt.date | None:
    """An ISO date string as a date for a date cell; anything else (None, not a date) None."""
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def look_of_field(plan: Plan, field_id: str) -> str:
    """Dates as dates, grades in their colours, free text wrapped."""
    kind = plan.field(field_id).kind
    if kind.type == "date":
        return "date"
    if plan.grade_kind is not None and kind == plan.grade_kind:
        return "grade"
    return "wrap" if kind.type == "text" else "plain"


def field_col(plan: Plan, field_id: str, width: float | None = None) -> Col:
    look = look_of_field(plan, field_id)
    return Col(field_id, width or (40 if look == "wrap" else 14), look)


class Redactor:
    """Leaves a child's name out of every text of their audit (``--redact``).

    The name fields themselves are dropped; each whole name (ignoring case) and each part of
    it as written (two letters or more, so "May" is caught but "may" is not) are replaced in
    free text, file names and messages: notes often say "Mia said…".
    """

    MARK = "[child]"

    def __init__(self, *names: str | None) -> None:
        wholes = [w for w in (" ".join((n or "").split()) for n in names) if w]
        parts = sorted({p for w in wholes for p in re.split(r"[\s,.'’()-]+", w) if len(p) >= 2},
                       key=len, reverse=True)
        self._whole = re.compile("|".join(re.escape(w).replace(r"\ ", r"\s+")
                                          for w in sorted(wholes, key=len, reverse=True)),
                                 re.I) if wholes else None
        self._parts = re.compile(r"\b(?:" + "|".join(map(re.escape, parts)) + r")\b") \
            if parts else None

    def __call__(self, value: Any) -> Any:
        if isinstance(value, str):
            if self._whole is not None:
                value = self._whole.sub(self.MARK, value)
            if self._parts is not None:
                value = self._parts.sub(self.MARK, value)
        return value


def keep(value: Any) -> Any:
    """The scrub of an unredacted report: every value as it is."""
    return value


def scrub_for(form: Form, record: Record, redact: bool) -> Callable[[Any], Any]:
    """The scrub of one audit: with ``redact``, the names of the form's ``redact_names``
    fields (else its child's) are left out of every text."""
    if not redact:
        return keep
    names = form.roles.redact_names or ((form.roles.child,) if form.roles.child else ())
    return Redactor(*(text_of(record, f) for f in names))


def redacted_fields(form: Form, redact: bool) -> frozenset[str]:
    """The fields ``--redact`` leaves out of every sheet (the form's ``redact`` role)."""
    return frozenset(form.roles.redact) if redact else frozenset()


def _sheet_title(key: str) -> str:
    """A sheet's title from the description's name for what it holds ("actions": "Actions"),
    within Excel's 31 characters and without the characters a sheet title cannot have."""
    return re.sub(r"[\\/*?:\[\]]", " ", key.replace("_", " ")).strip().capitalize()[:31] or "Sheet"


class AuditSheets:
    """Streams each current audit into the per-audit sheets.

    Responses has a row per answered field; its ``value`` is the normalised value of coded
    fields (scores, grades, dates, …) and is left empty for free text, whose value is its
    text: the notes are the bulk of the sheet and need not be written twice. What each sheet
    shows comes from the form (:class:`~caseaudit_docx.report.plan.Plan`).
    """

    def __init__(self, book: Workbook, styles: Styles, form: Form, *, redact: bool,
                 report_date: dt.date, max_rows: int = EXCEL_MAX_ROWS,
                 show_form: bool = False) -> None:
        self.book, self.styles, self.form = book, styles, form
        self.show_form = show_form  # an Audits column naming the form that read each audit
        self.plan = plan = plan_of(form)
        roles = form.roles
        self.redact, self.report_date = redact, report_date
        self.max_rows = max(2, min(max_rows, EXCEL_MAX_ROWS))
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
        self.response_cols = [*self.key_cols, Col("section", 22), Col("field_id", 16),
                              Col("question", 45, "wrap"), Col("text", 50, "wrap"),
                              Col("value", 20, "wrap")]
        self.responses = [self._sheet("Responses", "Responses", self.response_cols)]
        self.groups: list[tuple[GroupRows, list[Col], Sheet]] = []
        for number, rows in enumerate(plan.groups):
            title = _sheet_title(rows.group.name)
            cols = [*self.key_cols, *(col(f) for f in self.who), Col(f"{rows.stem}_no", 10),
                    *self._group_cols(rows), Col("overdue", 10), Col("days_overdue", 13)]
            table = re.sub(r"\W", "", title) or f"Group{number + 1}"
            self.groups.append((rows, cols, self._sheet(title, table, cols)))
        person_columns = form.report.person_columns
        self.beside_people = [f for f in (shown if person_columns is None else person_columns)
                              if f not in self.left_out]
        self.parent_cols = [*self.key_cols, *(col(f) for f in self.beside_people),
                            *(col(f, 30 if plan.field(f).kind.is_text else 12)
                              for f in plan.person_fields if f not in self.left_out)]
        people = _sheet_title(form.report.person_sections[0]
                              if form.report.person_sections else "people")
        self.parents = self._sheet(people, re.sub(r"\W", "", people) or "People",
                                   self.parent_cols)
        self.commentary_fields = list(form.report.commentary)
        self.commentary_cols = [*self.key_cols, *(col(f) for f in self.who),
                                *([col(roles.overall)] if roles.overall else []),
                                *(col(f, 60) for f in self.commentary_fields)]
        self.commentary = self._sheet("Commentary and themes", None, self.commentary_cols)
        self.auditor = [roles.auditor] if roles.auditor else []
        self.problem_cols = [Col("source_file", 40), *self.key_cols,
                             *(col(f) for f in self.auditor),
                             Col("field_id", 16), Col("level", 9), Col("message", 70, "wrap")]
        self.problems = self._sheet("Problems", "Problems", self.problem_cols)
        self.field_cols = [Col("id", 22), Col("section", 26), Col("question", 60, "wrap"),
                           Col("kind", 14), Col("allowed_values", 40, "wrap")]
        self.fields = self._sheet("Fields", "Fields", self.field_cols)

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

    def _sheet(self, title: str, table: str | None, cols: Sequence[Col], freeze: str = "A2"
               ) -> Sheet:
        """A sheet with its table's header row; the table is named after the sheet's first
        word unless named."""
        table = table or re.sub(r"\W", "", title.split()[0])
        sheet = Sheet(self.book, self.styles, title, freeze=freeze)
        sheet.start_table(table, cols)
        sheet.append(sheet.header_cells(cols))
        return sheet

    @staticmethod
    def _row(sheet: Sheet, cols: Sequence[Col], values: Iterable[Any], scrub: Callable[[Any], Any]
             ) -> None:
        sheet.append(sheet.cell(scrub(v), c.look) for v, c in zip(values, cols))
        sheet.grow(0)

    # -- one audit -------------------------------------------------------------------------------

    def add(self, audit: CurrentAudit, *, form: Form | None = None,
            notice: Problem | None = None) -> None:
        """One audit on every sheet. ``form`` is the form that read it (default the sheets'
        own): Responses lists its fields in its wording. ``notice`` is a problem of the report
        itself about the audit (its form was not given), listed with the audit's own."""
        record, own = audit.record, form or self.form
        form = self.form
        problems = (*record.problems, *((notice,) if notice else ()))
        scrub = scrub_for(form, record, self.redact)
        key = (audit.audit_id, text_of(record, form.roles.case))
        saved = dt.datetime.fromisoformat(audit.saved_at.replace("Z", "")) \
            if audit.saved_at else None
        value = self._value
        self._row(self.audits, self.audit_cols, (
            audit.audit_id, *(value(record, f) for f in self.audit_fields),
            *([form_label(record)] if self.show_form else []),
            record.source.file, saved, audit.revisions, len(problems)), scrub)
        self._row(self.scores, self.score_cols, (
            *key, *(value(record, f) for f in self.shown),
            *(value(record, f) for f in self.plan.score_fields)), scrub)
        self._add_responses(record, key, scrub, own)
        for rows, cols, sheet in self.groups:
            self._add_group(record, key, scrub, rows, cols, sheet)
        people = [f for f in self.plan.person_fields if f not in self.left_out]
        if any(text_of(record, f) for f in people):
            self._row(self.parents, self.parent_cols, (
                *key, *(value(record, f) for f in self.beside_people),
                *(value(record, f) for f in people)), scrub)
        if any(text_of(record, f) for f in self.commentary_fields):
            overall = [value(record, form.roles.overall)] if form.roles.overall else []
            self._row(self.commentary, self.commentary_cols, (
                *key, *(text_of(record, f) for f in self.who), *overall,
                *(text_of(record, f) for f in self.commentary_fields)), scrub)
        for problem in problems:
            self._row(self.problems, self.problem_cols, (
                record.source.file, *key, *(text_of(record, f) for f in self.auditor),
                problem.field, problem.level, problem.message), scrub)

    def _value(self, record: Record, field_id: str) -> Any:
        """A field's cell: text for a team or a name, else :func:`field_value`."""
        if field_id not in self.form.by_id:
            return None
        return field_value(record, field_id, self.form)

    def _add_responses(self, record: Record, key: tuple[Any, ...],
                       scrub: Callable[[Any], Any], form: Form) -> None:
        """A row per answered field, in the page order and wording of the form that read the
        audit; fields that form does not have (its description was not given) follow, with
        no section or question, rather than being dropped."""
        titles = form.section_titles
        for field in form.fields:
            fv = record.fields.get(field.id)
            if fv is None or fv.text is None or field.id in self.left_out:
                continue
            value = None if field.kind.is_text else field_value(record, field.id, form)
            self._response(  # the form's own wording is never scrubbed
                (*key, titles[field.section], field.id, field.question, scrub(fv.text),
                 scrub(value)))
        for field_id, fv in record.fields.items():
            if field_id in form.by_id or fv.text is None or field_id in self.left_out:
                continue
            value = ", ".join(map(str, fv.value)) if isinstance(fv.value, list) else fv.value
            self._response((*key, None, field_id, None, scrub(fv.text),
                            None if value == fv.text else scrub(value)))

    def _response(self, values: tuple[Any, ...]) -> None:
        sheet = self.responses[-1]
        if sheet.row >= self.max_rows:
            sheet = self._continue_responses()
        self._row(sheet, self.response_cols, values, keep)

    def _continue_responses(self) -> Sheet:
        """Excel holds 1,048,576 rows a sheet: the long list goes on in Responses 2, 3…"""
        number = len(self.responses) + 1
        sheet = self._sheet(f"Responses {number}", f"Responses{number}", self.response_cols)
        after = self.book.sheetnames.index(self.responses[-1].title)
        self.book.move_sheet(sheet.title, after + 1 - self.book.sheetnames.index(sheet.title))
        self.responses.append(sheet)
        return sheet

    def _add_group(self, record: Record, key: tuple[Any, ...], scrub: Callable[[Any], Any],
                   rows: GroupRows, cols: Sequence[Col], sheet: Sheet) -> None:
        """One sheet row per filled row of the group, then per row added beyond the form's
        (an extra ``<stem><n>``, its parts separated by tabs), with overdue marks."""
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
            by_when = parts[rows.columns.index(due)] if due in rows.columns else None
            overdue = days = None
            if isinstance(by_when, dt.date):
                days = (self.report_date - by_when).days
                overdue, days = (self.plan.yes_word(True), days) if days > 0 else (
                    self.plan.yes_word(False), None)
            self._row(sheet, cols, (*key, *who, number, *parts, overdue, days), scrub)

    # -- the rest --------------------------------------------------------------------------------

    def add_failures(self, failures: Sequence[FailedFile]) -> None:
        """Files that never became an audit lead the list of what to chase."""
        for failed in failures:
            for problem in failed.problems or ():
                blank = [None] * (len(self.key_cols) + len(self.auditor))
                self._row(self.problems, self.problem_cols, (
                    failed.path, *blank, problem.field, problem.level, problem.message), keep)

    def write_fields(self) -> None:
        titles = self.form.section_titles
        for field in self.form.fields:
            self._row(self.fields, self.field_cols, _dictionary_row(field, titles), keep)

    def all(self) -> list[Sheet]:
        return [self.audits, self.scores, *self.responses,
                *(sheet for _rows, _cols, sheet in self.groups), self.parents,
                self.commentary, self.problems, self.fields]

    def _score_scale(self) -> None:
        """Red to green over the scores' range (the score kinds' lowest to highest)."""
        kinds = [self.plan.field(f).kind for f in self.plan.score_fields]
        lows = [k.minimum for k in kinds if k.minimum is not None]
        highs = [k.maximum for k in kinds if k.maximum is not None]
        if not kinds or not lows or not highs:
            return
        low, high = min(lows), max(highs)
        middle = (low + high) / 2
        first = get_column_letter(len(self.key_cols) + len(self.shown) + 1)
        last = get_column_letter(len(self.score_cols))
        rows = max(self.scores.row, 2)
        self.scores.ws.conditional_formatting.add(
            f"{first}2:{last}{rows}",
            ColorScaleRule(start_type="num", start_value=low, start_color="F8696B",
                           mid_type="num", mid_value=int(middle) if middle.is_integer()
                           else middle, mid_color="FFEB84",
                           end_type="num", end_value=high, end_color="63BE7B"))

    def close(self) -> list[str]:
        self.write_fields()
        self._score_scale()
        for sheet in self.all():
            sheet.close()
        return [sheet.title for sheet in self.responses]


def _dictionary_row(field: Field, titles: dict[str, str]) -> tuple[Any, ...]:
    allowed = ", ".join(field.kind.values)
    if not field.kind.is_text:
        allowed = f"{allowed}, n/a" if allowed else NA
    return (field.id, titles[field.section], field.question, field.kind.name,
            allowed or "any text")
