"""From a blank's layout to the blocks of a form description, before anything is named.

The rules here decide what each cell *is*: printed text (a :class:`Label`) or a place to write
(an :class:`Answer`, for now under a provisional id "#n" and of kind "text"; the kind and id
rules of :mod:`.kinds` and :mod:`.ids` name it later). A cell holding a content control is an
answer; so is an empty cell of a question row under a column where other rows hold controls
(the bare-answer-cell rule: the council's form lets people type into some cells directly).
A row whose cells alternate printed labels and answers ("Case reference" | value | "Worker" |
value) is read label beside value: each value answers the label just left of it
(:func:`beside_rows`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from caseaudit_docx.model.form import Answer, Block, Cell, Label, Paragraph, Row, Table
from caseaudit_docx.oxml.layout import (
    CellLayout,
    ControlLayout,
    Layout,
    ParagraphLayout,
    RowLayout,
    TableLayout,
)

from .wording import question_number, restore_variables, template_variables

#: Control types a person writes an answer in (a picture or a group is not an answer).
ANSWER_CONTROLS = frozenset({"richText", "text", "date", "dropDownList", "comboBox", "checkbox"})


@dataclass(frozen=True)
class Draft:
    """The blank's blocks with provisional answers; what each provisional id's cell held."""

    blocks: tuple[Block, ...]
    controls: Mapping[str, ControlLayout | None]
    variables: tuple[tuple[str, str], ...]  # docxtpl variable, its default
    placeholder: str
    title: str
    notes: tuple[str, ...]


def draft_blocks(layout: Layout, variable_names: Mapping[str, str] | None = None) -> Draft:
    """Paragraphs and tables of ``layout`` as description blocks (answers provisional)."""
    names = dict(variable_names or {})
    found: dict[str, str] = {}
    controls: dict[str, ControlLayout | None] = {}
    notes: list[str] = []
    blocks: list[Block] = []
    for block in layout.blocks:
        if isinstance(block, ParagraphLayout):
            paragraph = paragraph_rule(block)
            if paragraph is not None:
                blocks.append(_restored(paragraph, names, found))
        else:
            table = table_rule(block, controls, notes)
            if table is not None:
                blocks.append(_restored(table, names, found))
    placeholders = Counter(c.placeholder for c in controls.values()
                           if c is not None and c.placeholder)
    return Draft(
        blocks=tuple(blocks), controls=controls, variables=tuple(found.items()),
        placeholder=placeholders.most_common(1)[0][0] if placeholders else "",
        title=title_rule(blocks, layout.title), notes=tuple(notes),
    )


def paragraph_rule(paragraph: ParagraphLayout) -> Paragraph | None:
    """A body paragraph keeps its text and style (title, heading, body); empty ones, which
    only space the page, are left out."""
    text = paragraph.text.strip()
    return Paragraph(text, paragraph.style) if text else None


def title_rule(blocks: Sequence[Block], properties_title: str | None) -> str:
    """The form's title: its Title-styled paragraph, else the first heading, else the
    document's title property, else its first paragraph."""
    paragraphs = [b for b in blocks if isinstance(b, Paragraph)]
    for style in ("title", "heading"):
        found = next((p.text for p in paragraphs if p.style == style), None)
        if found:
            return found
    if properties_title and properties_title.strip():
        return properties_title.strip()
    return paragraphs[0].text if paragraphs else "Untitled form"


def table_rule(table: TableLayout, controls: dict[str, ControlLayout | None],
               notes: list[str]) -> Table | None:
    """A table's rows, cells classified; ``controls`` gets each provisional answer's control."""
    if not table.rows or not table.widths_cm:
        return None
    if table.nested:
        notes.append(f"a table starting {_first_text(table)!r} holds {table.nested} table(s) "
                     f"inside its cells; their contents are read as text of those cells")
    columns = answer_columns(table)
    rows: list[Row] = []
    for row in table.rows:
        question = is_question_row(row)
        cells: list[Cell] = []
        start = row.skipped
        if row.skipped:
            cells.append(Label(("",), row.skipped))
        for index, cell in enumerate(row.cells):
            control = answer_control(cell)
            if control is not None:
                fid = f"#{len(controls)}"
                controls[fid] = control
                cells.append(_answer(fid, cell, control))
                if cell.text:
                    notes.append(f"a cell prints {cell.text!r} beside its control; the printed "
                                 f"text is not kept")
            elif index and question and is_bare_answer(cell, start in columns):
                fid = f"#{len(controls)}"
                controls[fid] = None
                cells.append(Answer(fid, "text", fid, control=False, span=cell.span))
            else:
                cells.append(Label(cell.lines, cell.span, cell.fill is not None,
                                   cell.bold and bool(cell.text)))
            start += cell.span
        span = sum(c.span for c in cells)
        if span < len(table.widths_cm):
            cells.append(Label(("",), len(table.widths_cm) - span))
        elif span > len(table.widths_cm):
            notes.append(f"a row spans {span} grid columns of a {len(table.widths_cm)}-column "
                         f"table; its last cells are left out")
            cells = _trimmed(cells, len(table.widths_cm))
        rows.append(Row(f"#row{len(rows)}", tuple(cells), row_label(cells)))
    return beside_rule(Table("", tuple(rows), table.widths_cm))


