"""Find each field's answer cell in a document: by tag where our template was used, else by
the labels and table layout of the form model.

Years of editing do things to a council's template: sections split over several tables or share
one, blank rows are inserted, "Q3." becomes "Q3 ", wording drifts, rows are added. So the
locator flattens every table row of the document into one sequence and recognises rows by what a
reader would: the number or letter it starts with, the printed wording, the position under a
row of labels (which row is which form row is :mod:`caseaudit_docx.extract.rows`' job, worked
out from the form description). Text that lands in no known answer cell is never dropped: it is
kept as an extra with a warning.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from caseaudit_docx.errors import NotAFormError
from caseaudit_docx.extract.rows import (
    Beyond,
    Memo,
    RowIndex,
    heading_table,
    labels_row,
    recognise,
    row_index,
    similar,
    without_variables,
)
from caseaudit_docx.model.form import Answer, Form, Label, Paragraph, Row, derived
from caseaudit_docx.model.matching import grid_cells, label_key, values_under
from caseaudit_docx.model.record import WARNING, Problem
from caseaudit_docx.oxml.view import CellView, DocumentView, RowView

#: Below this share of the form's rows found, a document is not taken for a case audit form.
MIN_ROWS_FOUND = 0.4
#: The share of words a text must have in common with printed text to count as printed.
PRINTED_WORD_OVERLAP = 0.8
#: A document may hold this many times the form's table rows, cells or controls, or
#: SIZE_FLOOR of each, whichever is more, before it is refused as too large to be a form.
SIZE_FACTOR = 40
SIZE_FLOOR = 5_000


@dataclass(frozen=True)
class Located:
    """Raw text per field id (None when blank), with what the locator noticed on the way:
    a date picker's stored date and a check box's state, per field."""

    texts: dict[str, str | None]
    date_hints: dict[str, str]
    problems: tuple[Problem, ...]
    extras: dict[str, str]
    tagged: bool
    checked: dict[str, bool] = field(default_factory=dict)


@dataclass
class _Model:
    """Look-up tables over the form model for placing answers, built once per form."""

    form: Form
    rows: RowIndex = field(init=False)
    printed: set[str] = field(default_factory=set)  # label keys of every printed text
    printed_words: list[frozenset[str]] = field(default_factory=list)
    memo: Memo = field(default_factory=Memo)
    answer_cells: dict[str, list[tuple[int, Answer]]] = field(default_factory=dict)
    answer_rows: frozenset[str] = frozenset()  # keys of the rows that hold the form's fields

    def __post_init__(self) -> None:
        self.rows = row_index(self.form)
        for table in self.form.tables:
            for row in table.rows:
                self.answer_cells[row.key] = [
                    (i, c) for i, c in enumerate(row.cells) if isinstance(c, Answer)]
                for cell in row.cells:
                    if isinstance(cell, Label):
                        for text in (cell.text, *cell.lines):
                            if label_key(text):
                                self.printed.add(label_key(without_variables(text, self.form)))
        for block in self.form.blocks:
            if isinstance(block, Paragraph):
                self.printed.add(label_key(block.text))
        self.printed_words = [frozenset(text.split()) for text in self.printed]
        self.answer_rows = frozenset(f.row_key for f in self.form.fields)


_model = derived(_Model)


def _label_text(cell: Label | Answer) -> str:
    return cell.text if isinstance(cell, Label) else ""


def _is_printed(model: _Model, text: str) -> bool:
    """Whether text is part of the printed form (a heading, a scale line, the parents' script).

    Compared by words, so that a council name in the script or a re-worded heading still
    counts as printed; anything else in a row without answers is something a person typed.
    """
    key = label_key(text)
    if not key or key in model.printed:
        return True

    def compare() -> bool:
        words = frozenset(key.split())
        return any(
            len(words & known) >= PRINTED_WORD_OVERLAP * len(words | known)
            for known in model.printed_words
            if abs(len(known) - len(words)) <= max(2, len(known) // 4)
        )

    return model.memo.get("printed", key, compare)


@dataclass
class _Walk:
    """State of one pass over a document's rows."""

    model: _Model
    cells: dict[str, CellView] = field(default_factory=dict)  # field id -> answer cell
    rows_found: set[str] = field(default_factory=set)
    extras: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    parent: str | None = None  # a numbered row whose lettered parts may follow (Q5: A, B, C)
    table: int | None = None  # the model table of the last model row recognised
    next_number: dict[str, int] = field(default_factory=dict)  # extra name -> its next "#n"

    def keep_extra(self, name: str, cells: tuple[CellView, ...], why: str) -> None:
        """Keep text as the extra ``name``, or ``name#2``, ``name#3``… when that is taken
        (each name's count is kept, so that many extras of one name cost linear time)."""
        text = "\t".join(c.text for c in cells if c.text)
        if not text:
            return
        n = self.next_number.get(name, 1)
        key = name if n == 1 else f"{name}#{n}"
        while key in self.extras:  # taken by another name's numbering ("a#2" itself)
            n += 1
            key = f"{name}#{n}"
        self.next_number[name] = n + 1
        self.extras[key] = text
        self.problems.append(
            Problem(None, WARNING, f"{why}; its text is kept as {key!r}: {text!r}"))


def _place_answers(walk: _Walk, model_row: Row, doc_cells: tuple[CellView, ...]) -> None:
    """Give each answer cell of ``model_row`` its document cell, column by column."""
    answers = walk.model.answer_cells[model_row.key]
    if len(doc_cells) == len(model_row.cells):
        chosen = [doc_cells[i] for i, _ in answers]
    else:
        # Cells merged or split: take the cells after the label, in order, and say so.
        rest = list(doc_cells[1:]) if model_row.label else list(doc_cells)
        chosen = rest[: len(answers)]
        walk.problems.append(Problem(
            None, WARNING,
            f"row {model_row.key!r} has {len(doc_cells)} cells where the form has "
            f"{len(model_row.cells)}; answers were read from its cells in order",
        ))
        if len(rest) > len(answers):
            walk.keep_extra(f"{model_row.key}.more", tuple(rest[len(answers):]),
                            f"row {model_row.key!r} has more cells than the form")
    for (_, answer), cell in zip(answers, chosen):
        walk.cells[answer.field] = cell


def _place_labelled_values(walk: _Walk, labels: Row, doc_labels: RowView,
                           doc_values: RowView) -> None:
    """Header-style tables: each value sits under its label, whatever order the columns are in."""
    values_row = walk.model.rows.values_rows[labels.key]
    walk.rows_found.update((labels.key, values_row.key))
    columns = {label_key(c.text): i for i, c in enumerate(doc_labels.cells)}
    placed: dict[str, int] = {}
    unmatched: list[tuple[Label | Answer, Answer]] = []
    for label, answer in zip(labels.cells, values_row.cells):
        if not isinstance(answer, Answer):
            continue
        wanted = label_key(_label_text(label))
        index = columns.get(wanted)
        if index is None:
            index = next((i for text, i in columns.items() if similar(text, wanted)), None)
        if index is None:
            unmatched.append((label, answer))
        else:
            placed[answer.field] = index
    # A reworded label ("Case No."): the columns no label claimed, in order, by elimination.
    free = [i for i in range(len(doc_labels.cells)) if i not in placed.values()]
    if unmatched and len(free) == len(unmatched):
        placed.update((answer.field, i) for (_, answer), i in zip(unmatched, free))
        unmatched = []
    for label, answer in unmatched:
        walk.problems.append(Problem(
            answer.field, WARNING, f"the label {_label_text(label)!r} was not found on the form"))
    under = values_under(placed, grid_cells(c.span for c in doc_labels.cells),
                         grid_cells(c.span for c in doc_values.cells))
    for field_id, index in under.items():
        walk.cells[field_id] = doc_values.cells[index]


def _iter_rows(view: DocumentView) -> Iterator[RowView]:
    for table in view.tables:
        yield from table.rows


def _is_blank(row: RowView) -> bool:
    return not any(c.text or c.controls for c in row.cells)


def _walk_rows(walk: _Walk, view: DocumentView) -> None:
    index = walk.model.rows
    rows = list(_iter_rows(view))
    skip_next = 0
    for at, row in enumerate(rows):
        if skip_next:
            skip_next -= 1
            continue
        if not row.cells:
            continue
        labels = labels_row(index, tuple(c.text for c in row.cells))
        if labels is not None and at + 1 < len(rows):
            values = at + 1
            if (_is_blank(rows[values]) and values + 1 < len(rows)
                    and not _is_blank(rows[values + 1])):
                values += 1  # a blank row inserted between the labels and the values
            _place_labelled_values(walk, labels, row, rows[values])
            skip_next = values - at
            walk.parent, walk.table = None, index.table_of[labels.key]
            continue
        found = recognise(index, row.cells[0].text, table=walk.table, parent=walk.parent)
        if isinstance(found, Beyond):
            walk.keep_extra(found.name, row.cells[1:], found.why)
            continue
        model_row = index.rows.get(found) if found else None
        if model_row is None or not walk.model.answer_cells[model_row.key]:
            _unknown_row(walk, row)
            continue
        key = model_row.key
        if key in walk.rows_found:
            walk.keep_extra(key, row.cells[1:],
                            f"the row {key!r} appears twice; the first was used")
            continue
        walk.rows_found.add(key)
        _place_answers(walk, model_row, row.cells)
        if key in index.sub_rows:
            walk.parent = key
        elif key not in index.parent_of:
            walk.parent = None
        walk.table = index.table_of[key]


def _unknown_row(walk: _Walk, row: RowView) -> None:
    """A row that holds no answers of the form: printed text (a heading or a row of column
    headings moves the walk into its table), or something a person added (kept as an extra)."""
    table = heading_table(walk.model.rows, (c.text for c in row.cells))
    if table is not None:
        if table != walk.table:
            walk.parent = None
        walk.table = table
    unprinted = tuple(c for c in row.cells if c.text and not _is_printed(walk.model, c.text))
    if unprinted:
        walk.keep_extra("unplaced", unprinted, "text in a row the form does not have")


def _check_tags(walk: _Walk, view: DocumentView) -> bool:
    """Compare the tags of our own template with where the layout put each field."""
    tagged: dict[str, CellView] = {}
    known = walk.model.form.by_id
    for row in _iter_rows(view):
        for cell in row.cells:
            for control in cell.controls:
                if control.tag in known:
                    tagged.setdefault(control.tag, cell)
    for field_id, cell in tagged.items():
        placed = walk.cells.get(field_id)
        if placed is None:
            walk.cells[field_id] = cell  # the layout lost it; the tag still knows
        elif placed is not cell:
            walk.problems.append(Problem(
                field_id, WARNING,
                "the control tagged with this field is not in the cell the form's layout puts "
                "it in; the cell under the field's label was read",
            ))
    return bool(tagged)


def _paragraph_extras(walk: _Walk, view: DocumentView) -> None:
    for paragraph in view.paragraphs:
        if paragraph.text and not _is_printed(walk.model, paragraph.text):
            walk.keep_extra("paragraph", (CellView(paragraph.text),),
                            "text outside the form's tables")


@dataclass(frozen=True)
class Sizes:
    """How much a form or a document holds: table rows, table cells and content controls."""

    rows: int
    cells: int
    controls: int

    def items(self) -> tuple[tuple[str, int], ...]:
        return (("table rows", self.rows), ("table cells", self.cells),
                ("content controls", self.controls))


@derived
def form_sizes(form: Form) -> Sizes:
    """The size of ``form`` as a filled-in copy has it (one control per field)."""
    rows = [row for table in form.tables for row in table.rows]
    return Sizes(len(rows), sum(len(row.cells) for row in rows), len(form.fields))


def document_sizes(view: DocumentView) -> Sizes:
    rows = [row for table in view.tables for row in table.rows]
    cells = [cell for row in rows for cell in row.cells]
    controls = sum(len(cell.controls) for cell in cells) + sum(
        len(paragraph.controls) for paragraph in view.paragraphs)
    return Sizes(len(rows), len(cells), controls)


def size_limit(size: int) -> int:
    """How much of what a form has ``size`` of a document may hold before it is refused."""
    return max(SIZE_FACTOR * size, SIZE_FLOOR)


def check_size(view: DocumentView, form: Form, *, path: str | None = None) -> None:
    """Raise :class:`NotAFormError` when ``view`` holds far more rows, cells or controls than
    ``form`` (:func:`size_limit`): reading it would cost time for nothing a form holds."""
    wanted = form_sizes(form)
    for (what, found), (_, usual) in zip(document_sizes(view).items(), wanted.items()):
        if found > size_limit(usual):
            raise NotAFormError(
                f"is too large: {found:,} {what}; a {form.title} form has about {usual:,} "
                f"(at most {size_limit(usual):,} are read)",
                path=path,
            )


def _walked(view: DocumentView, form: Form, *, path: str | None = None) -> tuple[_Walk, float]:
    """One walk of the document's rows, and the share of the form's answer rows it found
    (a document far larger than the form is refused first: :func:`check_size`)."""
    check_size(view, form, path=path)
    model = _model(form)
    walk = _Walk(model)
    _walk_rows(walk, view)
    return walk, len(walk.rows_found & model.answer_rows) / len(model.answer_rows)


def share_found(view: DocumentView, form: Form) -> float:
    """How much of ``form`` a document holds: the share of its answer rows recognised in
    ``view``, without reading any field (for choosing among several forms' versions)."""
    return _walked(view, form)[1]


def locate(view: DocumentView, form: Form, *, path: str | None = None) -> Located:
    """Raw text of every field of ``form`` in ``view``; raises NotAFormError for other documents."""
    walk, found = _walked(view, form, path=path)
    tagged = _check_tags(walk, view)
    answer_rows = walk.model.answer_rows
    if found < MIN_ROWS_FOUND:
        raise NotAFormError(
            f"is a Word document but not a {form.title} form "
            f"(only {found:.0%} of its questions were found)",
            path=path,
        )
    _paragraph_extras(walk, view)
    texts: dict[str, str | None] = {}
    hints: dict[str, str] = {}
    checked: dict[str, bool] = {}
    for fld in form.fields:
        cell = walk.cells.get(fld.id)
        texts[fld.id] = cell.text if cell is not None and cell.text else None
        if cell is not None and cell.controls:
            date = next((c.date for c in cell.controls if c.date), None)
            if date:
                hints[fld.id] = date
            state = next((c.checked for c in cell.controls if c.checked is not None), None)
            if state is not None:
                checked[fld.id] = state
    missing = sorted(answer_rows - walk.rows_found - {f.row_key for f in form.fields
                                                      if f.id in walk.cells})
    for key in missing:
        walk.problems.append(Problem(None, WARNING, f"the row {key!r} was not found on the form"))
    return Located(texts, hints, tuple(walk.problems), walk.extras, tagged, checked)
