"""What the per-audit sheets show of a field: its cell value, its look, its column.

The sheets themselves are :mod:`caseaudit_docx.report.audit_sheets` (Audits, Scores, the row
groups, Parents, Commentary and themes, Problems, Fields) and
:mod:`caseaudit_docx.report.responses` (Responses). Column headings are the field ids of
``docs/fields.md`` wherever a column holds a field, so pivot tables and Power BI queries
survive a new report. Redaction is :mod:`caseaudit_docx.report.redact` (re-exported here).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from caseaudit_docx.model.form import Field, Form
from caseaudit_docx.model.normalise import NA
from caseaudit_docx.model.record import Record
from caseaudit_docx.report.cells import Col
from caseaudit_docx.report.plan import Plan
from caseaudit_docx.report.redact import Redactor, keep, redacted_fields, scrub_for

__all__ = ["Redactor", "dictionary_row", "field_col", "field_value", "iso_date", "keep",
           "look_of_field", "redacted_fields", "scrub_for", "sheet_title"]


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


def sheet_title(key: str) -> str:
    """A sheet's title from the description's name for what it holds ("actions": "Actions"),
    within Excel's 31 characters and without the characters a sheet title cannot have."""
    return re.sub(r"[\\/*?:\[\]]", " ", key.replace("_", " ")).strip().capitalize()[:31] or "Sheet"


def table_name(title: str, fallback: str) -> str:
    """A defined name for a sheet's table: its title's letters and digits, never one that
    reads as a cell reference ("Q1") or as R or C."""
    name = re.sub(r"\W", "", title) or fallback
    if re.fullmatch(r"[A-Za-z]{1,3}\d+|[RrCc]|\d.*", name):
        name = f"T_{name}"
    return name


def dictionary_row(field: Field, titles: dict[str, str]) -> tuple[Any, ...]:
    allowed = ", ".join(field.kind.values)
    if not field.kind.is_text:
        allowed = f"{allowed}, n/a" if allowed else NA
    return (field.id, titles[field.section], field.question, field.kind.name,
            allowed or "any text")
