"""Which row of the form a document's table row is: by the mark it starts with, else by wording.

A reader recognises a row by its number first ("Q3", "2.1", "7.") and its wording second, so
the locator does too. Everything it needs is worked out from the form description once per
form (:func:`row_index`); nothing here knows one form's ids, wording or numbering.

*Marks* are read from a label by one rule (:func:`parse_mark`): a number after a word ("Q1.",
"Q 12", "Question 3": prefix ``q``), a bare or dotted number ("1.", "10.", "1.1", "2.3)"), or
one letter ("A. Past harm?"). A letter row of the model is a *sub-row* only when it follows a
numbered row of its table, possibly after other such letter rows (a question's parts A, B, C);
other lettered rows ("A: Scaling of audit" after an unnumbered row) are found by their wording.
A number resolves first in the model table the walk is in (the table of the last model row
recognised, printed heading rows included), then anywhere on the form where it is unique. A
number past the last of the current table's numbered rows (an 11th action) is an extra row,
kept with a warning; where the form numbers a prefix once across all its tables (Q1-Q48), the
next table's rows are looked for first, since a lost table boundary must not make Q5 an extra.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar

from caseaudit_docx.model.form import Form, Label, Row, derived
from caseaudit_docx.model.matching import alike, label_key

#: How alike two labels must be (difflib ratio of their label keys) to be the same.
LABEL_SIMILARITY = 0.8
#: The share of words two labels must have in common before difflib is asked.
SHARED_WORDS = 0.5

_PREFIXED = re.compile(r"([^\W\d_]+)(?:\.|\s*)(\d+(?:\.\d+)*)(?![^\W_])")
_DOTTED = re.compile(r"(\d+(?:\.\d+)+)(?![^\W_])")
_NUMBER = re.compile(r"(\d+)\s*(?:[.):]|$)")
_LETTER = re.compile(r"([^\W\d_])(?:[.):]|\s)")


@dataclass(frozen=True)
class Mark:
    """The numbering a row starts with: ``prefix`` and ``number`` ("Q1." is ("q", "1"),
    "1.1" is ("", "1.1")), or a ``letter`` ("A. Past harm?" is "a")."""

    prefix: str = ""
    number: str = ""
    letter: str = ""

    @property
    def parts(self) -> tuple[int, ...]:
        return tuple(int(p) for p in self.number.split(".")) if self.number else ()


def _number(text: str) -> str:
    return ".".join(str(int(part)) for part in text.split("."))


@lru_cache(maxsize=16_384)
def parse_mark(text: str) -> Mark | None:
    """The mark ``text`` starts with, or None.

    A word's first letter is the prefix, so "Q3" and "Question 3" agree. A number with no word
    before it must end at ".", ")" or ":" or end the text, unless it has parts ("1.1"): "1 means
    there is no evidence…" starts a sentence, not a numbered row. A letter must be followed by
    ".", ")", ":" or a space.
    """
    text = unicodedata.normalize("NFKC", text).strip()
    if found := _PREFIXED.match(text):
        return Mark(found.group(1)[0].casefold(), _number(found.group(2)))
    if found := _DOTTED.match(text) or _NUMBER.match(text):
        return Mark("", _number(found.group(1)))
    if found := _LETTER.match(text):
        return Mark(letter=found.group(1).casefold())
    return None


@dataclass(frozen=True)
class Series:
    """One model table's rows numbered with one prefix (the recommended actions 1-10): what an
    extra row past the last is called, and the warning that says so."""

    table: int
    last: tuple[int, ...]
    count: int
    stem: str | None  # the keys' common start when every key is stem + number ("action")
    section: str

    def beyond(self, mark: Mark) -> Beyond:
        """The extra row ``mark`` numbers: named like its siblings ("action11") when their keys
        are a stem and their number, else after the table's section ("steps.row4")."""
        name = f"{self.stem}{mark.number}" if self.stem else f"{self.section}.row{mark.number}"
        noun = (self.stem or "").rstrip("._- ") or self.section
        return Beyond(name, f"the form has {self.count} {noun} rows, not {mark.number}")


@dataclass(frozen=True)
class Beyond:
    """A document row numbered past its table's last numbered row: kept as ``name``."""

    name: str
    why: str


_T = TypeVar("_T")
_MISSING = object()
_CACHE_LIMIT = 20_000  # labels repeat from form to form; keep a batch's worth of answers


