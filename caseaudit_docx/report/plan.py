"""What the workbook reads of a form, worked out once per form.

The sheets and the summary never spell a field id: they ask the form's roles and its report
part (:class:`~caseaudit_docx.model.form.Report`) through a :class:`Plan`. For the bundled v3.2
form, for example, the grade kind is the kind of ``overall.auditor`` and the recommended
actions are the rows ``action1`` … ``action10`` of the "actions" section, stem "action".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from caseaudit_docx.model.form import Field, Form, Group, derived
from caseaudit_docx.model.kinds import Kind
from caseaudit_docx.model.record import Record


@dataclass(frozen=True)
class GroupRows:
    """A group of repeated rows as the report reads it.

    ``rows`` are (number, field ids) per row of the group's section that holds fields;
    ``columns`` are the last dotted parts of those ids ("action", "by_who", "by_when");
    ``stem`` is what the row keys share before their number ("action"), which also names
    rows added beyond the form's own (extras ``action11``…).
    """

    group: Group
    stem: str
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    columns: tuple[str, ...]

    @property
    def extra_re(self) -> re.Pattern[str]:
        return re.compile(re.escape(self.stem) + r"(\d+)")


@dataclass(frozen=True)
class Plan:
    """The parts of a form every sheet needs, looked up once."""

    form: Form
    grade_kind: Kind | None
    yes_no: Kind | None
    groups: tuple[GroupRows, ...]
    score_fields: tuple[str, ...]
    person_fields: tuple[str, ...]
    question_fields: tuple[str, ...]
    section_grades: tuple[tuple[str, str], ...]  # (grade field, section title)

    @property
    def grades(self) -> tuple[str, ...]:
        """The grade buckets: the values of the kind of the overall grade, worst first."""
        return self.grade_kind.values if self.grade_kind else ()

    @property
    def positive(self) -> tuple[str, ...]:
        return self.grade_kind.positive if self.grade_kind else ()

    @property
    def positive_label(self) -> str:
        """The grade kind's own ``positive_label``; else its positive options, "A or B"."""
        if self.grade_kind and self.grade_kind.positive_label:
            return self.grade_kind.positive_label
        return " or ".join(self.positive) or "positive"

    def yes_word(self, flag: bool) -> str | bool:
        """Yes or No as the form writes them (its yes/no kind); True/False without one."""
        if self.yes_no is None or len(self.yes_no.options) < 2:
            return flag
        return self.yes_no.options[0 if flag else 1].value

    def field(self, field_id: str) -> Field:
        return self.form.field(field_id)


def who(field_id: str | None) -> str:
    """Whose a field is, from the last part of its id: "overall.auditor" is the auditor's."""
    return (field_id or "").rsplit(".", 1)[-1].replace("_", " ")


def _yes_no(form: Form) -> Kind | None:
    kinds = [k for k in form.kinds.values() if k.type == "yes_no"]
    return next((k for k in kinds if k.middle is None), kinds[0] if kinds else None)


def _group_rows(form: Form, group: Group) -> GroupRows:
    rows: list[tuple[str, tuple[str, ...]]] = []
    for table in form.tables:
        if table.section == group.section:
            rows += [(row.key, tuple(a.field for a in row.answers))
                     for row in table.rows if row.answers]
    numbered = [re.fullmatch(r"(.*?)(\d+)", key) for key, _ in rows]
    stems = {m.group(1) if m else None for m in numbered}
    single = len(stems) == 1 and None not in stems
    stem = str(stems.pop()) if single else group.name
    out = []
    for index, ((_key, ids), match) in enumerate(zip(rows, numbered), 1):
        out.append((int(match.group(2)) if single and match else index, ids))
    columns: list[str] = []
    for _, ids in rows:
        columns += [c for c in (i.rsplit(".", 1)[-1] for i in ids) if c not in columns]
    return GroupRows(group, stem, tuple(out), tuple(columns))


@derived
def plan_of(form: Form) -> Plan:
    """The :class:`Plan` of ``form`` (kept on the form: worked out once)."""
    roles, report = form.roles, form.report
    skip = set(report.question_skip)
    return Plan(
        form=form,
        grade_kind=form.kind_of(roles.overall) if roles.overall else None,
        yes_no=_yes_no(form),
        groups=tuple(_group_rows(form, g) for g in report.groups),
        score_fields=tuple(f.id for f in form.fields if f.kind.name in report.score_kinds),
        person_fields=tuple(f.id for f in form.fields if f.section in report.person_sections),
        question_fields=tuple(f.id for f in form.fields
                              if f.kind.name in report.question_kinds and f.section not in skip),
        section_grades=tuple((s.grade_field, s.title) for s in form.sections if s.grade_field),
    )


def text_of(record: Record, field_id: str | None) -> str | None:
    """A field's text, or None when the record has no such field (another form read it)."""
    found = record.fields.get(field_id) if field_id else None
    return found.text if found else None


def value_of(record: Record, field_id: str | None) -> Any:
    """A field's value, or None when the record has no such field."""
    found = record.fields.get(field_id) if field_id else None
    return found.value if found else None
