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

from caseaudit_docx.model.description import bundled_form
from caseaudit_docx.model.form import Field
from caseaudit_docx.model.kinds import DATE

FORM = bundled_form()
from caseaudit_docx.model.normalise import normalise
from caseaudit_docx.model.record import Record
from caseaudit_docx.register.read import CurrentAudit, FailedFile
from caseaudit_docx.report.cells import EXCEL_MAX_ROWS, Col, Sheet, Styles

_LOOKS = {"date": "date", "grade": "grade", "text": "wrap"}
_SECTION_TITLES = {s.key: s.title for s in FORM.sections}
ACTION_ROWS = 10


def field_value(record: Record, field_id: str) -> Any:
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
    if isinstance(value, str) and FORM.by_id[field_id].kind.type == "date" and value != "n/a":
        return dt.date.fromisoformat(value)
    return value


def iso_date(value: Any) -> dt.date | None:
    """An ISO date string as a date for a date cell; anything else (None, not a date) None."""
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def field_col(field_id: str, width: float | None = None) -> Col:
    field = FORM.by_id[field_id]
    look = _LOOKS.get(field.kind.name, "plain")
    return Col(field_id, width or (40 if look == "wrap" else 14), look)


class Redactor:
    """Leaves a child's name out of every text of their audit (``--redact``).

    The name field itself is dropped; the whole name (ignoring case) and each part of it as
    written (two letters or more, so "May" is caught but "may" is not) are replaced in free
    text, file names and messages: notes often say "Mia said…".
    """

    MARK = "[child]"

    def __init__(self, child_name: str | None) -> None:
        whole = " ".join((child_name or "").split())
        parts = sorted({p for p in re.split(r"[\s,.'’()-]+", whole) if len(p) >= 2},
                       key=len, reverse=True)
        self._whole = re.compile(re.escape(whole).replace(r"\ ", r"\s+"), re.I) \
            if whole else None
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


AUDIT_FIELDS = (
    "case_number", "child_name", "practitioners", "team", "category", "auditor",
    "audit_start_date", "practitioner_meeting_date", "family_feedback_date",
    *(s.grade_field for s in FORM.sections if s.grade_field),
    "overall.practitioner", "overall.auditor",
    "q39.answer", "q39.notes", "q40.answer", "q40.notes",
    "q41.practitioner", "q41.auditor", "q42.practitioner", "q42.auditor",
    "good_practice.answer", "good_practice.notes",
    "moderation.date", "moderation.scaling", "moderation.change_grade",
    "moderation.actions", "moderation.themes",
)
SCORE_FIELDS = tuple(f.id for f in FORM.fields if f.kind.name == "score")
PARENT_FIELDS = tuple(f.id for f in FORM.fields if f.section == "parents")
COMMENTARY_FIELDS = ("commentary.practitioner", "commentary.auditor", "general_themes",
                     "moderation.themes")
KEY_COLS = (Col("audit_id", 9), field_col("case_number"))


