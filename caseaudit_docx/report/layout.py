"""Several versions of a form in one workbook, lined up by field id.

A register holds the returns of years: some read by v3.2, some by its revision 3.3. The sheets
have one column per field id whichever version an audit used: the columns are the union of the
forms' fields in a stable order (the first form's order, then each later form's new fields
after them), an audit read by a form without a field leaves its cell empty, and a version's new
questions get columns of their own. :func:`merge_forms` builds that union as a form of its own
(the first form's identity, roles, sections and report part, with each later form's new fields,
sections, kinds and report entries added), so every sheet reads it as it reads one form.

The descriptions come from the caller; a form the register names but the caller did not give
is taken from the bundled forms by name, and an audit whose form is neither is shown with the
first form's layout and a line on the Problems sheet saying so.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from caseaudit_docx.model.description import bundled_form, bundled_form_names
from caseaudit_docx.model.form import Answer, Block, Form, Report, Row, Section, Table
from caseaudit_docx.model.kinds import Kind
from caseaudit_docx.model.record import WARNING, Problem, Record

_T = TypeVar("_T")


@dataclass(frozen=True)
class Layout:
    """The forms of a report and their union.

    ``forms`` are the descriptions known (the first is the layout's base), ``seen`` the forms
    (name, version) that read the audits reported, ``merged`` the union the sheets show. A
    record that names no form (one a caller built, not extraction) is the first form's.
    """

    forms: tuple[Form, ...]
    seen: tuple[tuple[str, str], ...]
    merged: Form

    @property
    def first(self) -> Form:
        return self.forms[0]

    @property
    def several(self) -> bool:
        """Whether the report covers more than one form (its Audits sheet then names each
        audit's form)."""
        return len({(f.name, f.version) for f in self.forms} | set(self.named)) > 1

    @property
    def named(self) -> tuple[tuple[str, str], ...]:
        """The forms seen that have a name."""
        return tuple(seen for seen in self.seen if seen[0])

    def form_of(self, record: Record) -> Form | None:
        """The description of the form that read ``record``, when known."""
        if not record.template_name:
            return self.first
        wanted = (record.template_name, record.template_version)
        return next((f for f in self.forms if (f.name, f.version) == wanted), None)

    def reading(self, record: Record) -> tuple[Form, Problem | None]:
        """The form to show ``record`` by: its own, else the first with a problem saying so."""
        own = self.form_of(record)
        if own is not None:
            return own, None
        return self.first, Problem(None, WARNING, (
            f"read by form {form_label(record)}, whose description was not given; shown with "
            f"the layout of {self.first.name} {self.first.version} (give its description "
            "with --form)"))


def form_label(record: Record) -> str:
    """The form that read a record as the Audits sheet names it: "case-audit 3.2"."""
    return f"{record.template_name} {record.template_version}".strip()


def report_layout(given: Sequence[Form], seen: Iterable[tuple[str, str]]) -> Layout:
    """The layout of a report with the forms ``given`` over audits read by the forms ``seen``:
    a seen form not given is taken from the bundled forms when one has its name and version."""
    forms = list(given)
    seen = tuple(seen)
    bundled = set(bundled_form_names())
    for name, version in seen:
        key = f"{name}-{version}"
        if key in bundled and not any((f.name, f.version) == (name, version) for f in forms):
            forms.append(bundled_form(key))
    return Layout(tuple(forms), seen, merge_forms(forms))


def _union(first: Iterable[str], *later: Iterable[str]) -> tuple[str, ...]:
    out = list(dict.fromkeys(first))
    for items in later:
        out += [item for item in items if item not in out]
    return tuple(out)


def _first_by(items: Iterable[_T], key: Callable[[_T], object]) -> tuple[_T, ...]:
    """Each item whose key no earlier item has, in order."""
    out: dict[object, _T] = {}
    for item in items:
        out.setdefault(key(item), item)
    return tuple(out.values())


def _merge_report(first: Report, later: Sequence[Report]) -> Report:
    every = (first, *later)
    return dataclasses.replace(
        first,
        audit_columns=_union(*(r.audit_columns for r in every)),
        commentary=_union(*(r.commentary for r in every)),
        score_kinds=_union(*(r.score_kinds for r in every)),
        question_kinds=_union(*(r.question_kinds for r in every)),
        question_skip=_union(*(r.question_skip for r in every)),
        person_sections=_union(*(r.person_sections for r in every)),
        groups=_first_by((g for r in every for g in r.groups), lambda g: g.name),
        pairs=_first_by((p for r in every for p in r.pairs), lambda p: p.title),
        averages=_first_by((a for r in every for a in r.averages), lambda a: a.title),
        tallies=_first_by((t for r in every for t in r.tallies), lambda t: t.field),
        panel=first.panel or next((r.panel for r in later if r.panel), None),
    )


def merge_forms(forms: Sequence[Form]) -> Form:
    """One form holding every field of ``forms``: the first form as it is, then each later
    form's fields that no earlier form has, in its page order (as tables of their own, each
    answer keeping its form's wording, column heading and kind), with the sections, kinds and
    report entries they need. One form is returned as it is."""
    if not forms:
        raise ValueError("merge_forms() needs at least one form")
    first = forms[0]
    if len(forms) == 1:
        return first
    known = set(first.field_ids)
    kinds: dict[str, Kind] = dict(first.kinds)
    sections: list[Section] = list(first.sections)
    blocks: list[Block] = list(first.blocks)
    for form in forms[1:]:
        for table in form.tables:
            rows = []
            for row in table.rows:
                answers = [_carried(a, form, kinds) for a in row.answers if a.field not in known]
                if answers:
                    rows.append(Row(key=row.key, cells=tuple(answers), label=row.label))
                    known.update(a.field for a in answers)
            if rows:
                blocks.append(Table(section=table.section, rows=tuple(rows),
                                    widths_cm=(1.0,) * max(len(r.cells) for r in rows)))
        have = {s.key for s in sections}
        sections += [s for s in form.sections if s.key not in have]
    return dataclasses.replace(
        first, blocks=tuple(blocks), kinds=kinds, sections=tuple(sections),
        report=_merge_report(first.report, [f.report for f in forms[1:]]))


def _carried(answer: Answer, form: Form, kinds: dict[str, Kind]) -> Answer:
    """A later form's answer cell as the union holds it: on its own, so its question and
    column are spelled out, and its kind under a name of its own should the name be taken."""
    field = form.field(answer.field)
    kind_key = answer.kind
    if kinds.get(kind_key, field.kind) != field.kind:
        kind_key = f"{answer.kind} ({form.key})"
    kinds.setdefault(kind_key, field.kind)
    return dataclasses.replace(answer, kind=kind_key, span=1, question=field.question,
                               column=field.column)
