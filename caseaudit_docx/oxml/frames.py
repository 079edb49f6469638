"""The containers open at a point of the stream, for :mod:`caseaudit_docx.oxml.tokens`.

Each frame collects what its container shows until the stream closes it: the body (or a
body-level control or group) collects paragraphs and tables; a cell, a block-level control, a
text box, a group inside a cell or a glossary entry collects lines of text, joined later. The
merge of a paragraph whose mark was deleted is kept here, per container, as Word does it.

Also here: building the frozen views without the dataclass ``__init__`` (see
:func:`plain_dataclasses`), since a form makes several hundred of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields

from .view import Block, CellView, ControlView, ParagraphView, RowView

PENDING = ControlView("")  # holds a control's place in a list until its text is known

# -- building the frozen views fast --------------------------------------------------------------

_VIEW_FIELDS = {
    CellView: ("text", "controls", "span"),
    ControlView: ("text", "tag", "alias", "kind", "placeholder", "date", "checked"),
    RowView: ("cells",),
}


def plain_dataclasses() -> bool:
    """Whether each view class keeps exactly these fields in its ``__dict__`` and does nothing
    else on creation: then a view can be made without the dataclass ``__init__``, which sets
    each field through ``object.__setattr__`` (frozen) and costs a form about a third of the
    reader's time. Should view.py ever change that, the classes themselves are used."""
    return all(
        tuple(f.name for f in fields(cls)) == names and "__slots__" not in vars(cls)
        and not hasattr(cls, "__post_init__")
        for cls, names in _VIEW_FIELDS.items()
    )


_new, _set = object.__new__, object.__setattr__
cell_view: Callable[[str, tuple[ControlView, ...], int], CellView]
control_view: Callable[[str, str | None, str | None, str, bool, str | None, bool | None],
                       ControlView]
row_view: Callable[[tuple[CellView, ...]], RowView]

if plain_dataclasses():
    def cell_view(text: str, controls: tuple[ControlView, ...], span: int) -> CellView:
        view = _new(CellView)
        _set(view, "__dict__", {"text": text, "controls": controls, "span": span})
        return view

    def control_view(text: str, tag: str | None, alias: str | None, kind: str,
                     placeholder: bool, date: str | None, checked: bool | None) -> ControlView:
        view = _new(ControlView)
        _set(view, "__dict__", {"text": text, "tag": tag, "alias": alias, "kind": kind,
                                "placeholder": placeholder, "date": date, "checked": checked})
        return view

    def row_view(cells: tuple[CellView, ...]) -> RowView:
        view = _new(RowView)
        _set(view, "__dict__", {"cells": cells})
        return view
else:  # pragma: no cover - only if view.py stops being plain frozen dataclasses
    cell_view, control_view, row_view = CellView, ControlView, RowView


# -- frames ------------------------------------------------------------------------------------


class Body:
    """Body-level content: the document body, a body-level control's content, or a group."""

    __slots__ = ("blocks", "carry", "controls", "props")
    BODY = True

    def __init__(self, props: str | None = None) -> None:
        self.blocks: list[Block] = []
        self.carry: tuple[str, list[ControlView]] | None = None  # paragraph whose mark went
        self.controls: list[ControlView] = []  # of the paragraph being read
        self.props = props  # a body-level control's properties; None for the body or a group

    def paragraph(self, text: str, merge: bool) -> None:
        controls, self.controls = self.controls, []
        carry = self.carry
        if carry is not None:
            text, controls, self.carry = carry[0] + text, carry[1] + controls, None
        if merge:
            self.carry = (text, controls)
        else:
            self.blocks.append(ParagraphView(text.strip(), tuple(controls)))

    def flush(self) -> None:
        carry = self.carry
        if carry is not None:
            self.blocks.append(ParagraphView(carry[0].strip(), tuple(carry[1])))
            self.carry = None

    def other(self) -> None:
        """Body-level elements that show nothing do not end a merge."""


class Lines:
    """Block-level content read as lines of text: a cell, a block-level control, a text box,
    a group or a glossary entry. ``controls`` is shared with the enclosing container."""

    __slots__ = ("carry", "controls", "data", "texts")
    BODY = False

    def __init__(self, controls: list[ControlView], data: object = None) -> None:
        self.texts: list[str] = []
        self.carry: str | None = None
        self.controls = controls
        self.data = data  # what closing the frame needs (by frame class)

    def paragraph(self, text: str, merge: bool) -> None:
        carry = self.carry
        if carry is not None:
            text, self.carry = carry + text, None
        if merge:
            self.carry = text
        else:
            self.texts.append(text)

    def flush(self) -> None:
        if self.carry is not None:
            self.texts.append(self.carry)
            self.carry = None

    other = flush  # in a cell, any other element ends a pending merge

    def lines(self) -> list[str]:
        self.flush()
        return self.texts


class Cell(Lines):
    """A table cell; ``sdts`` are the properties of the cell-level controls around it."""

    __slots__ = ("deleted", "sdts", "span", "table")

    def __init__(self, table: Table) -> None:
        self.table, self.sdts = table, tuple(table.sdts)  # outermost first
        super().__init__([PENDING] * len(self.sdts))
        self.span, self.deleted = 1, False


class Control(Lines):
    """A block-level control inside block content; ``data`` is (properties, slot)."""

    __slots__ = ()


class Group(Lines):
    """A customXml or alternate-content branch inside block content (its own merge scope)."""

    __slots__ = ()


class Box(Lines):
    """A text box; ``data`` saves the state of the paragraph that holds it."""

    __slots__ = ()


class Entry(Lines):
    """A glossary building block; ``data`` is its name."""

    __slots__ = ()


class Table:
    __slots__ = ("cells", "controls", "deleted", "rows", "sdts", "table")
    BODY = False

    def __init__(self) -> None:
        self.rows: list[RowView] = []
        self.cells: list[CellView] | None = None  # of the row being read
        self.deleted = False  # the row being read was deleted
        self.sdts: list[str] = []  # cell-level controls open in the row being read
        self.table, self.controls = self, None

    def row(self) -> None:
        if self.cells is not None and not self.deleted:
            self.rows.append(row_view(tuple(self.cells)))
        self.cells, self.deleted = [], False


class CellControl:
    """A cell-level control: its properties wait on the table until its cells are read."""

    __slots__ = ("controls", "table")

    def __init__(self, table: Table, props: str) -> None:
        self.table, self.controls = table, None
        table.sdts.append(props)


class Inline:
    """An inline control: its own text, its place in the list, the paragraph's text so far."""

    __slots__ = ("controls", "out", "props", "slot")

    def __init__(self, props: str, slot: int, out: list[str],
                 controls: list[ControlView]) -> None:
        self.props, self.slot, self.out, self.controls = props, slot, out, controls


class Hide:
    """Run content read only outside a field instruction (nothing to do at its end)."""

    __slots__ = ("controls",)

    def __init__(self, controls: list[ControlView]) -> None:
        self.controls = controls
