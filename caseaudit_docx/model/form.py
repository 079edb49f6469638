"""The case audit form described once, as data.

Every part of caseaudit-docx reads this one description: the template builder lays the Word
form out from it, extraction finds answers by its labels and layout, generation fills its header
fields and the workbook takes its headings and data dictionary from it. Field ids are spelled
here and nowhere else (the public contract is ``shared/spec/fields.md``).

The form is a sequence of blocks: paragraphs of printed text, and tables whose cells are either
printed labels (:class:`Label`) or answer cells (:class:`Answer`). An answer cell belongs to
exactly one field id. The wording of the v3.2 form lives in :mod:`caseaudit_docx.model.form_v32`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from functools import cached_property, wraps
from typing import TypeVar

_T = TypeVar("_T")


class Kind(str, Enum):
    """How a field's text is normalised into its value (see fields.md, "Kinds")."""

    TEXT = "text"
    SCORE = "score"
    GRADE = "grade"
    YES_NO = "yes_no"
    LEVEL = "level"
    GOOD_PRACTICE = "good_practice"
    RATING = "rating"
    CATEGORY = "category"
    DATE = "date"


#: The values each kind allows (besides "n/a"), for the data dictionary and validation.
ALLOWED_VALUES: dict[Kind, tuple[str, ...]] = {
    Kind.TEXT: (),
    Kind.SCORE: ("1", "2", "3", "4", "5"),
    Kind.GRADE: ("Inadequate", "Requires Improvement", "Good", "Outstanding"),
    Kind.YES_NO: ("Yes", "No"),
    Kind.LEVEL: ("Too High", "Appropriate", "Too Little"),
    Kind.GOOD_PRACTICE: ("Yes", "With some work", "No"),
    Kind.RATING: tuple(str(n) for n in range(11)),
    Kind.CATEGORY: ("EH", "CIN", "CP", "LAC"),
    Kind.DATE: ("YYYY-MM-DD",),
}

GRADES: tuple[str, ...] = ALLOWED_VALUES[Kind.GRADE]

#: Word's placeholder text in every content control of the v3.2 form.
PLACEHOLDER_TEXT = "Click here to enter text."


@dataclass(frozen=True)
class Label:
    """A cell of printed text: one string per paragraph."""

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

    ``control`` says whether the council's form holds a content control in this cell (most
    do) or is a bare cell typed into directly (Q1 notes, the A/B/C sub-rows' notes, Q15).
    ``alias`` is the short human label our tagged template gives the control.
    """

    field: str
    kind: Kind
    alias: str
    control: bool = True
    span: int = 1
    question: str | None = None  # wording, where the row label alone does not say it


Cell = Label | Answer


@dataclass(frozen=True)
class Row:
    """A table row. ``key`` is stable (``"q5a"``, ``"grade.plan"``, ``"header1.values"``).

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
class Field:
    """One field of the record, with everything the other modules need to know about it."""

    id: str
    kind: Kind
    section: str
    question: str  # the wording of the row (or column heading) the answer belongs to
    alias: str
    control: bool
    row_key: str

    @property
    def allowed_values(self) -> tuple[str, ...]:
        return ALLOWED_VALUES[self.kind]


@dataclass(frozen=True)
class Form:
    """The whole form: its identity, its sections and its blocks in page order."""

    name: str
    version: str
    title: str
    sections: tuple[Section, ...]
    blocks: tuple[Block, ...]

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Table))

    @cached_property
    def fields(self) -> tuple[Field, ...]:
        """Every field in page order, derived from the answer cells of the tables."""
        found: list[Field] = []
        for table in self.tables:
            for index, row in enumerate(table.rows):
                column = 0
                for cell in row.cells:
                    if isinstance(cell, Answer):
                        found.append(
                            Field(
                                id=cell.field,
                                kind=cell.kind,
                                section=table.section,
                                question=cell.question or _question_for(table, index, column),
                                alias=cell.alias,
                                control=cell.control,
                                row_key=row.key,
                            )
                        )
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


def _grid_cells(row: Row) -> list[Cell]:
    """The row's cells repeated over the grid columns they span, so columns line up."""
    out: list[Cell] = []
    for cell in row.cells:
        out.extend([cell] * cell.span)
    return out


def _question_for(table: Table, row_index: int, column: int) -> str:
    """The printed wording an answer cell answers.

    In a question row it is the row's label. In a value row (the header tables, the
    commentary boxes) it is the label printed in the same column of the row above.
    """
    row = table.rows[row_index]
    if row.label:
        return row.label
    if row_index:
        grid = _grid_cells(table.rows[row_index - 1])
        above = grid[column] if column < len(grid) else None
        if isinstance(above, Label):
            return above.text.replace("\n", " ").strip()
    return ""
