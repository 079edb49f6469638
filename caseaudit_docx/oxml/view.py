"""Plain, frozen views of a document as a reader of the page sees it.

The reader in :mod:`caseaudit_docx.oxml.text` turns ``word/document.xml`` into these records,
so that locating fields (:mod:`caseaudit_docx.extract.locate`) never sees an lxml element. Text
here is the *accepted* view (tracked insertions in, deletions out), with every content control
unwrapped and every control that still shows its placeholder read as empty.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ControlView:
    """One content control (``w:sdt``) met inside a cell or paragraph.

    ``text`` is the control's visible text ("" when it shows its placeholder), ``tag``/``alias``
    its ``w:tag``/``w:alias`` values (None when absent), ``kind`` the control type ("richText",
    "text", "date", "dropDownList", "comboBox", "checkbox", …), ``date`` the ``YYYY-MM-DD`` part of
    a date picker's ``w:fullDate``, ``checked`` a check box's state, and ``placeholder`` whether
    it was judged to show its placeholder (flag, Word's default texts, or the glossary text).
    """

    text: str
    tag: str | None = None
    alias: str | None = None
    kind: str = "richText"
    placeholder: bool = False
    date: str | None = None
    checked: bool | None = None


@dataclass(frozen=True)
class CellView:
    """A table cell: its visible text (paragraphs joined by "\\n") and the controls inside it."""

    text: str
    controls: tuple[ControlView, ...] = ()
    span: int = 1

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(c.tag for c in self.controls if c.tag)


@dataclass(frozen=True)
class RowView:
    """A table row with its cells in reading order (row- and cell-level controls unwrapped)."""

    cells: tuple[CellView, ...]


@dataclass(frozen=True)
class TableView:
    rows: tuple[RowView, ...]


@dataclass(frozen=True)
class ParagraphView:
    """A body paragraph outside any table."""

    text: str
    controls: tuple[ControlView, ...] = ()


Block = TableView | ParagraphView


@dataclass(frozen=True)
class DocumentView:
    """The body of a document in order, plus what the package says about itself."""

    blocks: tuple[Block, ...]
    modified: str | None = None  # docProps/core.xml dcterms:modified, ISO 8601, as written
    title: str | None = None

    @property
    def tables(self) -> tuple[TableView, ...]:
        return tuple(b for b in self.blocks if isinstance(b, TableView))

    @property
    def paragraphs(self) -> tuple[ParagraphView, ...]:
        return tuple(b for b in self.blocks if isinstance(b, ParagraphView))
