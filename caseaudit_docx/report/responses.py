"""The Responses sheet: a row per answered field of every audit, for pivot tables.

It is most of a report's cells (about 140 rows an audit: 1.4 million for 10,000 audits), so
it is written with one public XlsxWriter call per cell and no per-cell Python beyond the
type's own (what a field is, and how its form words it, are worked out once per form). Its
columns: ``audit_id``, the case, ``field_id``, ``own_wording``, ``text`` (as written) and
``value`` (the normalised value of a coded field: a score, a grade, a date). Nothing is
written twice: ``value`` is empty for free text, whose value is its text, and ``text`` is
empty where it is exactly the value as the value column shows it (a score written "4", a grade
written as the form lists it); a text that differs ("good", "4 - strong", "12/03/2019") is
kept beside its value. A field's section and
question are the Fields sheet's, by ``field_id``: writing them on each of 1.4 million rows
was two fifths of the sheet's cells. ``own_wording`` holds the question only where the form
that read the audit words it otherwise than the Fields sheet does (a later version that
renumbered or reworded it), so each version's wording is still there. Past Excel's row limit
the list goes on in "Responses 2", "Responses 3"…
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from xlsxwriter.workbook import Workbook

from caseaudit_docx.model.form import Form
from caseaudit_docx.model.record import Record
from caseaudit_docx.report.cells import (
    Col,
    Formats,
    PageSetup,
    Sheet,
    excel_text,
    forced_text,
    to_datetime,
)
from caseaudit_docx.report.sheets import field_value

__all__ = ["Responses"]

_WRAP_OVER = 40  # characters: longer text wraps


def _shown(value: Any) -> str | None:
    """A value as its cell shows it, for comparing with the text as written: numbers and
    text as they are; a date (shown as a date) is never "exactly" its text."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


class Responses:
    """The Responses sheets, filled an audit at a time."""

    def __init__(self, book: Workbook, formats: Formats, page: PageSetup, case: Col,
                 *, fields: Form, max_rows: int, left_out: frozenset[str]) -> None:
        self.book, self.formats, self.page = book, formats, page
        self.cols = [Col("audit_id", 9), case, Col("field_id", 16), Col("own_wording", 30, "wrap"),
                     Col("text", 60, "wrap"), Col("value", 20)]
        self.max_rows, self.left_out = max_rows, left_out
        self.wording = {f.id: f.question for f in fields.fields}  # as the Fields sheet has it
        self.sheets: list[Sheet] = []
        self._fields: dict[int, list[tuple[str, bool, str | None]]] = {}
        self.wrap, self.date = formats.get("wrap"), formats.get("date")
        self.text_plain, self.text_wrap = formats.get("plain", True), formats.get("wrap", True)
        self._new_sheet()

    def _new_sheet(self) -> Sheet:
        number = len(self.sheets) + 1
        title = "Responses" if number == 1 else f"Responses {number}"
        sheet = Sheet(self.book, self.formats, title, page=self.page)
        sheet.start_table(title.replace(" ", ""), self.cols)
        sheet.append(sheet.header_cells(self.cols))
        self.sheets.append(sheet)
        return sheet

    def _fields_of(self, form: Form) -> list[tuple[str, bool, str | None]]:
        """(field id, whether it is free text, its own wording or None) of each field."""
        found = self._fields.get(id(form))
        if found is None:
            wording = self.wording
            found = self._fields[id(form)] = [
                (f.id, f.kind.is_text,
                 None if wording.get(f.id, f.question) == f.question else excel_text(f.question))
                for f in form.fields if f.id not in self.left_out]
        return found

    def add(self, audit_id: int, case: str | None, record: Record, form: Form,
            scrub: Callable[[Any], Any]) -> None:
        """The audit's answered fields in the page order of the form that read it; fields
        that form does not have (its description was not given) follow."""
        fields = record.fields
        rows: list[tuple[str, str | None, str | None, Any]] = []
        for field_id, is_text, question in self._fields_of(form):
            fv = fields.get(field_id)
            if fv is None or fv.text is None:
                continue
            if is_text:
                rows.append((field_id, question, fv.text, None))
                continue
            value = field_value(record, field_id, form)
            rows.append((field_id, question, None if fv.text == _shown(value) else fv.text,
                         value))
        for field_id, fv in fields.items():
            if field_id in form.by_id or fv.text is None or field_id in self.left_out:
                continue
            value = ", ".join(map(str, fv.value)) if isinstance(fv.value, list) else fv.value
            rows.append((field_id, None, fv.text, None if value == fv.text else value))
        self._write(audit_id, case and scrub(case), rows, scrub)

    def _write(self, audit_id: int, case: str | None,
               rows: Sequence[tuple[str, str | None, str | None, Any]],
               scrub: Callable[[Any], Any]) -> None:
        sheet = self.sheets[-1]
        ws = sheet.ws
        case = excel_text(case) if case is not None else None
        case_format = self.text_plain if case is not None and forced_text(case) else None
        wrap = self.wrap
        string, number = ws.write_string, ws.write_number
        for field_id, question, text, value in rows:
            if sheet.row >= self.max_rows:
                sheet = self._new_sheet()
                ws = sheet.ws
                string, number = ws.write_string, ws.write_number
            r = sheet.row
            number(r, 0, audit_id)
            if case is not None:
                string(r, 1, case, case_format)
            string(r, 2, field_id)
            if question is not None:  # the form's own wording is never scrubbed
                string(r, 3, question, wrap)
            if text is None:
                pass
            elif forced_text(text := excel_text(scrub(text))):
                string(r, 4, text, self.text_wrap if len(text) > _WRAP_OVER else self.text_plain)
            elif len(text) > _WRAP_OVER or "\n" in text:
                string(r, 4, text, wrap)
            else:
                string(r, 4, text)
            if value is not None:
                if isinstance(value, str):
                    value = excel_text(scrub(value))
                    string(r, 5, value, self.text_plain if forced_text(value) else None)
                elif isinstance(value, bool):
                    ws.write_boolean(r, 5, value)
                elif isinstance(value, (int, float)):
                    number(r, 5, value)
                elif isinstance(value, dt.date):
                    ws.write_datetime(r, 5, to_datetime(value), self.date)
                else:
                    ws.write_string(r, 5, str(value))
            sheet.row += 1

    def close(self) -> list[str]:
        for sheet in self.sheets:
            sheet.grow(0, sheet.row - 1)  # every row under the header is the table's
            sheet.close()
        return [sheet.title for sheet in self.sheets]
