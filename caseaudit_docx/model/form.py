"""A case audit form described once, as data.

Every stage reads a :class:`Form`: the template builder lays the Word form out from it,
extraction finds answers by its labels and layout, normalising reads each field by its kind,
generation fills its prefilled fields, the register takes an audit's identity from its roles and
the report its headings, sections and figures. A form is loaded from a description file
(:mod:`caseaudit_docx.model.description`); the bundled ones live in ``model/forms/``. No form's
wording, field ids or vocabularies are spelled in code.

The form is a sequence of blocks: paragraphs of printed text, and tables whose cells are either
printed labels (:class:`Label`) or answer cells (:class:`Answer`). An answer cell belongs to
exactly one field id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, wraps
from typing import TypeVar

from caseaudit_docx.model.kinds import Kind

_T = TypeVar("_T")


@dataclass(frozen=True)
class Label:
    """A cell of printed text: one string per paragraph. ``{name}`` stands for a variable."""

    lines: tuple[str, ...]
    span: int = 1
    shaded: bool = False
    bold: bool = False

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True)
class Answer:
    """An answer cell: where a person writes the value of one field.

    ``control`` says whether the form holds a content control in this cell or is a bare cell
    typed into directly; ``control_type`` is Word's type of that control ("richText", "text",
    "date", "dropDownList", "comboBox", "checkbox"). ``alias`` is the short label our tagged
    template gives the control. ``question`` and ``column`` override the printed wording the
    cell answers (its row label) and the column heading above it; ``synonyms`` are other names
    a case list's column may give the field ("Case ID").
    """

    field: str
    kind: str
    alias: str
    control: bool = True
    span: int = 1
    question: str | None = None
    column: str | None = None
    control_type: str = "richText"
    date_format: str | None = None
    synonyms: tuple[str, ...] = ()


Cell = Label | Answer


@dataclass(frozen=True)
class Row:
    """A table row. ``key`` is stable and unique on the form.

    ``label`` is the printed text that identifies the row to a reader (the question wording,
    the "Overall … Score" wording); ``None`` for rows recognised by position only (a value row
    under a label row).
    """

    key: str
    cells: tuple[Cell, ...]
    label: str | None = None

    @property
    def answers(self) -> tuple[Answer, ...]:
        return tuple(c for c in self.cells if isinstance(c, Answer))


@dataclass(frozen=True)
class Table:
    """A table of the form. ``section`` is the key of the section it belongs to."""

    section: str
    rows: tuple[Row, ...]
    widths_cm: tuple[float, ...]


@dataclass(frozen=True)
class Paragraph:
    """Printed text between tables. ``style`` is one of "title", "heading", "body"."""

    text: str
    style: str = "body"


Block = Paragraph | Table


@dataclass(frozen=True)
class Section:
    """A part of the form as an auditor and a report reader know it."""

    key: str
    title: str
    grade_field: str | None = None


@dataclass(frozen=True)
class Variable:
    """Text the form prints that differs by council: ``{name}`` in labels.

    ``template_variable`` is the docxtpl variable our bundled templates hold in its place, and
    ``default`` what it becomes when nobody says otherwise.
    """

    name: str
    template_variable: str
    default: str
    help: str = ""


@dataclass(frozen=True)
class Group:
    """Rows that repeat one shape (the recommended actions): one report row per filled row.

    ``section`` holds the rows; ``due`` is the column key (the last part of each field id) of a
    date by which the row is due, for overdue marks.
    """

    name: str
    section: str
    due: str | None = None


@dataclass(frozen=True)
class Pair:
    """Two fields scoring the same thing (the practitioner's and the auditor's), compared."""

    title: str
    first: str
    second: str
    note: str = ""


@dataclass(frozen=True)
class Average:
    """Fields whose numbers the summary averages together (every parent's rating)."""

    title: str
    fields: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class Tally:
    """A field whose answers the summary counts, option by option."""

    title: str
    field: str


@dataclass(frozen=True)
class Panel:
    """The moderation panel's part of the form: went to the panel when any field is filled.

    ``changed`` is the field that says whether the panel changed the grade; ``date`` and
    ``score`` its date and its score of the audit; ``columns`` what the Moderation sheet shows.
    """

    section: str
    changed: str | None = None
    date: str | None = None
    score: str | None = None
    columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Roles:
    """Which fields the register, generation and the report need, by what they are for.

    An audit is one ``case``, ``auditor`` and ``start_date`` (its identity). ``prefill`` are
    the fields generation fills from a case list; ``shown`` the fields repeated beside the case
    on every per-audit sheet; ``redact`` the fields ``--redact`` leaves out, and
    ``redact_names`` the fields whose names it also removes from free text. ``overall`` is the
    audit's overall grade and ``self_assessment`` the practitioner's own, compared with it.
    """

    case: str
    auditor: str | None = None
    start_date: str | None = None
    child: str | None = None
    team: str | None = None
    category: str | None = None
    prefill: tuple[str, ...] = ()
    shown: tuple[str, ...] = ()
    redact: tuple[str, ...] = ()
    redact_names: tuple[str, ...] = ()
    overall: str | None = None
    self_assessment: str | None = None

    @property
    def identity(self) -> tuple[str | None, str | None, str | None]:
        return (self.case, self.auditor, self.start_date)


@dataclass(frozen=True)
class Report:
    """What the workbook shows of this form beyond every field (which it always shows).

    ``audit_columns``: the fields of the Audits sheet; ``commentary``: the free-text fields of
    "Commentary and themes"; ``score_kinds``: kinds whose fields make the Scores sheet;
    ``question_kinds``/``question_skip``: what "share of questions answered" counts.
    """

    audit_columns: tuple[str, ...] = ()
    commentary: tuple[str, ...] = ()
    score_kinds: tuple[str, ...] = ()
    question_kinds: tuple[str, ...] = ()
    question_skip: tuple[str, ...] = ()  # sections whose fields are not questions
    groups: tuple[Group, ...] = ()
    pairs: tuple[Pair, ...] = ()
    averages: tuple[Average, ...] = ()
    tallies: tuple[Tally, ...] = ()
    panel: Panel | None = None
    person_sections: tuple[str, ...] = ()  # sections with a sheet of their own (Parents)
    person_columns: tuple[str, ...] | None = None  # shown before them (default: roles.shown)


@dataclass(frozen=True)
class Field:
    """One field of the record, with everything the other stages need to know about it."""

    id: str
    kind: Kind
    section: str
    question: str  # the printed wording the answer belongs to (its row label, or the label above)
    column: str  # the printed column heading above the answer (first paragraph), or ""
    alias: str
    control: bool
    row_key: str
    control_type: str = "richText"
    synonyms: tuple[str, ...] = ()

    @property
    def allowed_values(self) -> tuple[str, ...]:
        return self.kind.values


@dataclass(frozen=True)
class Form:
    """The whole form: its identity, kinds, roles, sections and blocks in page order."""

    name: str
    version: str
    title: str
    sections: tuple[Section, ...]
    blocks: tuple[Block, ...]
    kinds: Mapping[str, Kind]
    roles: Roles
    report: Report = field(default_factory=Report)
    variables: tuple[Variable, ...] = ()
    placeholder: str = ""
    description: str = ""

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Table))

    @property
    def key(self) -> str:
        """The name ``--form`` accepts for a bundled form: name and version ("case-audit-3.2")."""
        return f"{self.name}-{self.version}"

    @cached_property
    def fields(self) -> tuple[Field, ...]:
        """Every field in page order, derived from the answer cells of the tables."""
        found: list[Field] = []
        for table in self.tables:
            for index, row in enumerate(table.rows):
                column = 0
                for cell in row.cells:
                    if isinstance(cell, Answer):
                        found.append(Field(
                            id=cell.field,
                            kind=self.kinds[cell.kind],
                            section=table.section,
                            question=cell.question or _question_for(table, index, column),
                            column=cell.column if cell.column is not None
                            else _column_for(table, index, column),
                            alias=cell.alias,
                            control=cell.control,
                            row_key=row.key,
                            control_type=cell.control_type,
                            synonyms=cell.synonyms,
                        ))
                    column += cell.span
        return tuple(found)

    @cached_property
    def field_ids(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.fields)

    @cached_property
    def by_id(self) -> dict[str, Field]:
        return {f.id: f for f in self.fields}

    def field(self, field_id: str) -> Field:
        return self.by_id[field_id]

    @cached_property
    def section_titles(self) -> dict[str, str]:
        return {s.key: s.title for s in self.sections}

    @cached_property
    def prefill_fields(self) -> tuple[Field, ...]:
        """The fields generation fills and a case list gives, in page order."""
        wanted = set(self.roles.prefill)
        return tuple(f for f in self.fields if f.id in wanted)

    def kind_of(self, field_id: str) -> Kind:
        return self.by_id[field_id].kind

    def variable(self, name: str) -> Variable | None:
        return next((v for v in self.variables if v.name == name), None)


