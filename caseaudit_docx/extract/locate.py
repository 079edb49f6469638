"""Find each field's answer cell in a document: by tag where our template was used, else by
the labels and table layout of the form model.

Years of editing do things to a council's template: sections split over several tables or share
one, blank rows are inserted, "Q3." becomes "Q3 ", wording drifts, rows are added. So the
locator flattens every table row of the document into one sequence and recognises rows by what a
reader would: the question number, the printed wording, the position under a row of labels.
Text that lands in no known answer cell is never dropped: it is kept as an extra with a warning.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar

from caseaudit_docx.errors import NotAFormError
from caseaudit_docx.model.form import Answer, Form, Label, Paragraph, Row, derived
from caseaudit_docx.model.matching import alike
from caseaudit_docx.model.record import WARNING, Problem
from caseaudit_docx.oxml.view import CellView, DocumentView, RowView

#: Below this share of the form's rows found, a document is not taken for a case audit form.
MIN_ROWS_FOUND = 0.4
#: How alike two labels must be (difflib ratio of their normalised text) to be the same.
LABEL_SIMILARITY = 0.8
#: The share of words a text must have in common with printed text to count as printed.
PRINTED_WORD_OVERLAP = 0.8

_QUESTION = re.compile(r"^q\s*(\d{1,2})\b")
_SUB_ROW = re.compile(r"^([abc])\b")  # "A. Past harm?" once squashed is "a past harm"
_NUMBERED = re.compile(r"^(\d{1,2})\s*[.):]?$")
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_SUB_KEY = re.compile(r"(q\d+)[abc]")  # the key of an A/B/C row under its question
_ACTION = re.compile(r"action\d+")


@lru_cache(maxsize=16_384)
def squash(text: str) -> str:
    """Text reduced to what identifies a label: lower case, letters and digits, single spaces."""
    return _NOT_WORD.sub(" ", text.lower().replace("\u2019", "'").replace("'", "")).strip()


@dataclass(frozen=True)
class Located:
    """Raw text per field id (None when blank), with what the locator noticed on the way."""

    texts: dict[str, str | None]
    date_hints: dict[str, str]
    problems: tuple[Problem, ...]
    extras: dict[str, str]
    tagged: bool


@dataclass
class _Model:
    """Look-up tables over the form model, built once per form."""

    form: Form
    rows: dict[str, Row] = field(default_factory=dict)
    by_label: dict[str, str] = field(default_factory=dict)  # squashed label -> row key
    label_rows: dict[str, Row] = field(default_factory=dict)  # labels-over-values: each label
    values_rows: dict[str, Row] = field(default_factory=dict)  # such a row's key -> the values
    printed: set[str] = field(default_factory=set)  # squashed printed text of every label cell
    printed_words: list[frozenset[str]] = field(default_factory=list)
    cache: dict[tuple[str, str], object] = field(default_factory=dict)
    answer_cells: dict[str, list[tuple[int, Answer]]] = field(default_factory=dict)
    fuzzy: list[tuple[str, str]] = field(default_factory=list)  # (squashed label, row key)
    answer_rows: frozenset[str] = frozenset()  # keys of the rows that hold the form's fields
    sub_rows: frozenset[str] = frozenset()  # keys of A/B/C rows under a question (Q5, Q10)
    sub_parents: frozenset[str] = frozenset()  # keys of the questions those rows are under

    def __post_init__(self) -> None:
        tables = self.form.tables
        for table in tables:
            for index, row in enumerate(table.rows):
                self.rows[row.key] = row
                self.answer_cells[row.key] = [
                    (i, c) for i, c in enumerate(row.cells) if isinstance(c, Answer)]
                for cell in row.cells:
                    if isinstance(cell, Label):
                        for text in (cell.text, *cell.lines):
                            if squash(text):
                                self.printed.add(squash(_without_variables(text, self.form)))
                nxt = table.rows[index + 1] if index + 1 < len(table.rows) else None
                if not row.answers and nxt is not None and nxt.label is None and nxt.answers:
                    self.values_rows[row.key] = nxt
                    for cell in row.cells:
                        self.label_rows[squash(_label_text(cell))] = row
                if row.label and row.answers:
                    # The wording, and the wording without its bracketed list of choices
                    # ("Overall Outcome Score (Inadequate, …)"), which councils often drop.
                    for wording in dict.fromkeys((row.label, row.label.split(" (")[0])):
                        key = squash(wording)
                        self.by_label.setdefault(key, row.key)
                        if not _QUESTION.match(key) and not _NUMBERED.match(key):
                            self.fuzzy.append((key, row.key))
        for block in self.form.blocks:
            if isinstance(block, Paragraph):
                self.printed.add(squash(block.text))
        self.printed_words = [frozenset(text.split()) for text in self.printed]
        self.answer_rows = frozenset(f.row_key for f in self.form.fields)
        subs = {key: m.group(1) for key in self.rows if (m := _SUB_KEY.fullmatch(key))
                and m.group(1) in self.rows}
        self.sub_rows, self.sub_parents = frozenset(subs), frozenset(subs.values())


_model = derived(_Model)


def _without_variables(text: str, form: Form) -> str:
    """Printed text with the form's ``{variables}`` (the council's name) left out."""
    for variable in form.variables:
        text = text.replace("{" + variable.name + "}", "")
    return text


def _label_text(cell: Label | Answer) -> str:
    return cell.text if isinstance(cell, Label) else ""


def _similar(a: str, b: str) -> bool:
    """Whether two squashed labels are the same label with small wording changes."""
    if a == b:
        return True
    words_a, words_b = set(a.split()), set(b.split())
    if len(words_a & words_b) < 0.5 * len(words_a | words_b):
        return False  # cheap refusal before difflib, which costs far more
    return alike(a, b, LABEL_SIMILARITY)


_MISSING = object()
_T = TypeVar("_T")
_CACHE_LIMIT = 20_000  # labels repeat from form to form; keep a batch's worth of answers


def _cached(model: _Model, kind: str, text: str, compute: Callable[[], _T]) -> _T:
    """Look-ups by label text are the same for every form of a batch: remember them."""
    key = (kind, text)
    found = model.cache.get(key, _MISSING)
    if found is _MISSING:
        if len(model.cache) >= _CACHE_LIMIT:
            model.cache.clear()
        found = model.cache[key] = compute()
    return found  # type: ignore[return-value]  # stored by this function for this kind


def _fuzzy_key(model: _Model, label: str) -> str | None:
    exact = model.by_label.get(label)
    if exact is not None:
        return exact

    def search() -> str | None:
        for known, key in model.fuzzy:
            if _similar(label, known) or (len(label) > 25 and known.startswith(label)):
                return key
        return None

    return _cached(model, "row", label, search)


def _labels_row(model: _Model, cells: tuple[CellView, ...]) -> Row | None:
    """The model's row of labels (over a row of values) that a document row is, if any.

    Most of the row's printed cells must be that row's labels, so that one reworded label
    ("Case No." for "Case Number") or a reordered column does not hide the whole row.
    """
    texts = tuple(squash(c.text) for c in cells)
    if not any(texts):
        return None

    def judge() -> Row | None:
        votes: dict[str, int] = {}
        for text in texts:
            row = model.label_rows.get(text) if text else None
            if row is None and text:
                row = next((r for known, r in model.label_rows.items() if _similar(text, known)),
                           None)
            if row is not None:
                votes[row.key] = votes.get(row.key, 0) + 1
        if not votes:
            return None
        best = max(votes, key=votes.__getitem__)
        return model.rows[best] if 2 * votes[best] >= len(cells) else None

    return _cached(model, "labels", "\x1f".join(texts), judge)


def _is_printed(model: _Model, text: str) -> bool:
    """Whether text is part of the printed form (a heading, a scale line, the parents' script).

    Compared by words, so that a council name in the script or a re-worded heading still
    counts as printed; anything else in a row without answers is something a person typed.
    """
    squashed = squash(text)
    if not squashed or squashed in model.printed:
        return True

    def compare() -> bool:
        words = frozenset(squashed.split())
        return any(
            len(words & known) >= PRINTED_WORD_OVERLAP * len(words | known)
            for known in model.printed_words
            if abs(len(known) - len(words)) <= max(2, len(known) // 4)
        )

    return _cached(model, "printed", squashed, compare)


@dataclass
class _Walk:
    """State of one pass over a document's rows."""

    model: _Model
    cells: dict[str, CellView] = field(default_factory=dict)  # field id -> answer cell
    rows_found: set[str] = field(default_factory=set)
    extras: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    parent_question: str | None = None  # a question whose A/B/C rows may follow (Q5, Q10)
    in_actions: bool = False

    def keep_extra(self, name: str, cells: tuple[CellView, ...], why: str) -> None:
        text = "\t".join(c.text for c in cells if c.text)
        if not text:
            return
        key, n = name, 2
        while key in self.extras:
            key, n = f"{name}#{n}", n + 1
        self.extras[key] = text
        self.problems.append(Problem(None, WARNING, f"{why}; its text is kept as {key!r}: {text!r}"))


def _row_key(walk: _Walk, first: str) -> str | None:
    """The model row a document row is, judged from its first cell's text."""
    model = walk.model
    question = _QUESTION.match(first)
    if question:
        return f"q{int(question.group(1))}"
    sub = _SUB_ROW.match(first)
    if sub and walk.parent_question:
        return f"{walk.parent_question}{sub.group(1)}"
    numbered = _NUMBERED.match(first)
    if numbered and walk.in_actions:
        return f"action{int(numbered.group(1))}"
    return _fuzzy_key(model, first)


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
    values_row = walk.model.values_rows[labels.key]
    walk.rows_found.update((labels.key, values_row.key))
    columns = {squash(c.text): i for i, c in enumerate(doc_labels.cells)}
    placed: dict[str, int] = {}
    unmatched: list[tuple[Label | Answer, Answer]] = []
    for label, answer in zip(labels.cells, values_row.cells):
        if not isinstance(answer, Answer):
            continue
        wanted = squash(_label_text(label))
        index = columns.get(wanted)
        if index is None:
            index = next((i for text, i in columns.items() if _similar(text, wanted)), None)
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
    for field_id, index in placed.items():
        if index < len(doc_values.cells):
            walk.cells[field_id] = doc_values.cells[index]


def _iter_rows(view: DocumentView) -> Iterator[RowView]:
    for table in view.tables:
        yield from table.rows


def _is_blank(row: RowView) -> bool:
    return not any(c.text or c.controls for c in row.cells)


def _walk_rows(walk: _Walk, view: DocumentView) -> None:
    rows = list(_iter_rows(view))
    skip_next = 0
    for index, row in enumerate(rows):
        if skip_next:
            skip_next -= 1
            continue
        if not row.cells:
            continue
        first = squash(row.cells[0].text)
        labels = _labels_row(walk.model, row.cells)
        if labels is not None and index + 1 < len(rows):
            values = index + 1
            if _is_blank(rows[values]) and values + 1 < len(rows) and not _is_blank(rows[values + 1]):
                values += 1  # a blank row inserted between the labels and the values
            _place_labelled_values(walk, labels, row, rows[values])
            skip_next = values - index
            walk.parent_question, walk.in_actions = None, False
            continue
        key = _row_key(walk, first) if first else None
        model_row = walk.model.rows.get(key) if key else None
        if model_row is None or not walk.model.answer_cells[model_row.key]:
            _unknown_row(walk, row, key)
            continue
        key = model_row.key  # the same key, now known to be a str
        if key in walk.rows_found:
            walk.keep_extra(key, row.cells[1:], f"the row {key!r} appears twice; the first was used")
            continue
        walk.rows_found.add(key)
        _place_answers(walk, model_row, row.cells)
        if key in walk.model.sub_parents:
            walk.parent_question = key
        elif key not in walk.model.sub_rows:
            walk.parent_question = None
        walk.in_actions = key.startswith("action")


def _unknown_row(walk: _Walk, row: RowView, key: str | None) -> None:
    """A row that holds no answers of the form: printed text, or something a person added."""
    first = squash(row.cells[0].text)
    if first.startswith("what are the recommended actions") or (
        first == "" and any(squash(c.text) == "action" for c in row.cells)
    ):
        walk.in_actions = True
        return
    if key and key.startswith("action"):  # an 11th, 12th … action row
        walk.keep_extra(key, row.cells[1:], f"the form has {_action_count(walk)} action rows, "
                        f"not {key.removeprefix('action')}")
        return
    unprinted = tuple(c for c in row.cells if c.text and not _is_printed(walk.model, c.text))
    if unprinted:
        walk.keep_extra("unplaced", unprinted, "text in a row the form does not have")


def _action_count(walk: _Walk) -> int:
    return sum(1 for key in walk.model.rows if _ACTION.fullmatch(key))


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


def locate(view: DocumentView, form: Form, *, path: str | None = None) -> Located:
    """Raw text of every field of ``form`` in ``view``; raises NotAFormError for other documents."""
    model = _model(form)
    walk = _Walk(model)
    _walk_rows(walk, view)
    tagged = _check_tags(walk, view)
    answer_rows = model.answer_rows
    found = len(walk.rows_found & answer_rows) / len(answer_rows)
    if found < MIN_ROWS_FOUND:
        raise NotAFormError(
            f"is a Word document but not a {form.title} form "
            f"(only {found:.0%} of its questions were found)",
            path=path,
        )
    _paragraph_extras(walk, view)
    texts: dict[str, str | None] = {}
    hints: dict[str, str] = {}
    for fld in form.fields:
        cell = walk.cells.get(fld.id)
        texts[fld.id] = cell.text if cell is not None and cell.text else None
        if cell is not None:
            date = next((c.date for c in cell.controls if c.date), None)
            if date:
                hints[fld.id] = date
    missing = sorted(answer_rows - walk.rows_found - {f.row_key for f in form.fields
                                                      if f.id in walk.cells})
    for key in missing:
        walk.problems.append(Problem(None, WARNING, f"the row {key!r} was not found on the form"))
    return Located(texts, hints, tuple(walk.problems), walk.extras, tagged)
