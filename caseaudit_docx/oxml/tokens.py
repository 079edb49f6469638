"""Read the stream of :mod:`caseaudit_docx.oxml.stream` into the views of :mod:`.view`.

The stylesheet chose what can show text; this module makes the judgements that need state:

- a complex field shows only its result: text between ``begin`` and ``separate`` is the
  instruction (fields nest; a field with no ``separate`` shows nothing; the state is the
  paragraph's own, so an unbalanced field never hides the next paragraph);
- a deleted paragraph mark joins its paragraph to the next one in the same container;
- a control shows its placeholder when ``w:showingPlcHdr`` is on, or when its text is one of
  Word's default texts or the text of the glossary entry it names; it then reads as empty;
- cells, controls and body paragraphs are trimmed at the ends; a cell holding only one of Word's
  default placeholder texts reads as empty;
- symbol-font ticks and crosses (``w:sym``) become their Unicode characters.

One loop over the tokens, with a stack of frames (:mod:`.frames`) for the open containers. The
loop is long and keeps its state in local variables on purpose: it runs once per marker of every
form, and Python pays for each call and attribute lookup.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, cast

from . import frames
from .frames import PENDING, cell_view, control_view
from .ns import grid_number
from .stream import FS, LEAD, MARK, TYPES, unescape
from .view import Block, ControlView, ParagraphView, TableView

#: The placeholder texts Word writes for new controls (older and newer wording). A control, or a
#: whole cell, whose text is exactly one of these reads as empty.
DEFAULT_PLACEHOLDER_TEXTS = frozenset({
    "Click here to enter text.", "Click or tap here to enter text.", "Choose an item.",
    "Click here to enter a date.", "Click or tap to enter a date.",
})

(_TXT, _P, _END, _TC, _TR, _TBL, _SDT, _ISDT, _SPAN, _CDEL, _MARK, _FB, _FSEP, _FE, _SYM,
 _TXBX, _HIDE, _GROUP, _FLUSH, _GLOSS) = (TYPES[name] for name in (
    "TXT", "P", "END", "TC", "TR", "TBL", "SDT", "ISDT", "SPAN", "CDEL", "MARK", "FB", "FSEP",
    "FE", "SYM", "TXBX", "HIDE", "GROUP", "FLUSH", "GLOSS"))
_PARA = MARK["P"]
_RUN = f"[^{LEAD}]*+"  # a payload
_LINES = f"{_RUN}(?:{_PARA}{_RUN})*+"  # text and paragraph ends, nothing else
_TXT_M, _END_M = MARK["TXT"], MARK["END"]
#: Tokens. Most cells of a form are plain paragraphs, or one control holding plain text, so such
#: a cell is one token (groups 1-10) and needs no frame; anything else is a (marker, payload)
#: pair (groups 11-12). Possessive quantifiers: no backtracking, one pass in C.
_TOKENS = re.compile(
    f"{MARK['TC']}(?:{MARK['SPAN']}({_RUN}){_TXT_M})?+(?:"
    f"({_LINES}){_END_M}"  # plain paragraphs: 2
    f"|{LEAD}({_SDT})({_RUN}){_TXT_M}({_LINES}){_END_M}{_END_M}"  # one block control: 3-5
    f"|({_LINES}){LEAD}({_ISDT})({_RUN}){_TXT_M}({_RUN}){_END_M}({_LINES}){_END_M}"  # 6-10
    f")|{LEAD}(.)({_RUN})",  # 11-12
    re.DOTALL,
).findall
_PAIRS = re.compile(f"{LEAD}(.)({_RUN})", re.DOTALL).findall
_NO_CELL = ("",) * 10
_OPENERS = frozenset({_TC, _TBL, _SDT, _ISDT, _TXBX, _HIDE, _GROUP, _GLOSS})
#: Payloads split into fields before unescaping (an escaped FS must not split them).
_DATA = frozenset({_SDT, _ISDT, _SYM})

#: Tick and cross glyphs of the symbol fonts, by the font's own code (``w:char`` minus 0xF000).
_SYMBOL_GLYPHS: dict[str, dict[int, str]] = {
    "wingdings": {0xFB: "\u2717", 0xFC: "\u2713", 0xFD: "\u2612", 0xFE: "\u2611", 0xA8: "\u2610"},
    "wingdings 2": {0x4F: "\u2717", 0x50: "\u2713", 0x52: "\u2611", 0x54: "\u2612", 0xA3: "\u2610"},
    "symbol": {0xB4: "\u00d7", 0xD6: "\u221a"},
}
_OFF = frozenset({"0", "false", "off"})

#: A control's properties: tag, alias, kind, placeholder flag, glossary entry, date, check box
#: (``(checked, checked glyph, unchecked glyph)`` as written, or None for other kinds).
_Props = tuple[str | None, str | None, str, bool, str | None, str | None,
               tuple[str, str, str] | None]
_Saved = tuple[list[str], list[bool], int, bool]  # a paragraph's state around a text box
#: Parsed control properties by payload: a batch of forms made from one template repeats them.
_PROPS: dict[str, _Props] = {}
_PROPS_LIMIT, _PROPS_SIZE = 4096, 1024  # entries; characters of one payload


class Reader:
    """Reads one stream; ``glossary`` maps glossary entry names to their text, ``escaped``
    says the document went through :func:`.stream.escaped_copy`."""

    def __init__(self, glossary: Mapping[str, str], escaped: bool = False) -> None:
        self.glossary, self.escaped = glossary, escaped
        self.entries: dict[str, str] = {}  # glossary entries read

    def blocks(self, stream: str) -> list[Block]:
        """The body's blocks (and, for a glossary stream, :attr:`entries`)."""
        if self.escaped:  # no whole cells: a payload is unescaped only once it is on its own
            tokens = [(*_NO_CELL, m, s if m in _DATA else unescape(s)) for m, s in _PAIRS(stream)]
        else:
            tokens = _TOKENS(stream)
        root = frames.Body()
        top: Any = root  # the innermost open frame (frames are duck-typed by the stream)
        stack: list[Any] = [root]
        out: list[str] = []  # pieces of the paragraph (or inline control) being read
        controls: list[ControlView] = root.controls
        fields: list[bool] = []  # open complex fields: True once past "separate"
        hidden = 0  # open fields still in their instruction
        mark = skip = False
        depth = 0  # of containers skipped inside a field instruction
        for span, plain, block, bprops, btext, before, inline, iprops, itext, after, m, s in tokens:
            if not m:  # a whole cell
                if skip:
                    continue
                table = top.table
                if block or inline or table.sdts:
                    self.whole_cell(table, span, plain, block, bprops, btext, before, inline,
                                    iprops, itext, after)
                    continue
                text = plain.replace(_PARA, "\n").strip()  # the commonest cell: inlined
                table.cells.append(cell_view("" if text in DEFAULT_PLACEHOLDER_TEXTS else text,
                                             (), _span(span) if span else 1))
                continue
            if skip:
                if m == _END:
                    depth -= 1
                    skip = depth > 0
                elif m in _OPENERS:
                    depth += 1
                continue
            if m == _P:
                top.paragraph("".join(out), mark)
                out, controls, mark = [], top.controls, False
                if fields or hidden:
                    fields, hidden = [], 0
            elif m == _END:
                frame = stack.pop()
                top = stack[-1]
                if type(frame) is frames.Inline:
                    text = "".join(out)
                    control = self.control(frame.props, text)
                    frame.controls[frame.slot] = control
                    out = frame.out
                    if not control.placeholder:
                        out.append(text)
                elif type(frame) is frames.Box:
                    text = "\n".join(frame.lines()).strip()
                    out, fields, hidden, mark = cast(_Saved, frame.data)
                    if text:
                        out.append(f"\n{text}\n")
                else:
                    self.close(frame, top)
                controls = top.controls
            elif m == _TC:
                top = frames.Cell(top.table)
                stack.append(top)
                controls = top.controls
            elif m == _SDT:
                top = self.open_control(top, s)
                stack.append(top)
                controls = top.controls
                continue
            elif m == _ISDT:
                controls.append(PENDING)
                top = frames.Inline(s, len(controls) - 1, out, controls)
                stack.append(top)
                out = []
                continue
            elif m == _TR:
                top.row()
            elif m == _SPAN:
                if type(top) is frames.Cell:
                    top.span = _span(s)
                continue
            elif m == _TBL:
                top.flush()
                top = frames.Table()
                stack.append(top)
            elif m == _FB:
                fields.append(False)
                hidden += 1
            elif m == _FSEP:
                if fields and not fields[-1]:
                    fields[-1] = True
                    hidden -= 1
            elif m == _FE:
                if fields and not fields.pop():
                    hidden -= 1  # a field with no result shows nothing
            elif m == _MARK:
                mark = True
            elif m == _CDEL:
                if type(top) is frames.Cell or type(top) is frames.Table:
                    top.deleted = True
            elif m == _SYM:
                if not hidden:
                    char, _, font = s.partition(FS)
                    if self.escaped:
                        char, font = unescape(char), unescape(font)
                    out.append(_symbol(char, font))
                continue
            elif m in (_TXBX, _HIDE):
                if hidden:  # inside a field instruction: skip the whole container
                    skip, depth = True, 1
                    continue
                if m == _TXBX:
                    top = frames.Box(controls, (out, fields, hidden, mark))
                    out, fields, hidden, mark = [], [], 0, False
                else:
                    top = frames.Hide(controls)
                stack.append(top)
            elif m == _GROUP:
                top.flush()
                top = frames.Body() if top.BODY else frames.Group(top.controls)
                stack.append(top)
                controls = top.controls
            elif m == _FLUSH:
                top.other()
            elif m == _GLOSS:
                top = frames.Entry([], s)
                stack.append(top)
                controls = top.controls
                continue
            if s and not hidden:
                out.append(s)
        root.flush()
        return root.blocks

    def whole_cell(self, table: frames.Table, span: str, plain: str, block: str, bprops: str,
                   btext: str, before: str, inline: str, iprops: str, itext: str,
                   after: str) -> None:
        """A cell that came as one token: plain paragraphs, or one control holding plain text
        (a block-level control around the paragraphs, or an inline one inside them)."""
        controls: tuple[ControlView, ...]
        if block:
            btext = btext.replace(_PARA, "\n")
            control = self.control(bprops, btext)
            text, controls = ("" if control.placeholder else btext), (control,)
        elif inline:
            control = self.control(iprops, itext)
            text = before + after if control.placeholder else before + itext + after
            text, controls = text.replace(_PARA, "\n"), (control,)
        else:
            text, controls = plain.replace(_PARA, "\n"), ()
        self.add_cell(table, table.sdts, text, controls, _span(span) if span else 1)

    def add_cell(self, table: frames.Table, around: Sequence[str], text: str,
                 controls: tuple[ControlView, ...], span: int) -> None:
        """A cell's view from its text (paragraphs joined) and the controls inside it, once
        the cell-level controls ``around`` it (their properties, outermost first) have judged
        that text, innermost first."""
        if around:
            own = [PENDING] * len(around)
            for i in range(len(around) - 1, -1, -1):
                control = own[i] = self.control(around[i], text)
                if control.placeholder:
                    text = ""
            controls = (*own, *controls)
        text = text.strip()
        if text in DEFAULT_PLACEHOLDER_TEXTS:
            text = ""
        table.cells.append(cell_view(text, controls, span))  # type: ignore[union-attr]

    def open_control(self, top: Any, props: str) -> Any:
        """A control at block level: in the body, in block content, or around cells."""
        if type(top) is frames.Table or type(top) is frames.CellControl:
            return frames.CellControl(top.table, props)
        top.flush()
        if top.BODY:
            return frames.Body(props)
        controls: list[ControlView] = top.controls
        controls.append(PENDING)
        return frames.Control(controls, (props, len(controls) - 1))

    def close(self, frame: Any, parent: Any) -> None:
        """A container ends: what it read goes to the container around it."""
        kind = type(frame)
        if kind is frames.Cell:
            if not frame.deleted:  # its own controls follow the places kept for those around
                self.add_cell(frame.table, frame.sdts, "\n".join(frame.lines()),
                              tuple(frame.controls[len(frame.sdts):]), frame.span)
        elif kind is frames.Control:
            texts = frame.lines()
            props, slot = frame.data
            control = frame.controls[slot] = self.control(props, "\n".join(texts))
            parent.texts.extend([""] if control.placeholder else texts)
        elif kind is frames.Table:
            frame.row()
            table = TableView(tuple(frame.rows))
            if parent.BODY:
                parent.blocks.append(table)
            else:  # a nested table: its text, and its controls as the container's own
                parent.texts.append(_block_text(table))
                parent.controls.extend(
                    c for row in table.rows for cell in row.cells for c in cell.controls)
        elif kind is frames.CellControl:
            frame.table.sdts.pop()
        elif kind is frames.Body:
            frame.flush()
            blocks = frame.blocks
            if frame.props is not None:
                blocks = self.body_control(frame.props, blocks)
            parent.blocks.extend(blocks)
        elif kind is frames.Group:
            parent.texts.extend(frame.lines())
        elif kind is frames.Entry:
            self.entries[frame.data] = "\n".join(frame.lines()).strip()
        # frames.Hide: nothing to do

    def body_control(self, props: str, blocks: list[Block]) -> list[Block]:
        """A block control in the body: its blocks; the control is reported on its first
        paragraph (a control holding only tables is not reported; its cells still are)."""
        control = self.control(props, "\n".join(_block_text(b) for b in blocks))
        if control.placeholder:
            blocks = [replace(b, text="") if isinstance(b, ParagraphView) else b for b in blocks]
        for i, block in enumerate(blocks):
            if isinstance(block, ParagraphView):
                blocks[i] = replace(block, controls=(control, *block.controls))
                break
        return blocks

    # -- controls ------------------------------------------------------------------------

    def control(self, props: str, content: str) -> ControlView:
        """Judge one control from its properties and the text its content shows."""
        text = content.strip()
        found = None if self.escaped else _PROPS.get(props)
        tag, alias, kind, flagged, doc_part, date, box = found or self.props(props)
        checked = None if box is None else _checkbox_state(box, text)
        if (flagged or text in DEFAULT_PLACEHOLDER_TEXTS
                or (doc_part is not None and self.glossary.get(doc_part) == text)):
            return control_view("", tag, alias, kind, True, None, checked)
        return control_view(text, tag, alias, kind, False, date, checked)

    def props(self, payload: str) -> _Props:
        """Parse the "FS key FS value" pairs of a control's properties (the last of a key
        wins, as in Word's own reading of repeated elements)."""
        fields = payload.split(FS)
        if self.escaped:
            fields = [unescape(f) for f in fields]
        pairs = dict(zip(fields[1::2], fields[2::2], strict=False))
        tag, alias, part = pairs.get("t"), pairs.get("a"), pairs.get("d")
        flag, full, box = pairs.get("s"), pairs.get("D"), pairs.get("x")
        props: _Props = (
            tag[1:] if tag else None, alias[1:] if alias else None, pairs.get("k", "richText"),
            flag is not None and flag[1:].lower() not in _OFF, part[1:] if part else None,
            full[:10] if full else None,
            None if box is None else (box, pairs.get("C", ""), pairs.get("U", "")),
        )
        if not self.escaped and len(payload) <= _PROPS_SIZE:
            if len(_PROPS) >= _PROPS_LIMIT:
                _PROPS.clear()
            _PROPS[payload] = props
        return props


