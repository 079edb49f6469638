"""What must agree across the parts of a form: ids unique, roles and report naming real
fields, tables in listed sections. Returned as (where, message) pairs, for loading (which
refuses the first) and for ``caseaudit form check`` (which lists them all)."""

from __future__ import annotations

from collections.abc import Iterator

from caseaudit_docx.model.form import Answer, Form, Table
from caseaudit_docx.model.parse import ROLE_KEYS


def check_form(form: Form) -> list[tuple[str, str]]:
    """What is inconsistent across a form's parts, as (where, message) pairs."""
    problems: list[tuple[str, str]] = []
    ids: dict[str, str] = {}
    keys: set[str] = set()
    section_keys = {s.key for s in form.sections}
    for b, block in enumerate(form.blocks):
        if not isinstance(block, Table):
            continue
        if block.section not in section_keys:
            problems.append((f"blocks[{b}]", f"table in section {block.section!r}, which "
                                             "'sections' does not list"))
        for r, row in enumerate(block.rows):
            if row.key in keys:
                problems.append((f"blocks[{b}].rows[{r}]", f"row key {row.key!r} is used twice"))
            keys.add(row.key)
            for c, cell in enumerate(row.cells):
                if isinstance(cell, Answer):
                    at = f"blocks[{b}].rows[{r}].cells[{c}]"
                    if cell.field in ids:
                        problems.append((at, f"field id {cell.field!r} is used twice (first at "
                                             f"{ids[cell.field]})"))
                    ids.setdefault(cell.field, at)
    for s, section in enumerate(form.sections):
        if section.grade_field and section.grade_field not in ids:
            problems.append((f"sections[{s}]", f"grade_field {section.grade_field!r} is not "
                                               "a field of the form"))
    for role, named in _named_fields(form):
        if named not in ids:
            problems.append((role, f"{named!r} is not a field of the form"))
    for kind in (*form.report.score_kinds, *form.report.question_kinds):
        if kind not in form.kinds:
            problems.append(("report", f"{kind!r} is not one of the form's kinds"))
    for named_section in (*form.report.question_skip, *form.report.person_sections,
                          *(g.section for g in form.report.groups),
                          *([form.report.panel.section] if form.report.panel else [])):
        if named_section not in section_keys:
            problems.append(("report", f"section {named_section!r} is not one of the form's"))
    return problems


def _named_fields(form: Form) -> Iterator[tuple[str, str]]:
    roles, report = form.roles, form.report
    for key in ROLE_KEYS:
        value = getattr(roles, key)
        for named in (value if isinstance(value, tuple) else (value,)):
            if named:
                yield f"roles.{key}", named
    for name in ("audit_columns", "commentary", "person_columns"):
        for named in getattr(report, name) or ():
            yield f"report.{name}", named
    for i, pair in enumerate(report.pairs):
        yield f"report.pairs[{i}]", pair.first
        yield f"report.pairs[{i}]", pair.second
    for i, average in enumerate(report.averages):
        for named in average.fields:
            yield f"report.averages[{i}]", named
    for i, tally in enumerate(report.tallies):
        yield f"report.tallies[{i}]", tally.field
    if report.panel:
        panel = report.panel
        for named in (panel.changed, panel.date, panel.score, *panel.columns):
            if named:
                yield "report.panel", named


