"""Reading a form description (decoded JSON) into a :class:`~caseaudit_docx.model.form.Form`.

Every value is checked as it is read, and each error names where it is in the file
(``blocks[4].rows[2].cells[1]: unknown kind 'scroe'``), so that a person editing a description
can find the line; what is inconsistent across parts is checked last
(:mod:`caseaudit_docx.model.checks`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import fields as dataclass_fields
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
from caseaudit_docx.model.readers import compile_kind

FORMAT = "caseaudit-form"
FORMAT_VERSION = 1
CONTROL_TYPES = ("richText", "text", "date", "dropDownList", "comboBox", "checkbox")
STYLES = ("title", "heading", "body")


class Reader:
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

    def share(self, data: Mapping[str, Any], key: str, at: str, default: float) -> float:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
            raise self.fail(at, f"{key!r} should be a number above 0 and at most 1")
        return float(value)

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
        if isinstance(value, str):  # a bare value is matched as written
            return Option(value, (value,))
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
            misspelling_cutoff=self.share(data, "misspelling_cutoff", at, 0.9),
            qualifiers=self.texts(data, "qualifiers", at), filler=self.texts(data, "filler", at),
            positive=self.texts(data, "positive", at),
            positive_label=self.opt_text(data, "positive_label", at),
            description=self.text(data, "description", at, default=""),
            na=self.opt_text(data, "na", at),
        )
        self.check_kind(kind, at)
        return kind

    def check_kind(self, kind: Kind, at: str) -> None:
        options = (*kind.options, *([kind.middle] if kind.middle else []))
        for pattern in (*(p for o in options for p in o.patterns), *kind.qualifiers):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise self.fail(at, f"the pattern {pattern!r} is not a regular expression "
                                    f"({exc})") from None
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
        if kind.na is not None and (kind.type == "text" or not compile_kind(kind).is_na(kind.na)):
            raise self.fail(f"{at}.na", f"{kind.na!r} does not read as N/A" if kind.type != "text"
                            else "a text kind keeps N/A as written; 'na' is for the other types")

    # -- blocks --------------------------------------------------------------------------------

    def cell(self, value: Any, at: str, kinds: Mapping[str, Kind]) -> Cell:
        data = self.obj(value, at)
        span = self.number(data, "span", at) or 1
        if span < 1:
            raise self.fail(at, "'span' should be 1 or more grid columns")
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
            if style not in STYLES:
                raise self.fail(at, f"unknown style {style!r} (one of {', '.join(STYLES)})")
            return Paragraph(self.text(data, "paragraph", at), style)
        if "table" not in data:
            raise self.fail(at, "a block is a paragraph ({\"paragraph\": ...}) or a table "
                                "({\"table\": SECTION, \"rows\": [...]})")
        self.unknown_keys(data, ("table", "widths_cm", "rows"), at)
        widths = self.seq(data.get("widths_cm", []), f"{at}.widths_cm")
        if not widths or not all(isinstance(w, (int, float)) and not isinstance(w, bool)
                                 and w > 0 for w in widths):
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
              "filler", "positive", "positive_label", "description", "na")
_ANSWER_KEYS = ("field", "kind", "alias", "control", "span", "question", "column",
                "control_type", "date_format", "synonyms")


def parse_json(text: str, *, where: str = "form description") -> Form:
    """Parse and check a description (the text of a file); :class:`FormError` says where."""
    reader = Reader(where)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise reader.fail("", f"is not valid JSON (line {exc.lineno}, column {exc.colno}: "
                              f"{exc.msg})") from None
    return parse_data(data, reader)


def parse_data(value: Any, reader: Reader | None = None) -> Form:
    """Build a form from a decoded description (JSON objects as dicts)."""
    reader = reader or Reader("form description")
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
    from caseaudit_docx.model.checks import check_form

    for problem in check_form(form):
        raise reader.fail(*problem)
    return form


_TOP_KEYS = ("format", "format_version", "name", "version", "title", "description",
             "placeholder", "variables", "kinds", "roles", "report", "sections", "blocks")


def _section(reader: Reader, value: Any, at: str) -> Section:
    data = reader.obj(value, at)
    reader.unknown_keys(data, ("key", "title", "grade_field"), at)
    return Section(reader.text(data, "key", at), reader.text(data, "title", at),
                   reader.opt_text(data, "grade_field", at))


def _variable(reader: Reader, value: Any, at: str) -> Variable:
    data = reader.obj(value, at)
    reader.unknown_keys(data, ("name", "template_variable", "default", "help"), at)
    name = reader.text(data, "name", at)
    return Variable(name, reader.text(data, "template_variable", at, default=name),
                    reader.text(data, "default", at, default=""),
                    reader.text(data, "help", at, default=""))


ROLE_KEYS = tuple(f.name for f in dataclass_fields(Roles))


def _roles(reader: Reader, value: Any) -> Roles:
    data = reader.obj(value, "roles")
    reader.unknown_keys(data, ROLE_KEYS, "roles")
    many = {"prefill", "shown", "redact", "redact_names"}
    values: dict[str, Any] = {}
    for key in ROLE_KEYS:
        values[key] = reader.texts(data, key, "roles") if key in many else \
            reader.opt_text(data, key, "roles")
    if not values["case"]:
        raise reader.fail("roles", "'case' is missing: the field that numbers a case (an "
                                   "audit is known by it)")
    return Roles(**values)


def _report(reader: Reader, value: Any) -> Report:
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
        person_columns=(reader.texts(data, "person_columns", "report")
                        if "person_columns" in data else None),
    )


def _json_type(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false",
            type(None): "null"}.get(type(value), "a number")