# -- small helpers ------------------------------------------------------------------------------


def _span(value: str) -> int:
    """``w:gridSpan/@w:val`` ("" when absent): at least 1."""
    return grid_number(value, least=1)


def _block_text(block: Block) -> str:
    """A paragraph's text; a table's cells joined by tabs and its rows by line breaks."""
    if isinstance(block, ParagraphView):
        return block.text
    return "\n".join("\t".join(cell.text for cell in row.cells) for row in block.rows)


def _symbol(char: str, font: str) -> str:
    """The character of ``w:sym``: known tick/cross glyphs of symbol fonts mapped to Unicode,
    anything else kept as the code point given (private-use for symbol fonts)."""
    try:
        code = int(char, 16)
    except ValueError:
        return ""
    glyphs = _SYMBOL_GLYPHS.get((font or "wingdings").lower())
    if glyphs is not None and (code < 0x100 or 0xF000 <= code <= 0xF0FF):
        glyph = glyphs.get(code & 0xFF)
        if glyph is not None:
            return glyph
    if 0 < code < 0x110000 and not 0xD800 <= code <= 0xDFFF:
        return chr(code)
    return ""


def _checkbox_state(box: tuple[str, str, str], glyph: str) -> bool | None:
    """``w14:checked`` when written ("!" and its value), else judged by the glyph shown."""
    checked, on_glyph, off_glyph = box
    if checked:
        return checked[1:].lower() not in _OFF  # an ST_OnOff value; absent means on
    for value, state in ((on_glyph, True), (off_glyph, False)):
        try:
            if value and glyph == chr(int(value, 16)):
                return state
        except (ValueError, OverflowError):
            continue
    return None
