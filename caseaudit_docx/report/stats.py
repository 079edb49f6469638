"""The figures of Completion and Moderation, gathered as the audits stream past once.

:class:`Stats` sees every current audit once, so a 10,000-audit report needs no second pass:
how much of each form is answered, and what the form's moderation panel (the report part of
the description) did. The briefing's figures are :mod:`caseaudit_docx.report.briefing`'s.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from caseaudit_docx.model.form import Form, derived
from caseaudit_docx.model.normalise import NA, normalise
from caseaudit_docx.register.read import CurrentAudit
from caseaudit_docx.report.plan import plan_of, text_of, value_of
from caseaudit_docx.report.sheets import iso_date, keep, scrub_for

NOT_CLEAR = "not clear"


def _phrase(text: str) -> str:
    return re.escape(text).replace(r"\ ", r"\s+")


@derived
def _panel_patterns(form: Form) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """What a note says when the panel kept the grade, and when it changed it ("to Good").

    The grades a note may name are the grade kind's: each option's first word (as written,
    "Requires …"), its spellings and its patterns. A note "no change" is read with the "no"
    spellings of the form's yes/no kind.
    """
    plan = plan_of(form)
    grades: list[str] = []
    options = plan.grade_kind.options if plan.grade_kind else ()
    for option in options:
        grades.append(_phrase(option.value.split()[0]) if option.value.split() else "")
        grades += [_phrase(s) + r"\b" for s in option.spellings]
        grades += [f"(?:{p})" for p in option.patterns]
    grades = [g for g in grades if g]
    nos = [_phrase(s) for o in (plan.yes_no.options[1:2] if plan.yes_no else ())
           for s in (o.value, *o.spellings) if len(s) > 1]
    kept = re.compile(r"\b(?:" + "|".join([*nos, "not", "un"]) + r")[\s-]*chang"
                      r"|\bagree|\bstays?\b|\bremains?\b", re.I)
    named = r"|\b(?:to|now)\s+(?:" + "|".join(grades) + ")" if grades else ""
    changed = re.compile(r"chang|\b(?:up|down)grad" + named, re.I)
    return kept, changed


def panel_changed_grade(form: Form, text: str | None) -> bool | None:
    """Read the panel's "changed the grade?" answer: True, False, or None when it cannot be
    told. A yes/no answer first (the field's own kind if it is one, else the form's yes/no
    kind), then what the words say."""
    if not text or not text.strip():
        return None
    plan = plan_of(form)
    panel = form.report.panel
    own = form.kind_of(panel.changed) if panel and panel.changed else None
    kind = own if own is not None and own.type == "yes_no" else plan.yes_no
    if kind is not None and len(kind.options) >= 2:
        answer = normalise(kind, text).value
        if answer in (kind.options[0].value, kind.options[1].value, NA):
            return answer == kind.options[0].value
    kept, changed = _panel_patterns(form)
    if kept.search(text):
        return False
    return True if changed.search(text) else None


def went_to_panel(form: Form, audit: CurrentAudit) -> bool:
    """Whether any field of the panel's section is filled."""
    panel = form.report.panel
    if panel is None:
        return False
    return any(text_of(audit.record, f.id) for f in form.fields if f.section == panel.section)


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


class Stats:
    """What Completion and Moderation count over the audits of a report, one at a time."""

    def __init__(self, form: Form, *, redact: bool = False) -> None:
        self.form, self.plan, self.redact = form, plan_of(form), redact
        roles = form.roles
        #: The audit's identity as the per-audit tables of figures show it.
        self.key_fields = [f for f in (roles.case, roles.auditor) if f]
        self.audits = 0
        self.moderated: list[tuple[Any, ...]] = []
        self.changed: Counter[bool | None] = Counter()
        self.answered: list[tuple[Any, ...]] = []

    def add(self, audit: CurrentAudit, *, form: Form | None = None) -> None:
        """Count one audit. ``form`` is the form that read it (default the report's own):
        how many of its questions were answered is counted over that form's questions."""
        read_by = plan_of(form) if form is not None else self.plan
        record, roles = audit.record, self.form.roles
        self.audits += 1
        key = (audit.audit_id, *(text_of(record, f) for f in self.key_fields))
        if went_to_panel(self.form, audit):
            self._add_moderated(audit, key)
        questions = read_by.question_fields
        missing = [f for f in questions if text_of(record, f) is None]
        answered = len(questions) - len(missing)
        dated = (iso_date(value_of(record, roles.start_date)),) if roles.start_date else ()
        self.answered.append((*key, *dated, answered, len(questions),
                              answered / len(questions) if questions else None,
                              ", ".join(missing) or None))

    def _add_moderated(self, audit: CurrentAudit, key: tuple[Any, ...]) -> None:
        record, form = audit.record, self.form
        panel = form.report.panel
        assert panel is not None
        changed = panel_changed_grade(form, text_of(record, panel.changed))
        self.changed[changed] += 1
        word: Any = NOT_CLEAR if changed is None else self.plan.yes_word(changed)
        scrub = scrub_for(form, record, self.redact) if self.redact else keep
        roles = form.roles
        cells: list[Any] = [*key, *(text_of(record, f) for f in (roles.team,) if f),
                            *((value_of(record, roles.overall),) if roles.overall else ())]
        for field_id in panel.columns:
            cells.append(self._panel_cell(audit, field_id))
            if field_id == panel.changed:
                cells.append(word)
        if panel.changed not in panel.columns:
            cells.append(word)
        self.moderated.append(tuple(scrub(v) for v in cells))

    def _panel_cell(self, audit: CurrentAudit, field_id: str) -> Any:
        """Dates as dates and numbers as numbers, when they read as such; else the text."""
        record = audit.record
        text = text_of(record, field_id)
        if field_id not in self.form.by_id:
            return text
        kind = self.form.kind_of(field_id)
        value = value_of(record, field_id)
        if kind.type == "date":
            return iso_date(value) or text
        if kind.is_text or isinstance(value, list):
            return text
        return value or text