def derived(compute: Callable[[Form], _T]) -> Callable[[Form], _T]:
    """``compute(form)``, worked out once per form object and kept on the form, as
    ``cached_property`` keeps the form's own tables: for look-up tables another module builds
    from a form (a form is frozen, so they never go stale; they go when the form goes, and
    hashing a whole form on every call would cost more than the look-ups save)."""
    name = f"_derived {compute.__module__}.{compute.__qualname__}"

    @wraps(compute)
    def get(form: Form) -> _T:
        cache = form.__dict__
        if name not in cache:
            cache[name] = compute(form)
        return cache[name]  # type: ignore[no-any-return]

    return get


def grid_cells(row: Row) -> list[Cell]:
    """The row's cells repeated over the grid columns they span, so columns line up."""
    out: list[Cell] = []
    for cell in row.cells:
        out.extend([cell] * cell.span)
    return out


def _label_above(table: Table, row_index: int, column: int) -> Label | None:
    if not row_index:
        return None
    grid = grid_cells(table.rows[row_index - 1])
    above = grid[column] if column < len(grid) else None
    return above if isinstance(above, Label) else None


def _question_for(table: Table, row_index: int, column: int) -> str:
    """The printed wording an answer cell answers.

    In a question row it is the row's label. In a value row (the header tables, the
    commentary boxes) it is the label printed in the same column of the row above.
    """
    row = table.rows[row_index]
    if row.label:
        return row.label
    above = _label_above(table, row_index, column)
    return above.text.replace("\n", " ").strip() if above is not None else ""


def _column_for(table: Table, row_index: int, column: int) -> str:
    """The printed heading of an answer cell's column: the first paragraph of the label above
    it in the same grid column, from the nearest shaded or bold row (the form's heading rows),
    else from the nearest row of labels (a scale explained under a question is not a heading)."""
    nearest = ""
    for index in range(row_index, 0, -1):
        above = _label_above(table, index, column)
        if above is None or not above.lines or not above.lines[0].strip():
            continue
        if above.shaded or above.bold:
            return above.lines[0].strip()
        nearest = nearest or above.lines[0].strip()
    return nearest