class AuditSheets:
    """Streams each current audit into the per-audit sheets.

    Responses has a row per answered field; its ``value`` is the normalised value of coded
    fields (scores, grades, dates, …) and is left empty for free text, whose value is its
    text: the notes are the bulk of the sheet and need not be written twice.
    """

    def __init__(self, book: Workbook, styles: Styles, *, redact: bool, report_date: dt.date,
                 max_rows: int = EXCEL_MAX_ROWS) -> None:
        self.book, self.styles = book, styles
        self.redact, self.report_date = redact, report_date
        self.max_rows = max(2, min(max_rows, EXCEL_MAX_ROWS))
        audit_fields = [f for f in AUDIT_FIELDS if not (redact and f == "child_name")]
        self.audit_cols = [Col("audit_id", 9), *(field_col(f) for f in audit_fields),
                           Col("source_file", 40), Col("saved_at", 17, "datetime"),
                           Col("revisions", 10), Col("problems", 10)]
        self.audit_fields = audit_fields
        self.audits = self._sheet("Audits", "Audits", self.audit_cols, "C2")
        self.score_cols = [*KEY_COLS, field_col("team"), field_col("auditor"),
                           field_col("audit_start_date"), *(Col(f, 9) for f in SCORE_FIELDS)]
        self.scores = self._sheet("Scores", "Scores", self.score_cols, "C2")
        self.response_cols = [*KEY_COLS, Col("section", 22), Col("field_id", 16),
                              Col("question", 45, "wrap"), Col("text", 50, "wrap"),
                              Col("value", 20, "wrap")]
        self.responses = [self._sheet("Responses", "Responses", self.response_cols)]
        self.action_cols = [*KEY_COLS, field_col("team"), field_col("auditor"),
                            Col("action_no", 10), Col("action", 50, "wrap"),
                            Col("by_who", 18, "wrap"), Col("by_when", 12, "date"),
                            Col("overdue", 10), Col("days_overdue", 13)]
        self.actions = self._sheet("Actions", "Actions", self.action_cols)
        self.parent_cols = [*KEY_COLS, field_col("team"), field_col("family_feedback_date"),
                            *(field_col(f, 30 if FORM.by_id[f].kind.is_text else 12)
                              for f in PARENT_FIELDS)]
        self.parents = self._sheet("Parents", "Parents", self.parent_cols)
        self.commentary_cols = [*KEY_COLS, field_col("team"), field_col("auditor"),
                                field_col("overall.auditor"),
                                *(field_col(f, 60) for f in COMMENTARY_FIELDS)]
        self.commentary = self._sheet("Commentary and themes", "Commentary",
                                      self.commentary_cols)
        self.problem_cols = [Col("source_file", 40), *KEY_COLS, field_col("auditor"),
                             Col("field_id", 16), Col("level", 9), Col("message", 70, "wrap")]
        self.problems = self._sheet("Problems", "Problems", self.problem_cols)
        self.field_cols = [Col("id", 22), Col("section", 26), Col("question", 60, "wrap"),
                           Col("kind", 14), Col("allowed_values", 40, "wrap")]
        self.fields = self._sheet("Fields", "Fields", self.field_cols)

    def _sheet(self, title: str, table: str, cols: Sequence[Col], freeze: str = "A2") -> Sheet:
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

    def add(self, audit: CurrentAudit) -> None:
        record = audit.record
        scrub = Redactor(record.text("child_name")) if self.redact else keep
        key = (audit.audit_id, record.text("case_number"))
        saved = dt.datetime.fromisoformat(audit.saved_at.replace("Z", "")) \
            if audit.saved_at else None
        self._row(self.audits, self.audit_cols, (
            audit.audit_id, *(field_value(record, f) for f in self.audit_fields),
            record.source.file, saved, audit.revisions, len(record.problems)), scrub)
        self._row(self.scores, self.score_cols, (
            *key, record.text("team"), record.text("auditor"),
            field_value(record, "audit_start_date"),
            *(field_value(record, f) for f in SCORE_FIELDS)), scrub)
        self._add_responses(audit, record, key, scrub)
        self._add_actions(record, key, scrub)
        if any(record.fields[f].text for f in PARENT_FIELDS):
            self._row(self.parents, self.parent_cols, (
                *key, record.text("team"), field_value(record, "family_feedback_date"),
                *(field_value(record, f) for f in PARENT_FIELDS)), scrub)
        if any(record.fields[f].text for f in COMMENTARY_FIELDS):
            self._row(self.commentary, self.commentary_cols, (
                *key, record.text("team"), record.text("auditor"),
                field_value(record, "overall.auditor"),
                *(record.text(f) for f in COMMENTARY_FIELDS)), scrub)
        for problem in record.problems:
            self._row(self.problems, self.problem_cols, (
                record.source.file, *key, record.text("auditor"), problem.field, problem.level,
                problem.message), scrub)

    def _add_responses(self, audit: CurrentAudit, record: Record, key: tuple[Any, ...],
                       scrub: Callable[[Any], Any]) -> None:
        for field in FORM.fields:
            fv = record.fields.get(field.id)
            if fv is None or fv.text is None or (self.redact and field.id == "child_name"):
                continue
            sheet = self.responses[-1]
            if sheet.row >= self.max_rows:
                sheet = self._continue_responses()
            value = None if field.kind.is_text else field_value(record, field.id)
            self._row(sheet, self.response_cols, (  # the form's own wording is never scrubbed
                *key, _SECTION_TITLES[field.section], field.id, field.question, scrub(fv.text),
                scrub(value)), keep)

    def _continue_responses(self) -> Sheet:
        """Excel holds 1,048,576 rows a sheet: the long list goes on in Responses 2, 3…"""
        number = len(self.responses) + 1
        sheet = self._sheet(f"Responses {number}", f"Responses{number}", self.response_cols)
        after = self.book.sheetnames.index(self.responses[-1].title)
        self.book.move_sheet(sheet.title, after + 1 - self.book.sheetnames.index(sheet.title))
        self.responses.append(sheet)
        return sheet

    def _add_actions(self, record: Record, key: tuple[Any, ...],
                     scrub: Callable[[Any], Any]) -> None:
        rows: list[tuple[int, Any, Any, Any]] = []
        for n in range(1, ACTION_ROWS + 1):
            ids = (f"action{n}.action", f"action{n}.by_who", f"action{n}.by_when")
            if any(record.fields[i].text for i in ids):
                rows.append((n, *(field_value(record, i) for i in ids)))
        for name, text in sorted(record.extras.items()):  # rows added beyond the form's ten
            match = re.fullmatch(r"action(\d+)", name)
            if match:
                action, by_who, by_when = ([*text.split("\t"), None, None][:3])
                when = normalise(DATE, by_when).value if by_when else None
                rows.append((int(match.group(1)), action, by_who, iso_date(when) or by_when))
        for n, action, by_who, by_when in rows:
            overdue = days = None
            if isinstance(by_when, dt.date):
                days = (self.report_date - by_when).days
                overdue, days = ("Yes", days) if days > 0 else ("No", None)
            self._row(self.actions, self.action_cols, (
                *key, record.text("team"), record.text("auditor"), n, action, by_who, by_when,
                overdue, days), scrub)

    # -- the rest --------------------------------------------------------------------------------

    def add_failures(self, failures: Sequence[FailedFile]) -> None:
        """Files that never became an audit lead the list of what to chase."""
        for failed in failures:
            for problem in failed.problems or ():
                self._row(self.problems, self.problem_cols, (
                    failed.path, None, None, None, problem.field, problem.level,
                    problem.message), keep)

    def write_fields(self) -> None:
        for field in FORM.fields:
            self._row(self.fields, self.field_cols, _dictionary_row(field), keep)

    def all(self) -> list[Sheet]:
        return [self.audits, self.scores, *self.responses, self.actions, self.parents,
                self.commentary, self.problems, self.fields]

    def close(self) -> list[str]:
        self.write_fields()
        first = get_column_letter(len(KEY_COLS) + 4)
        last = get_column_letter(len(self.score_cols))
        rows = max(self.scores.row, 2)
        self.scores.ws.conditional_formatting.add(
            f"{first}2:{last}{rows}",
            ColorScaleRule(start_type="num", start_value=1, start_color="F8696B",
                           mid_type="num", mid_value=3, mid_color="FFEB84",
                           end_type="num", end_value=5, end_color="63BE7B"))
        for sheet in self.all():
            sheet.close()
        return [sheet.title for sheet in self.responses]


def _dictionary_row(field: Field) -> tuple[Any, ...]:
    allowed = ", ".join(field.kind.values)
    if not field.kind.is_text:
        allowed = f"{allowed}, n/a" if allowed else "n/a"
    return (field.id, _SECTION_TITLES[field.section], field.question, field.kind.name,
            allowed or "any text")