def answer_control(cell: CellLayout) -> ControlLayout | None:
    """The control a person answers in, if the cell holds one (the first, when several)."""
    return next((c for c in cell.controls if c.type in ANSWER_CONTROLS), None)


def answer_columns(table: TableLayout) -> frozenset[int]:
    """Grid columns where some row's cell holds an answer control."""
    out = set()
    for row in table.rows:
        start = row.skipped
        for cell in row.cells:
            if answer_control(cell) is not None:
                out.add(start)
            start += cell.span
    return frozenset(out)


def is_question_row(row: RowLayout) -> bool:
    """A row that asks something: its first cell prints a numbered question, or it holds a
    control beside printed text."""
    if not row.cells or not row.cells[0].text or answer_control(row.cells[0]) is not None:
        return False
    return (question_number(row.cells[0].text) is not None
            or any(answer_control(c) is not None for c in row.cells[1:]))


def is_bare_answer(cell: CellLayout, in_answer_column: bool) -> bool:
    """The bare-answer-cell rule: an empty, unshaded cell of a question row, in a column
    where other rows hold controls, is typed into directly."""
    return in_answer_column and not cell.text and not cell.controls and cell.fill is None


def row_label(cells: Sequence[Cell]) -> str | None:
    """A row holding answers is known by its first cell's printed text (its question)."""
    if not cells or not isinstance(cells[0], Label) or not any(
            isinstance(c, Answer) for c in cells):
        return None
    text = cells[0].text.replace("\n", " ").strip()
    return text or None


def beside_pairs(row: Row) -> list[tuple[Label, Answer]] | None:
    """A row's cells as (label, value) pairs when they alternate printed label and answer
    ("Case reference" | value | "Worker" | value; empty cells at either end aside) and the
    first label is no numbered question; else None."""
    cells = list(row.cells)
    while cells and isinstance(cells[0], Label) and not cells[0].text.strip():
        cells.pop(0)
    while cells and isinstance(cells[-1], Label) and not cells[-1].text.strip():
        cells.pop()
    if not cells or len(cells) % 2:
        return None
    pairs = []
    for label, value in zip(cells[::2], cells[1::2]):
        if not (isinstance(label, Label) and label.text.strip() and isinstance(value, Answer)):
            return None
        pairs.append((label, value))
    return None if question_number(pairs[0][0].text) is not None else pairs


def beside_rows(table: Table) -> frozenset[int]:
    """The label-beside-value rule: the rows (indices) whose values each answer the label just
    left of them. A row of two or more label-value pairs is one; so is every row of a table
    whose rows holding answers all alternate labels and values, one pair each or more (a
    column of "Case reference" | value rows)."""
    pairs = {i: beside_pairs(r) for i, r in enumerate(table.rows) if r.answers}
    if pairs and all(p is not None for p in pairs.values()):
        return frozenset(pairs)
    return frozenset(i for i, p in pairs.items() if p is not None and len(p) > 1)


def beside_rule(table: Table) -> Table:
    """``table`` with each value of a label-beside-value row worded as its own label, the one
    just left of it (the row itself stays known by its first label)."""
    rows = list(table.rows)
    for index in beside_rows(table):
        row = rows[index]
        cells = []
        for before, cell in zip((None, *row.cells), row.cells):
            if isinstance(cell, Answer) and isinstance(before, Label) and (
                    _wording(before) != row.label):
                cell = replace(cell, question=_wording(before))
            cells.append(cell)
        rows[index] = Row(row.key, tuple(cells), row.label)
    return Table(table.section, tuple(rows), table.widths_cm)


def _wording(label: Label) -> str:
    return label.text.replace("\n", " ").strip()


def _answer(fid: str, cell: CellLayout, control: ControlLayout) -> Answer:
    date_format = control.date_format if control.type == "date" else None
    return Answer(fid, "text", control.alias or fid, span=cell.span,
                  control_type=control.type, date_format=date_format)


def _trimmed(cells: list[Cell], width: int) -> list[Cell]:
    """The cells that fit the table's grid, and an empty label filling what is left, so every
    row spans the grid (a description requires it)."""
    out: list[Cell] = []
    for cell in cells:
        if sum(c.span for c in out) + cell.span > width:
            break
        out.append(cell)
    left = width - sum(c.span for c in out)
    if left > 0:
        out.append(Label(("",), left))
    return out


def _first_text(table: TableLayout) -> str:
    return next((c.text for r in table.rows for c in r.cells if c.text), "")[:60]


def _restored(block: Block, names: dict[str, str], found: dict[str, str]) -> Block:
    """``block`` with docxtpl variables in its text written as ``{name}`` (recording them)."""
    def fix(text: str) -> str:
        for variable, default in template_variables(text):
            found.setdefault(variable, default)
            names.setdefault(variable, variable)
        return restore_variables(text, names) if "{{" in text else text

    if isinstance(block, Paragraph):
        return Paragraph(fix(block.text), block.style)
    rows = []
    for row in block.rows:
        cells = tuple(Label(tuple(fix(line) for line in c.lines), c.span, c.shaded, c.bold)
                      if isinstance(c, Label)
                      else replace(c, question=fix(c.question)) if c.question else c
                      for c in row.cells)
        rows.append(Row(row.key, cells, fix(row.label) if row.label else row.label))
    return Table(block.section, tuple(rows), block.widths_cm)