@dataclass
class Memo:
    """Look-ups by label text are the same for every form of a batch: remember them."""

    found: dict[tuple[object, ...], object] = field(default_factory=dict)

    def get(self, kind: str, text: object, compute: Callable[[], _T]) -> _T:
        key = (kind, text)
        found = self.found.get(key, _MISSING)
        if found is _MISSING:
            if len(self.found) >= _CACHE_LIMIT:
                self.found.clear()
            found = self.found[key] = compute()
        return found  # type: ignore[return-value]  # stored by this method for this kind


@dataclass(frozen=True)
class RowIndex:
    """Look-up tables over the form's rows, built once per form (:func:`row_index`)."""

    rows: dict[str, Row]
    table_of: dict[str, int]  # row key -> index of its model table
    numbered: dict[tuple[int, Mark], str]  # (table, number mark) -> row key
    unique: dict[Mark, str]  # number mark -> row key, for marks printed once on the form
    form_wide: frozenset[str]  # prefixes numbered once across the form (Q1-Q48), not per table
    series: dict[tuple[int, str], Series]  # (table, prefix) -> its numbered rows
    sub_rows: dict[str, dict[str, str]]  # parent row key -> letter -> sub-row key
    parent_of: dict[str, str]  # sub-row key -> parent row key
    by_label: dict[str, str]  # label key of a row's wording -> row key
    fuzzy: tuple[tuple[str, str], ...]  # (label key, row key) of rows found by wording
    headings: dict[str, int | None]  # label-only row's text -> its table (None: several)
    label_rows: dict[str, Row]  # labels-over-values: each label's key -> the labels row
    values_rows: dict[str, Row]  # such a labels row's key -> the values row under it
    memo: Memo = field(default_factory=Memo, compare=False)


def without_variables(text: str, form: Form) -> str:
    """Printed text with the form's ``{variables}`` (the council's name) left out."""
    for variable in form.variables:
        text = text.replace("{" + variable.name + "}", "")
    return text


def _row_text(texts: Iterable[str]) -> str:
    """A row's printed text as one label key: its cells' keys, empty cells left out."""
    return " ".join(key for key in map(label_key, texts) if key)


def _series(form: Form, table: int, rows: list[tuple[Row, Mark]]) -> Series:
    first, mark = rows[0]
    stem = first.key[: -len(mark.number)] if first.key.endswith(mark.number) else ""
    if not stem or any(row.key != stem + m.number for row, m in rows):
        stem = ""
    return Series(table, max(m.parts for _, m in rows), len(rows), stem or None,
                  form.tables[table].section)


@derived
def row_index(form: Form) -> RowIndex:
    """The form's rows by mark, by wording and by table (worked out once per form object)."""
    rows: dict[str, Row] = {}
    table_of: dict[str, int] = {}
    numbered: dict[tuple[int, Mark], str] = {}
    counts: dict[Mark, list[str]] = {}
    by_prefix: dict[tuple[int, str], list[tuple[Row, Mark]]] = {}
    sub_rows: dict[str, dict[str, str]] = {}
    parent_of: dict[str, str] = {}
    by_label: dict[str, str] = {}
    fuzzy: list[tuple[str, str]] = []
    headings: dict[str, int | None] = {}
    label_rows: dict[str, Row] = {}
    values_rows: dict[str, Row] = {}
    for t, table in enumerate(form.tables):
        parent: str | None = None  # the numbered row whose lettered parts may follow
        for index, row in enumerate(table.rows):
            rows[row.key], table_of[row.key] = row, t
            mark = parse_mark(row.label) if row.label else None
            if mark is not None and mark.number:
                numbered.setdefault((t, mark), row.key)
                counts.setdefault(mark, []).append(row.key)
                by_prefix.setdefault((t, mark.prefix), []).append((row, mark))
                parent = row.key
            elif mark is not None and parent is not None:
                sub_rows.setdefault(parent, {}).setdefault(mark.letter, row.key)
                parent_of[row.key] = parent
            else:
                parent = None
            nxt = table.rows[index + 1] if index + 1 < len(table.rows) else None
            if not row.answers and nxt is not None and nxt.label is None and nxt.answers:
                values_rows[row.key] = nxt
                for cell in row.cells:
                    label_rows[label_key(cell.text if isinstance(cell, Label) else "")] = row
            if not row.answers:
                text = _row_text(without_variables(c.text, form) for c in row.cells
                                 if isinstance(c, Label))
                if text:
                    headings[text] = t if headings.get(text, t) == t else None
            if row.label and row.answers:
                # The wording, and the wording without its bracketed list of choices
                # ("Overall score (A, B, C)"), which councils often drop.
                for wording in dict.fromkeys((row.label, row.label.split(" (")[0])):
                    key = label_key(wording)
                    by_label.setdefault(key, row.key)
                    if mark is None or not mark.number:
                        fuzzy.append((key, row.key))
    return RowIndex(
        rows=rows, table_of=table_of, numbered=numbered,
        unique={mark: keys[0] for mark, keys in counts.items() if len(keys) == 1},
        form_wide=frozenset(m.prefix for m in counts) - {m.prefix for m, keys in counts.items()
                                                          if len(keys) > 1},
        series={key: _series(form, key[0], found) for key, found in by_prefix.items()},
        sub_rows=sub_rows, parent_of=parent_of, by_label=by_label, fuzzy=tuple(fuzzy),
        headings=headings, label_rows=label_rows, values_rows=values_rows,
    )


