"""Form description files: a form as JSON a person can read and edit, and back.

The format is documented in ``docs/form-description.md``. Loading checks everything a stage
would otherwise trip over later (unknown kinds and types, duplicate field ids, roles naming
fields the form does not have, tables in sections it does not list) and names where, e.g.
``blocks[4].rows[2].cells[1]: unknown kind 'scroe'``. The bundled forms live in
``caseaudit_docx/model/forms/`` and are named by ``name-version`` ("case-audit-3.2").
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import fields as dataclass_fields
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from caseaudit_docx.errors import FormError
from caseaudit_docx.model.form import (
    Answer,
    Average,
    Block,
    Cell,
    Form,
    Group,
    Label,
    Pair,
    Panel,
    Paragraph,
    Report,
    Roles,
    Row,
    Section,
    Table,
    Tally,
    Variable,
)
from caseaudit_docx.model.kinds import OPTION_TYPES, TYPES, Kind, Option

FORMAT = "caseaudit-form"
FORMAT_VERSION = 1
DEFAULT_FORM = "case-audit-3.2"
CONTROL_TYPES = ("richText", "text", "date", "dropDownList", "comboBox", "checkbox")
_MAX_DESCRIPTION = 16 * 1024 * 1024
_STYLES = ("title", "heading", "body")


# -- finding forms -----------------------------------------------------------------------------


def _forms_folder() -> Any:
    return resources.files("caseaudit_docx.model") / "forms"


def bundled_form_names() -> tuple[str, ...]:
    """The names ``--form`` accepts for the forms that ship with caseaudit, sorted."""
    return tuple(sorted(entry.name[:-5] for entry in _forms_folder().iterdir()
                        if entry.name.endswith(".json")))


@cache
def bundled_form(name: str = DEFAULT_FORM) -> Form:
    """A bundled form by name ("case-audit-3.2"), loaded once per process."""
    if name not in bundled_form_names():
        raise FormError(f"no bundled form {name!r}; the bundled forms are "
                        f"{', '.join(bundled_form_names())} (or give a description file)")
    entry = _forms_folder() / f"{name}.json"
    return form_from_json(entry.read_text(encoding="utf-8"), where=f"bundled form {name}")


def load_form(source: str | Path | Form | None = None) -> Form:
    """A form from a bundled name, a description file's path, or a form (returned as it is).

    ``None`` is the default form (:data:`DEFAULT_FORM`). A name that is neither a bundled
    form nor an existing file is a :class:`FormError` listing the bundled names.
    """
    if source is None:
        return bundled_form()
    if isinstance(source, Form):
        return source
    text = str(source)
    if text in bundled_form_names():
        return bundled_form(text)
    path = Path(source)
    if not path.exists():
        raise FormError(f"no such form description file, and no bundled form of that name "
                        f"(bundled: {', '.join(bundled_form_names())})", path=path)
    from caseaudit_docx.files import read_user_file

    data = read_user_file(path, limit=_MAX_DESCRIPTION, what="a form description",
                          error=FormError)
    try:
        decoded = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FormError("is not a form description (not UTF-8 text)", path=path) from None
    return form_from_json(decoded, where=str(path))


# -- JSON -> Form ------------------------------------------------------------------------------


class _Reader:
    """Walks a decoded description, building the form and naming where anything is wrong."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, at: str, message: str) -> FormError:
        return FormError(f"{at}: {message}" if at else message, path=self.where)

    def obj(self, value: Any, at: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(at, f"should be an object, not {_json_type(value)}")
        return value

    def seq(self, value: Any, at: str) -> Sequence[Any]:
        if not isinstance(value, list):
            raise self.fail(at, f"should be a list, not {_json_type(value)}")
        return value

    def text(self, data: Mapping[str, Any], key: str, at: str, default: str | None = None
             ) -> str:
        value = data.get(key, default)
        if not isinstance(value, str):
            missing = key not in data
            raise self.fail(at, f"{key!r} is missing" if missing else
                            f"{key!r} should be text, not {_json_type(value)}")
        return value

    def opt_text(self, data: Mapping[str, Any], key: str, at: str) -> str | None:
        return None if data.get(key) is None else self.text(data, key, at)

    def texts(self, data: Mapping[str, Any], key: str, at: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if isinstance(value, str):
            return (value,)
        items = self.seq(value, f"{at}.{key}")
        if not all(isinstance(v, str) for v in items):
            raise self.fail(f"{at}.{key}", "should be a list of texts")
        return tuple(items)

    def number(self, data: Mapping[str, Any], key: str, at: str) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(at, f"{key!r} should be a whole number, not {_json_type(value)}")
        return value

    def flag(self, data: Mapping[str, Any], key: str, at: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(at, f"{key!r} should be true or false")
        return value

    def unknown_keys(self, data: Mapping[str, Any], known: Sequence[str], at: str) -> None:
        extra = sorted(set(data) - set(known) - {"comment"})
        if extra:
            raise self.fail(at, f"unknown key {extra[0]!r} (known: {', '.join(known)})")

    # -- kinds ---------------------------------------------------------------------------------

    def option(self, value: Any, at: str) -> Option:
        if isinstance(value, str):
            return Option(value)
        data = self.obj(value, at)
        self.unknown_keys(data, ("value", "spellings", "patterns", "number", "colour"), at)
        return Option(self.text(data, "value", at), self.texts(data, "spellings", at),
                      self.texts(data, "patterns", at), self.number(data, "number", at),
                      self.opt_text(data, "colour", at))

    def kind(self, name: str, value: Any, at: str) -> Kind:
        data = self.obj(value, at)
        self.unknown_keys(data, _KIND_KEYS, at)
        kind_type = self.text(data, "type", at)
        if kind_type not in TYPES:
            raise self.fail(at, f"unknown type {kind_type!r} (the types are {', '.join(TYPES)})")
        options = tuple(self.option(o, f"{at}.options[{i}]")
                        for i, o in enumerate(self.seq(data.get("options", []), f"{at}.options")))
        middle = self.option(data["middle"], f"{at}.middle") if data.get("middle") else None
        misspellings = self.obj(data.get("misspellings", {}), f"{at}.misspellings")
        kind = Kind(
            name=name, type=kind_type, noun=self.text(data, "noun", at, default=""),
            minimum=self.number(data, "minimum", at), maximum=self.number(data, "maximum", at),
            out_of=self.number(data, "out_of", at), options=options, middle=middle,
            expected=self.opt_text(data, "expected", at),
            example=self.opt_text(data, "example", at),
            negations=self.texts(data, "negations", at),
            misspellings=tuple((str(w), str(v)) for w, v in misspellings.items()),
            misspelling_cutoff=float(data.get("misspelling_cutoff", 0.9)),
            qualifiers=self.texts(data, "qualifiers", at), filler=self.texts(data, "filler", at),
            positive=self.texts(data, "positive", at),
            positive_label=self.opt_text(data, "positive_label", at),
            description=self.text(data, "description", at, default=""),
        )
        self.check_kind(kind, at)
        return kind

    def check_kind(self, kind: Kind, at: str) -> None:
        if kind.type == "number" and (kind.minimum is None or kind.maximum is None
                                      or kind.minimum > kind.maximum):
            raise self.fail(at, "a number kind needs 'minimum' and 'maximum', minimum first")
        if kind.type in OPTION_TYPES and not kind.options:
            raise self.fail(at, f"a {kind.type} kind needs 'options'")
        if kind.type == "yes_no" and len(kind.options) != 2:
            raise self.fail(at, "a yes_no kind has two options, yes then no ('middle' for a "
                                "third answer between them)")
        values = [o.value for o in kind.options]
        if len(set(values)) != len(values):
            raise self.fail(at, "two options have the same value")
        for word, value in kind.misspellings:
            if value not in values:
                raise self.fail(f"{at}.misspellings", f"{word!r} names {value!r}, not an option")
        for value in kind.positive:
            if value not in values:
                raise self.fail(f"{at}.positive", f"{value!r} is not an option")

    # -- blocks --------------------------------------------------------------------------------

    def cell(self, value: Any, at: str, kinds: Mapping[str, Kind]) -> Cell:
        data = self.obj(value, at)
        span = self.number(data, "span", at) or 1
        if "field" in data:
            self.unknown_keys(data, _ANSWER_KEYS, at)
            kind = self.text(data, "kind", at)
            if kind not in kinds:
                raise self.fail(at, f"unknown kind {kind!r} (this form's kinds: "
                                    f"{', '.join(kinds)})")
            control_type = self.text(data, "control_type", at, default="richText")
            if control_type not in CONTROL_TYPES:
                raise self.fail(at, f"unknown control_type {control_type!r} (one of "
                                    f"{', '.join(CONTROL_TYPES)})")
            field_id = self.text(data, "field", at)
            return Answer(
                field=field_id, kind=kind,
                alias=self.text(data, "alias", at, default=field_id),
                control=self.flag(data, "control", at, True), span=span,
                question=self.opt_text(data, "question", at),
                column=self.opt_text(data, "column", at), control_type=control_type,
                date_format=self.opt_text(data, "date_format", at),
                synonyms=self.texts(data, "synonyms", at),
            )
        if "label" in data:
            self.unknown_keys(data, ("label", "span", "shaded", "bold"), at)
            return Label(self.texts(data, "label", at), span, self.flag(data, "shaded", at, False),
                         self.flag(data, "bold", at, False))
        raise self.fail(at, "a cell is a label ({\"label\": [...]}) or an answer "
                            "({\"field\": ..., \"kind\": ...})")

    def block(self, value: Any, at: str, kinds: Mapping[str, Kind]) -> Block:
        data = self.obj(value, at)
        if "paragraph" in data:
            self.unknown_keys(data, ("paragraph", "style"), at)
            style = self.text(data, "style", at, default="body")
            if style not in _STYLES:
                raise self.fail(at, f"unknown style {style!r} (one of {', '.join(_STYLES)})")
            return Paragraph(self.text(data, "paragraph", at), style)
        if "table" not in data:
            raise self.fail(at, "a block is a paragraph ({\"paragraph\": ...}) or a table "
                                "({\"table\": SECTION, \"rows\": [...]})")
        self.unknown_keys(data, ("table", "widths_cm", "rows"), at)
        widths = self.seq(data.get("widths_cm", []), f"{at}.widths_cm")
        if not widths or not all(isinstance(w, (int, float)) and w > 0 for w in widths):
            raise self.fail(at, "'widths_cm' should list a positive width per grid column")
        rows = []
        for r, row_value in enumerate(self.seq(data.get("rows"), f"{at}.rows")):
            row_at = f"{at}.rows[{r}]"
            row = self.obj(row_value, row_at)
            self.unknown_keys(row, ("key", "label", "cells"), row_at)
            cells = tuple(self.cell(c, f"{row_at}.cells[{i}]", kinds)
                          for i, c in enumerate(self.seq(row.get("cells"), f"{row_at}.cells")))
            span = sum(c.span for c in cells)
            if span != len(widths):
                raise self.fail(row_at, f"its cells span {span} grid columns; the table has "
                                        f"{len(widths)}")
            rows.append(Row(self.text(row, "key", row_at), cells,
                            self.opt_text(row, "label", row_at)))
        return Table(self.text(data, "table", at), tuple(rows), tuple(float(w) for w in widths))


_KIND_KEYS = ("type", "noun", "minimum", "maximum", "out_of", "options", "middle", "expected",
              "example", "negations", "misspellings", "misspelling_cutoff", "qualifiers",
              "filler", "positive", "positive_label", "description")
_ANSWER_KEYS = ("field", "kind", "alias", "control", "span", "question", "column",
                "control_type", "date_format", "synonyms")


def form_from_json(text: str, *, where: str = "form description") -> Form:
    """Parse and check a description (the text of a file); :class:`FormError` says where."""
    reader = _Reader(where)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise reader.fail("", f"is not valid JSON (line {exc.lineno}, column {exc.colno}: "
                              f"{exc.msg})") from None
    return form_from_data(data, reader)


def form_from_data(value: Any, reader: _Reader | None = None) -> Form:
    """Build a form from a decoded description (JSON objects as dicts)."""
    reader = reader or _Reader("form description")
    data = reader.obj(value, "")
    if data.get("format") != FORMAT:
        raise reader.fail("", f"is not a caseaudit form description ('format' should be "
                              f"{FORMAT!r})")
    if data.get("format_version", FORMAT_VERSION) != FORMAT_VERSION:
        raise reader.fail("", f"format_version {data.get('format_version')!r} is not one this "
                              f"caseaudit reads ({FORMAT_VERSION}); upgrade caseaudit-docx")
    reader.unknown_keys(data, _TOP_KEYS, "")
    kinds_data = reader.obj(data.get("kinds", {}), "kinds")
    kinds = {name: reader.kind(name, k, f"kinds.{name}") for name, k in kinds_data.items()}
    sections = tuple(_section(reader, s, f"sections[{i}]")
                     for i, s in enumerate(reader.seq(data.get("sections"), "sections")))
    blocks = tuple(reader.block(b, f"blocks[{i}]", kinds)
                   for i, b in enumerate(reader.seq(data.get("blocks"), "blocks")))
    variables = tuple(_variable(reader, v, f"variables[{i}]")
                      for i, v in enumerate(reader.seq(data.get("variables", []), "variables")))
    form = Form(
        name=reader.text(data, "name", ""), version=reader.text(data, "version", ""),
        title=reader.text(data, "title", ""), sections=sections, blocks=blocks, kinds=kinds,
        roles=_roles(reader, data.get("roles")), report=_report(reader, data.get("report", {})),
        variables=variables, placeholder=reader.text(data, "placeholder", "", default=""),
        description=reader.text(data, "description", "", default=""),
    )
    for problem in check_form(form):
        raise reader.fail(*problem)
    return form


_TOP_KEYS = ("format", "format_version", "name", "version", "title", "description",
             "placeholder", "variables", "kinds", "roles", "report", "sections", "blocks")


def _section(reader: _Reader, value: Any, at: str) -> Section:
    data = reader.obj(value, at)
    reader.unknown_keys(data, ("key", "title", "grade_field"), at)
    return Section(reader.text(data, "key", at), reader.text(data, "title", at),
                   reader.opt_text(data, "grade_field", at))


def _variable(reader: _Reader, value: Any, at: str) -> Variable:
    data = reader.obj(value, at)
    reader.unknown_keys(data, ("name", "template_variable", "default", "help"), at)
    name = reader.text(data, "name", at)
    return Variable(name, reader.text(data, "template_variable", at, default=name),
                    reader.text(data, "default", at, default=""),
                    reader.text(data, "help", at, default=""))


_ROLE_KEYS = tuple(f.name for f in dataclass_fields(Roles))


def _roles(reader: _Reader, value: Any) -> Roles:
    data = reader.obj(value, "roles")
    reader.unknown_keys(data, _ROLE_KEYS, "roles")
    many = {"prefill", "shown", "redact", "redact_names"}
    values: dict[str, Any] = {}
    for key in _ROLE_KEYS:
        values[key] = reader.texts(data, key, "roles") if key in many else \
            reader.opt_text(data, key, "roles")
    if not values["case"]:
        raise reader.fail("roles", "'case' is missing: the field that numbers a case (an "
                                   "audit is known by it)")
    return Roles(**values)


def _report(reader: _Reader, value: Any) -> Report:
    data = reader.obj(value, "report")
    reader.unknown_keys(data, tuple(f.name for f in dataclass_fields(Report)), "report")

    def items(key: str) -> Iterator[tuple[Mapping[str, Any], str]]:
        for i, item in enumerate(reader.seq(data.get(key, []), f"report.{key}")):
            yield reader.obj(item, f"report.{key}[{i}]"), f"report.{key}[{i}]"

    panel = None
    if data.get("panel"):
        p = reader.obj(data["panel"], "report.panel")
        reader.unknown_keys(p, ("section", "changed", "date", "score", "columns"), "report.panel")
        panel = Panel(reader.text(p, "section", "report.panel"),
                      reader.opt_text(p, "changed", "report.panel"),
                      reader.opt_text(p, "date", "report.panel"),
                      reader.opt_text(p, "score", "report.panel"),
                      reader.texts(p, "columns", "report.panel"))
    return Report(
        audit_columns=reader.texts(data, "audit_columns", "report"),
        commentary=reader.texts(data, "commentary", "report"),
        score_kinds=reader.texts(data, "score_kinds", "report"),
        question_kinds=reader.texts(data, "question_kinds", "report"),
        question_skip=reader.texts(data, "question_skip", "report"),
        groups=tuple(Group(reader.text(g, "name", at), reader.text(g, "section", at),
                           reader.opt_text(g, "due", at)) for g, at in items("groups")),
        pairs=tuple(Pair(reader.text(p, "title", at), reader.text(p, "first", at),
                         reader.text(p, "second", at), reader.text(p, "note", at, default=""))
                    for p, at in items("pairs")),
        averages=tuple(Average(reader.text(a, "title", at), reader.texts(a, "fields", at),
                               reader.text(a, "note", at, default=""))
                       for a, at in items("averages")),
        tallies=tuple(Tally(reader.text(t, "title", at), reader.text(t, "field", at))
                      for t, at in items("tallies")),
        panel=panel,
        person_sections=reader.texts(data, "person_sections", "report"),
    )


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
    for key in _ROLE_KEYS:
        value = getattr(roles, key)
        for named in (value if isinstance(value, tuple) else (value,)):
            if named:
                yield f"roles.{key}", named
    for name in ("audit_columns", "commentary"):
        for named in getattr(report, name):
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


def _json_type(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false",
            type(None): "null"}.get(type(value), "a number")


# -- Form -> JSON ------------------------------------------------------------------------------


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
    top["roles"] = _drop_empty({key: getattr(form.roles, key) for key in _ROLE_KEYS})
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
    return option.value if list(data) == ["value"] else data


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
