"""Registers of made-up audits for the briefing's tests, for any form: each audit's values are
chosen from the form's own kinds, so the same builder serves v3.2 and the second form."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from caseaudit_docx.model.description import bundled_form, load_form
from caseaudit_docx.model.form import Form
from caseaudit_docx.model.normalise import normalise
from caseaudit_docx.model.record import FieldValue, Record, Source
from caseaudit_docx.register.store import Register
from caseaudit_docx.report.briefing import grades_worst_first

from .conftest import OTHER_FORM

OTHER = OTHER_FORM


def forms() -> list[Form]:
    return [bundled_form(), load_form(OTHER)]


@dataclass
class Audit:
    """One made-up audit: ``grade`` is an index into the grades worst first; ``score`` the
    level (0 = worst) every scored question gets unless ``scores`` says otherwise."""

    case: str
    team: str
    start: dt.date
    grade: int
    own: int | None = None
    score: int = 2
    scores: dict[str, int] = field(default_factory=dict)
    categories: tuple[int, ...] = (0,)


def _text(form: Form, field_id: str, audit: Audit) -> str | None:
    roles, kind = form.roles, form.kind_of(field_id)
    grades = [g.name for g in grades_worst_first(form.kind_of(roles.overall))] \
        if roles.overall else []
    if field_id == roles.case:
        return audit.case
    if field_id == roles.team:
        return audit.team
    if field_id == roles.start_date:
        return audit.start.strftime("%d/%m/%Y")
    if field_id == roles.auditor:
        return f"Auditor {audit.case[-1]}"
    if field_id == roles.overall:
        return grades[audit.grade]
    if field_id == roles.self_assessment:
        return grades[audit.own if audit.own is not None else audit.grade]
    if field_id == roles.category:
        values = kind.values
        return " & ".join(values[i] for i in audit.categories)
    if form.report.score_kinds and kind.name in form.report.score_kinds:
        level = audit.scores.get(field_id, audit.score)
        if kind.type == "number":
            assert kind.minimum is not None
            return str(kind.minimum + level)
        return [g.name for g in grades_worst_first(kind)][level]
    if kind.options and kind == form.kind_of(roles.overall or field_id):
        return grades[audit.grade]
    return None


def record_of(form: Form, audit: Audit) -> Record:
    fields: dict[str, FieldValue] = {}
    for f in form.fields:
        text = _text(form, f.id, audit)
        fields[f.id] = FieldValue(text, normalise(f.kind, text).value if text else None)
    sha = hashlib.sha256(repr(sorted(fields.items(), key=str)).encode()).hexdigest()
    return Record(Source(f"{audit.case}.docx", sha, 100), fields, (), form.name, form.version)


def make_register(path: Path, form: Form, audits: Sequence[Audit]) -> Path:
    with Register.open(path) as register:
        for audit in audits:
            register.add_record(record_of(form, audit), form=form)
    return path