def similar(a: str, b: str) -> bool:
    """Whether two label keys are the same label with small wording changes."""
    return alike(a, b, LABEL_SIMILARITY, shared_words=SHARED_WORDS)


def recognise(index: RowIndex, first: str, *, table: int | None, parent: str | None
              ) -> str | Beyond | None:
    """The model row a document row is, from its first cell's text: by its mark, else by its
    wording. ``table`` is the model table the walk is in, ``parent`` the numbered row whose
    lettered parts may follow. A row numbered past its table's last is a :class:`Beyond`.
    The same text in the same place is the same row on every form of a batch: remembered."""
    return index.memo.get("recognise", (first, table, parent),
                          lambda: _recognise(index, first, table, parent))


def _recognise(index: RowIndex, first: str, table: int | None, parent: str | None
               ) -> str | Beyond | None:
    mark = parse_mark(first)
    if mark is not None and mark.number:
        key = index.numbered.get((table, mark)) if table is not None else None
        if key is not None:
            return key
        series = index.series.get((table, mark.prefix)) if table is not None else None
        past = series if series is not None and mark.parts > series.last else None
        if past is not None and mark.prefix not in index.form_wide:
            return past.beyond(mark)  # numbered per table: the next number is this table's
        key = index.unique.get(mark)
        if key is not None:
            return key
        if past is not None:
            return past.beyond(mark)
    elif mark is not None and parent is not None:
        key = index.sub_rows.get(parent, {}).get(mark.letter)
        if key is not None:
            return key
    return by_wording(index, label_key(first))


def by_wording(index: RowIndex, label: str) -> str | None:
    """The row whose wording ``label`` (a label key) is, exactly or nearly."""
    if not label:
        return None
    exact = index.by_label.get(label)
    if exact is not None:
        return exact

    def search() -> str | None:
        for known, key in index.fuzzy:
            if similar(label, known) or (len(label) > 25 and known.startswith(label)):
                return key
        return None

    return index.memo.get("row", label, search)


def heading_table(index: RowIndex, texts: Iterable[str]) -> int | None:
    """The model table whose printed row (a heading, a row of column headings) a document row
    with these cell texts is, exactly or nearly; None when none is, or several are."""
    cells = tuple(texts)

    def search() -> int | None:
        text = _row_text(cells)
        if not text or text in index.headings:
            return index.headings.get(text)
        tables = {t for known, t in index.headings.items() if similar(text, known)
                  or (len(text) > 25 and (known.startswith(text) or text.startswith(known)))}
        return tables.pop() if len(tables) == 1 else None

    return index.memo.get("heading", cells, search)


def labels_row(index: RowIndex, texts: tuple[str, ...]) -> Row | None:
    """The model's row of labels (over a row of values) that a document row is, if any.

    Most of the row's printed cells must be that row's labels, so that one reworded label
    ("Case No." for "Case Number") or a reordered column does not hide the whole row.
    """

    def judge() -> Row | None:
        keys = tuple(map(label_key, texts))
        if not any(keys):
            return None
        votes: dict[str, int] = {}
        for key in keys:
            row = index.label_rows.get(key) if key else None
            if row is None and key:
                row = next((r for known, r in index.label_rows.items() if similar(key, known)),
                           None)
            if row is not None:
                votes[row.key] = votes.get(row.key, 0) + 1
        if not votes:
            return None
        best = max(votes, key=votes.__getitem__)
        return index.rows[best] if 2 * votes[best] >= len(keys) else None

    return index.memo.get("labels", texts, judge)
