"""Writing a form as its description file: indented, one cell a line, defaults left out, so
that a person can read it and a diff of two versions shows what changed."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from caseaudit_docx.model.form import Block, Cell, Form, Label, Paragraph, Report
from caseaudit_docx.model.kinds import Kind, Option
from caseaudit_docx.model.parse import FORMAT, FORMAT_VERSION, ROLE_KEYS


def form_to_json(form: Form) -> str:
    """The description file of ``form``: indented, one cell a line, defaults left out, so that
    a person can read it and a diff of two versions shows what changed."""
    top: dict[str, Any] = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "name": form.name,
        "version": form.version, "title": form.title,
    }
    if form.description:
        top["description"] = form.description
    if form.placeholder:
        top["placeholder"] = form.placeholder
    if form.variables:
        top["variables"] = [_drop_empty({"name": v.name, "template_variable": v.template_variable,
                                         "default": v.default, "help": v.help})
                            for v in form.variables]
    top["kinds"] = {name: _kind_data(kind) for name, kind in form.kinds.items()}
    top["roles"] = _drop_empty({key: getattr(form.roles, key) for key in ROLE_KEYS})
    top["report"] = _report_data(form.report)
    top["sections"] = [_drop_empty({"key": s.key, "title": s.title, "grade_field": s.grade_field})
                       for s in form.sections]
    out = ["{"]
    for key, value in top.items():
        out.append(f"  {json.dumps(key)}: {_indented(value, 2)},")
    out.append('  "blocks": [')
    out.append(",\n".join(_block_json(b) for b in form.blocks))
    out.append("  ]")
    out.append("}")
    return "\n".join(out) + "\n"


def _indented(value: Any, depth: int) -> str:
    """JSON indented by ``depth``, with short lists and objects of plain values on one line."""
    flat = json.dumps(value, ensure_ascii=False)
    if not isinstance(value, (list, dict)):
        return flat
    plain = all(
        not isinstance(v, (list, dict)) for v in (value.values() if isinstance(value, dict)
                                                  else value))
    if plain and depth + len(flat) <= 96:
        return flat
    pad = " " * (depth + 2)
    if isinstance(value, list):
        if plain:  # wrap a long list of texts, several a line
            lines: list[list[str]] = [[]]
            for item in (json.dumps(v, ensure_ascii=False) for v in value):
                if lines[-1] and len(pad) + len(", ".join([*lines[-1], item])) > 96:
                    lines.append([])
                lines[-1].append(item)
            return ("[\n" + ",\n".join(pad + ", ".join(line) for line in lines) + "\n"
                    + " " * depth + "]")
        items = [pad + _indented(v, depth + 2) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + " " * depth + "]"
    items = [f"{pad}{json.dumps(k, ensure_ascii=False)}: {_indented(v, depth + 2)}"
             for k, v in value.items()]
    return "{\n" + ",\n".join(items) + "\n" + " " * depth + "}"


def _drop_empty(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()
            if v not in (None, "", (), [], {})}


def _option_data(option: Option) -> Any:
    data = _drop_empty({"value": option.value, "spellings": option.spellings,
                        "patterns": option.patterns, "number": option.number,
                        "colour": option.colour})
    if option.spellings == (option.value,) and not (option.patterns or option.number
                                                     or option.colour):
        return option.value  # a bare value, matched as written
    return data


def _kind_data(kind: Kind) -> dict[str, Any]:
    data: dict[str, Any] = {"type": kind.type}
    data.update(_drop_empty({
        "description": kind.description, "noun": kind.noun, "minimum": kind.minimum,
        "maximum": kind.maximum, "out_of": kind.out_of,
        "options": [_option_data(o) for o in kind.options],
        "middle": _option_data(kind.middle) if kind.middle else None,
        "expected": kind.expected, "example": kind.example, "negations": kind.negations,
        "misspellings": dict(kind.misspellings), "qualifiers": kind.qualifiers,
        "filler": kind.filler, "positive": kind.positive, "positive_label": kind.positive_label,
        "na": kind.na,
    }))
    if kind.misspellings and kind.misspelling_cutoff != 0.9:
        data["misspelling_cutoff"] = kind.misspelling_cutoff
    return data


def _report_data(report: Report) -> dict[str, Any]:
    data = _drop_empty({
        "audit_columns": report.audit_columns, "commentary": report.commentary,
        "score_kinds": report.score_kinds, "question_kinds": report.question_kinds,
        "question_skip": report.question_skip, "person_sections": report.person_sections,
        "groups": [_drop_empty({"name": g.name, "section": g.section, "due": g.due})
                   for g in report.groups],
        "pairs": [_drop_empty({"title": p.title, "first": p.first, "second": p.second,
                               "note": p.note}) for p in report.pairs],
        "averages": [_drop_empty({"title": a.title, "fields": a.fields, "note": a.note})
                     for a in report.averages],
        "tallies": [{"title": t.title, "field": t.field} for t in report.tallies],
    })
    if report.person_columns is not None:  # () is "none", not "the default": kept, in place
        at = list(data).index("person_sections") + 1 if "person_sections" in data else len(data)
        items = list(data.items())
        items.insert(at, ("person_columns", list(report.person_columns)))
        data = dict(items)
    if report.panel:
        p = report.panel
        data["panel"] = _drop_empty({"section": p.section, "changed": p.changed, "date": p.date,
                                     "score": p.score, "columns": p.columns})
    return data


def _cell_data(cell: Cell) -> dict[str, Any]:
    if isinstance(cell, Label):
        data: dict[str, Any] = {"label": list(cell.lines)}
        label_keys: tuple[tuple[str, object, object], ...] = (
            ("span", cell.span, 1), ("shaded", cell.shaded, False), ("bold", cell.bold, False))
        data.update((key, value) for key, value, default in label_keys if value != default)
        return data
    data = {"field": cell.field, "kind": cell.kind}
    if cell.alias != cell.field:
        data["alias"] = cell.alias
    options: tuple[tuple[str, object, object], ...] = (
        ("control", cell.control, True), ("span", cell.span, 1),
        ("question", cell.question, None), ("column", cell.column, None),
        ("control_type", cell.control_type, "richText"), ("date_format", cell.date_format, None),
        ("synonyms", list(cell.synonyms), []),
    )
    data.update((key, value) for key, value, default in options if value != default)
    return data


def _block_json(block: Block) -> str:
    if isinstance(block, Paragraph):
        data: dict[str, Any] = {"paragraph": block.text}
        if block.style != "body":
            data["style"] = block.style
        return "    " + json.dumps(data, ensure_ascii=False)
    rows = []
    for row in block.rows:
        head = {"key": row.key, **({"label": row.label} if row.label is not None else {})}
        opening = json.dumps(head, ensure_ascii=False)[:-1]
        cells = ",\n".join("          " + json.dumps(_cell_data(c), ensure_ascii=False)
                           for c in row.cells)
        rows.append(f"        {opening}, \"cells\": [\n{cells}\n        ]}}")
    widths = json.dumps([w if w != int(w) else int(w) for w in block.widths_cm])
    return (f"    {{\"table\": {json.dumps(block.section)}, \"widths_cm\": {widths}, \"rows\": [\n"
            + ",\n".join(rows) + "\n    ]}")
