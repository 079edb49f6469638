"""Read ``word/document.xml`` into the frozen views of :mod:`caseaudit_docx.oxml.view`.

Text is what a reader of the page sees with every tracked change accepted (ECMA-376 Part 1,
17.13.5): insertions and moves-to in; deletions, moves-from and deleted rows and cells out; a
deleted paragraph mark joins its paragraph to the next one (within the same cell or container).
Fields show only their result, never their instruction. Of ``mc:AlternateContent`` exactly one
branch is read: the ``mc:Fallback`` when there is one, else the first ``mc:Choice``. Text boxes
are read at their anchor, on lines of their own. Hidden text (``w:vanish``) is kept: a form's
hidden text is still what the writer typed, and Word prints it when asked to.

The walk follows mammoth's ``body_xml`` pattern: a table of handlers for the elements that
matter, an explicit set of elements that show nothing, and every other element inside a
paragraph read *through* (its runs still count), so that no wrapper Word adds later can make
text vanish silently. One recursive pass, no XPath.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from lxml import etree

from .ns import W, qn
from .view import Block, CellView, ControlView, DocumentView, ParagraphView, RowView, TableView

if TYPE_CHECKING:
    from .package import DocxPackage

Element = etree._Element

#: The placeholder texts Word writes for new controls (older and newer wording). A control, or a
#: whole cell, whose text is exactly one of these reads as empty.
DEFAULT_PLACEHOLDER_TEXTS = frozenset({
    "Click here to enter text.", "Click or tap here to enter text.", "Choose an item.",
    "Click here to enter a date.", "Click or tap to enter a date.",
})


def _w(local: str) -> str:
    return f"{{{W}}}{local}"


BODY, P, PPR, RPR, R, T = _w("body"), _w("p"), _w("pPr"), _w("rPr"), _w("r"), _w("t")
TBL, TR, TRPR, TC, TCPR = _w("tbl"), _w("tr"), _w("trPr"), _w("tc"), _w("tcPr")
TBL_PR_EX, SDT, SDT_PR, SDT_CONTENT = _w("tblPrEx"), _w("sdt"), _w("sdtPr"), _w("sdtContent")
DEL, MOVE_FROM, CELL_DEL, GRID_SPAN = _w("del"), _w("moveFrom"), _w("cellDel"), _w("gridSpan")
CUSTOM_XML, FLD_CHAR, SYM, RUBY = _w("customXml"), _w("fldChar"), _w("sym"), _w("ruby")
RUBY_BASE, TXBX_CONTENT, NAME = _w("rubyBase"), _w("txbxContent"), _w("name")
DOC_PART, DOC_PART_PR, DOC_PART_BODY = _w("docPart"), _w("docPartPr"), _w("docPartBody")
ALTERNATE_CONTENT, MC_CHOICE, MC_FALLBACK = (
    qn("mc:AlternateContent"), qn("mc:Choice"), qn("mc:Fallback"))
TAG, ALIAS, SHOWING_PLC_HDR = _w("tag"), _w("alias"), _w("showingPlcHdr")
PLACEHOLDER, VAL, FLD_CHAR_TYPE = _w("placeholder"), _w("val"), _w("fldCharType")
FULL_DATE, CHAR, FONT = _w("fullDate"), _w("char"), _w("font")
W14_CHECKBOX, W14_CHECKED, W14_VAL = qn("w14:checkbox"), qn("w14:checked"), qn("w14:val")
W14_CHECKED_STATE, W14_UNCHECKED_STATE = qn("w14:checkedState"), qn("w14:uncheckedState")

#: Run content that stands for a fixed string. Page and column breaks count as line breaks.
_RUN_TEXT = {_w("tab"): "\t", _w("ptab"): "\t", _w("br"): "\n", _w("cr"): "\n",
             _w("softHyphen"): "", _w("noBreakHyphen"): "-"}
#: Run content that may hold text boxes (``w:txbxContent``) somewhere inside.
_RUN_OBJECTS = frozenset({_w("drawing"), _w("pict"), _w("object")})

#: Paragraph-level wrappers whose runs are read as if they were the paragraph's own.
_READ_THROUGH = frozenset({_w("hyperlink"), _w("ins"), _w("moveTo"), _w("smartTag"), CUSTOM_XML,
                           _w("fldSimple"), _w("dir"), _w("bdo"), SDT_CONTENT})
#: Paragraph-level elements that show nothing (or only text the accepted view drops).
_INLINE_IGNORED = frozenset(
    {DEL, MOVE_FROM, _w("proofErr"), _w("customXmlPr"), _w("smartTagPr"),
     _w("fldData"), _w("sdtEndPr"), SDT_PR}
    | {
        _w(f"{name}{edge}")
        for name in ("bookmark", "commentRange", "perm", "moveFromRange", "moveToRange",
                     "customXmlInsRange", "customXmlDelRange", "customXmlMoveFromRange",
                     "customXmlMoveToRange")
        for edge in ("Start", "End")
    }
)

_CONTROL_KINDS = {
    _w(name): name
    for name in ("text", "richText", "date", "dropDownList", "comboBox", "picture",
                 "docPartObj", "docPartList", "group", "citation", "bibliography", "equation")
} | {
    W14_CHECKBOX: "checkbox",
    qn("w15:repeatingSection"): "repeatingSection",
    qn("w15:repeatingSectionItem"): "repeatingSectionItem",
}

#: Tick and cross glyphs of the symbol fonts, by the font's own code (``w:char`` minus 0xF000).
_SYMBOL_GLYPHS: dict[str, dict[int, str]] = {
    "wingdings": {0xFB: "\u2717", 0xFC: "\u2713", 0xFD: "\u2612", 0xFE: "\u2611", 0xA8: "\u2610"},
    "wingdings 2": {0x4F: "\u2717", 0x50: "\u2713", 0x52: "\u2611", 0x54: "\u2612", 0xA3: "\u2610"},
    "symbol": {0xB4: "\u00d7", 0xD6: "\u221a"},
}

_OFF = frozenset({"0", "false", "off"})
_MARK_DELETIONS = frozenset({DEL, MOVE_FROM})
_PENDING = ControlView("")  # holds a control's place in a list until its text is known


def read_document(pkg: DocxPackage) -> DocumentView:
    """The body of an opened package as a reader sees it."""
    return document_view(pkg.document, pkg.glossary, pkg.modified, pkg.title)


def document_view(
    root: Element,
    glossary: Mapping[str, str] | None = None,
    modified: str | None = None,
    title: str | None = None,
) -> DocumentView:
    """Views of ``w:document`` (``root``): tables and paragraphs of the body, in order.

    ``glossary`` maps glossary ``docPart`` names to their text (custom placeholders).
    """
    body = next(root.iterchildren(BODY), None)
    blocks = _Reader(glossary or {}).body(body) if body is not None else []
    return DocumentView(blocks=tuple(blocks), modified=modified, title=title)


def glossary_placeholders(root: Element) -> dict[str, str]:
    """``{docPart name: text}`` for every building block of a glossary document."""
    reader = _Reader({})
    texts: dict[str, str] = {}
    for part in root.iter(DOC_PART):
        pr = next(part.iterchildren(DOC_PART_PR), None)
        name = next(pr.iterchildren(NAME), None) if pr is not None else None
        body = next(part.iterchildren(DOC_PART_BODY), None)
        if name is not None and name.get(VAL) and body is not None:
            texts[name.get(VAL, "")] = _tidy("\n".join(reader.block_texts(body, []))).strip()
    return texts


class _Reader:
    """One walk over the XML. Keeps the state of complex fields within the current paragraph."""

    def __init__(self, glossary: Mapping[str, str]) -> None:
        self._glossary = glossary
        self._fields: list[bool] = []  # one per open complex field: True once past "separate"
        self._hidden = 0  # open fields still in their instruction part
        self._mark_deleted = False  # the current paragraph's mark is a tracked deletion
        handlers: dict[object, Callable[[Element, list[str], list[ControlView]], None]]
        handlers = {tag: self._inline for tag in _READ_THROUGH}
        handlers.update({R: self._run, SDT: self._inline_sdt, ALTERNATE_CONTENT: self._inline_alt,
                         PPR: self._paragraph_props})
        self._handlers = handlers

    # -- body level ------------------------------------------------------------------------

    def body(self, parent: Element) -> list[Block]:
        blocks: list[Block] = []
        carry: tuple[str, list[ControlView]] | None = None  # paragraph whose mark was deleted

        def flush() -> None:
            nonlocal carry
            if carry is not None:
                blocks.append(ParagraphView(_tidy(carry[0]).strip(), tuple(carry[1])))
                carry = None

        for child in parent:
            tag = child.tag
            if tag == P:
                controls: list[ControlView] = []
                text, merge = self._paragraph(child, controls)
                if carry is not None:
                    text, controls = carry[0] + text, carry[1] + controls
                carry = (text, controls)
                if not merge:
                    flush()
            elif tag == TBL:
                flush()
                blocks.append(self.table(child))
            elif tag == SDT:
                flush()
                blocks.extend(self._body_sdt(child))
            elif tag == CUSTOM_XML:
                flush()
                blocks.extend(self.body(child))
            elif tag == ALTERNATE_CONTENT:
                branch = _branch(child)
                if branch is not None:
                    flush()
                    blocks.extend(self.body(branch))
            # else: sectPr, bookmarks, permissions and the like show nothing
        flush()
        return blocks

    def _body_sdt(self, sdt: Element) -> list[Block]:
        """A block control in the body: its blocks; the control is reported on its first
        paragraph (a control holding only tables is not reported; its cells still are)."""
        pr, content = _sdt_parts(sdt)
        blocks = self.body(content) if content is not None else []
        control = self._control(pr, "\n".join(_block_text(b) for b in blocks))
        if control.placeholder:
            blocks = [replace(b, text="") if isinstance(b, ParagraphView) else b for b in blocks]
        for i, block in enumerate(blocks):
            if isinstance(block, ParagraphView):
                blocks[i] = replace(block, controls=(control, *block.controls))
                break
        return blocks

    def table(self, tbl: Element) -> TableView:
        rows = []
        for tr in _rows(tbl):
            cells = []
            for tc, sdts, span in _cells(tr):
                controls: list[ControlView] = []
                text = self._cell_text(tc, sdts, controls)
                cells.append(CellView(text, tuple(controls), span))
            rows.append(RowView(tuple(cells)))
        return TableView(tuple(rows))

    # -- block level inside cells, controls, text boxes and glossary entries ----------------

    def block_texts(self, parent: Element, controls: list[ControlView]) -> list[str]:
        """One string per paragraph (or nested table) of block-level content."""
        texts: list[str] = []
        carry: str | None = None
        for child in parent:
            tag = child.tag
            if tag == P:
                text, merge = self._paragraph(child, controls)
                if carry is not None:
                    text, carry = carry + text, None
                if merge:
                    carry = text
                else:
                    texts.append(text)
                continue
            if tag == TCPR:
                continue
            if carry is not None:
                texts.append(carry)
                carry = None
            if tag == SDT:
                texts.extend(self._block_sdt(child, controls))
            elif tag == TBL:  # a nested table: its text, and its controls as the cell's own
                table = self.table(child)
                texts.append(_block_text(table))
                controls.extend(c for row in table.rows for cl in row.cells for c in cl.controls)
            elif tag == CUSTOM_XML:
                texts.extend(self.block_texts(child, controls))
            elif tag == ALTERNATE_CONTENT:
                branch = _branch(child)
                if branch is not None:
                    texts.extend(self.block_texts(branch, controls))
        if carry is not None:
            texts.append(carry)
        return texts

    def _block_sdt(self, sdt: Element, controls: list[ControlView]) -> list[str]:
        pr, content = _sdt_parts(sdt)
        slot = len(controls)
        controls.append(_PENDING)
        texts = self.block_texts(content, controls) if content is not None else []
        control = controls[slot] = self._control(pr, "\n".join(texts))
        return [""] if control.placeholder else texts

    def _cell_text(
        self, tc: Element, sdts: tuple[Element, ...], controls: list[ControlView]
    ) -> str:
        """A cell's text; ``sdts`` are the cell-level controls around it, outermost first."""
        slot = len(controls)
        controls.extend([_PENDING] * len(sdts))
        text = "\n".join(self.block_texts(tc, controls))
        for i in range(len(sdts) - 1, -1, -1):
            control = controls[slot + i] = self._control(_sdt_parts(sdts[i])[0], text)
            if control.placeholder:
                text = ""
        text = _tidy(text).strip()
        return "" if text in DEFAULT_PLACEHOLDER_TEXTS else text

    # -- paragraph level ---------------------------------------------------------------------

    def _paragraph(self, p: Element, controls: list[ControlView]) -> tuple[str, bool]:
        """The paragraph's text, and whether its mark was deleted (join it to the next one)."""
        self._fields, self._hidden, self._mark_deleted = [], 0, False
        out: list[str] = []
        self._inline(p, out, controls)
        return "".join(out), self._mark_deleted

    def _paragraph_props(self, ppr: Element, out: list[str], controls: list[ControlView]) -> None:
        """``w:pPr/w:rPr/w:del`` (or ``w:moveFrom``): the paragraph mark is gone in the
        accepted view, so the paragraph joins the next one."""
        for rpr in ppr:
            if rpr.tag == RPR:
                for change in rpr:
                    if change.tag in _MARK_DELETIONS:
                        self._mark_deleted = True

    def _inline(self, parent: Element, out: list[str], controls: list[ControlView]) -> None:
        handlers = self._handlers
        for child in parent:
            tag = child.tag
            handler = handlers.get(tag)
            if handler is not None:
                handler(child, out, controls)
            elif tag not in _INLINE_IGNORED and isinstance(tag, str):
                self._inline(child, out, controls)  # an unknown wrapper: read its runs

    def _inline_alt(self, alt: Element, out: list[str], controls: list[ControlView]) -> None:
        branch = _branch(alt)
        if branch is not None:
            self._inline(branch, out, controls)

    def _inline_sdt(self, sdt: Element, out: list[str], controls: list[ControlView]) -> None:
        pr, content = _sdt_parts(sdt)
        slot = len(controls)
        controls.append(_PENDING)
        own: list[str] = []
        if content is not None:
            self._inline(content, own, controls)
        text = "".join(own)
        control = controls[slot] = self._control(pr, text)
        if not control.placeholder:
            out.append(text)

    def _run(self, run: Element, out: list[str], controls: list[ControlView]) -> None:
        for child in run:
            tag = child.tag
            if tag == T:
                if not self._hidden and child.text:
                    out.append(child.text)
            elif tag == RPR:
                continue
            elif tag == FLD_CHAR:
                self._field_char(child.get(FLD_CHAR_TYPE))
            elif self._hidden:
                continue
            elif tag in _RUN_TEXT:
                out.append(_RUN_TEXT[tag])
            elif tag == SYM:
                out.append(_symbol(child))
            elif tag in _RUN_OBJECTS:
                self._text_boxes(child, out, controls)
            elif tag == ALTERNATE_CONTENT:
                branch = _branch(child)
                if branch is not None:
                    self._run(branch, out, controls)
            elif tag == RUBY:  # phonetic guide: read the base text only
                base = next(child.iterchildren(RUBY_BASE), None)
                if base is not None:
                    self._inline(base, out, controls)
            # else: rPr, instrText, delText, note and comment references show nothing

    def _field_char(self, kind: str | None) -> None:
        fields = self._fields
        if kind == "begin":
            fields.append(False)
            self._hidden += 1
        elif kind == "separate":
            if fields and not fields[-1]:
                fields[-1] = True
                self._hidden -= 1
        elif kind == "end" and fields:
            if not fields.pop():
                self._hidden -= 1  # a field with no result shows nothing

    def _text_boxes(self, obj: Element, out: list[str], controls: list[ControlView]) -> None:
        for child in obj:
            tag = child.tag
            if tag == TXBX_CONTENT:  # paragraphs inside a paragraph: keep the outer state
                saved = self._fields, self._hidden, self._mark_deleted
                text = "\n".join(self.block_texts(child, controls)).strip()
                self._fields, self._hidden, self._mark_deleted = saved
                if text:
                    out.append(f"\n{text}\n")
            elif tag == ALTERNATE_CONTENT:
                branch = _branch(child)
                if branch is not None:
                    self._text_boxes(branch, out, controls)
            elif isinstance(tag, str):
                self._text_boxes(child, out, controls)

    # -- controls ------------------------------------------------------------------------

    def _control(self, pr: Element | None, content: str) -> ControlView:
        """Judge one control from its ``w:sdtPr`` and the text its content shows."""
        text = _tidy(content).strip()
        tag = alias = doc_part = date = None
        kind, flagged, checked = "richText", False, None
        for child in pr if pr is not None else ():
            name = child.tag
            if name == TAG:
                tag = child.get(VAL)
            elif name == ALIAS:
                alias = child.get(VAL)
            elif name == SHOWING_PLC_HDR:
                flagged = _on(child.get(VAL))
            elif name == PLACEHOLDER:
                for part in child:  # w:docPart
                    doc_part = part.get(VAL)
            elif name in _CONTROL_KINDS:
                kind = _CONTROL_KINDS[name]
                if kind == "date":
                    full = child.get(FULL_DATE)
                    date = full[:10] if full else None
                elif kind == "checkbox":
                    checked = _checkbox_state(child, text)
        placeholder = (
            flagged
            or text in DEFAULT_PLACEHOLDER_TEXTS
            or (doc_part is not None and self._glossary.get(doc_part) == text)
        )
        if placeholder:
            return ControlView("", tag, alias, kind, True, None, checked)
        return ControlView(text, tag, alias, kind, False, date, checked)


# -- small helpers ------------------------------------------------------------------------------


def _sdt_parts(sdt: Element) -> tuple[Element | None, Element | None]:
    pr = content = None
    for child in sdt:
        tag = child.tag
        if tag == SDT_PR:
            pr = child
        elif tag == SDT_CONTENT:
            content = child
    return pr, content


# Plain loops over children below: on lxml they are several times faster than find() or
# iterchildren(tag), which matters on the hot path.


def _rows(tbl: Element, found: list[Element] | None = None) -> list[Element]:
    """The rows of a table in order: row-level controls and customXml unwrapped, deleted rows
    dropped. Row-level controls themselves are not reported."""
    found = [] if found is None else found
    for child in tbl:
        tag = child.tag
        if tag == TR:
            if not _row_deleted(child):
                found.append(child)
        elif tag == SDT:
            content = _sdt_parts(child)[1]
            if content is not None:
                _rows(content, found)
        elif tag == CUSTOM_XML:
            _rows(child, found)
    return found


_Cell = tuple[Element, tuple[Element, ...], int]  # w:tc, cell-level controls around it, span


def _cells(
    tr: Element, sdts: tuple[Element, ...] = (), found: list[_Cell] | None = None
) -> list[_Cell]:
    """The cells of a row with the cell-level controls around each; deleted cells dropped."""
    found = [] if found is None else found
    for child in tr:
        tag = child.tag
        if tag == TC:
            deleted, span = _cell_props(child)
            if not deleted:
                found.append((child, sdts, span))
        elif tag == SDT:
            content = _sdt_parts(child)[1]
            if content is not None:
                _cells(content, (*sdts, child), found)
        elif tag == CUSTOM_XML:
            _cells(child, sdts, found)
    return found


def _row_deleted(tr: Element) -> bool:
    """``w:trPr/w:del``: the row was deleted with tracking on."""
    for child in tr:  # w:tblPrEx?, w:trPr? come first
        tag = child.tag
        if tag == TRPR:
            for prop in child:
                if prop.tag == DEL:
                    return True
            return False
        if tag != TBL_PR_EX:
            return False
    return False


def _cell_props(tc: Element) -> tuple[bool, int]:
    """Whether the cell was deleted (``w:tcPr/w:cellDel``) and its ``w:gridSpan``."""
    for tcpr in tc:  # w:tcPr comes first when present
        deleted, span = False, 1
        if tcpr.tag == TCPR:
            for prop in tcpr:
                tag = prop.tag
                if tag == GRID_SPAN:
                    value = prop.get(VAL, "1")
                    span = max(1, int(value)) if value.isdecimal() else 1
                elif tag == CELL_DEL:
                    deleted = True
        return deleted, span
    return False, 1


def _branch(alt: Element) -> Element | None:
    """The one branch of ``mc:AlternateContent`` read: the Fallback, else the first Choice."""
    choice = None
    for child in alt:
        if child.tag == MC_FALLBACK:
            return child
        if child.tag == MC_CHOICE and choice is None:
            choice = child
    return choice


def _block_text(block: Block) -> str:
    """A paragraph's text; a table's cells joined by tabs and its rows by line breaks."""
    if isinstance(block, ParagraphView):
        return block.text
    return "\n".join("\t".join(cell.text for cell in row.cells) for row in block.rows)


def _symbol(sym: Element) -> str:
    """The character of ``w:sym``: known tick/cross glyphs of symbol fonts mapped to Unicode,
    anything else kept as the code point given (private-use for symbol fonts)."""
    try:
        code = int(sym.get(CHAR, ""), 16)
    except ValueError:
        return ""
    font = (sym.get(FONT) or "wingdings").lower()
    glyphs = _SYMBOL_GLYPHS.get(font)
    if glyphs is not None and (code < 0x100 or 0xF000 <= code <= 0xF0FF):
        glyph = glyphs.get(code & 0xFF)
        if glyph is not None:
            return glyph
    if 0 < code < 0x110000 and not 0xD800 <= code <= 0xDFFF:
        return chr(code)
    return ""


def _checkbox_state(box: Element, glyph: str) -> bool | None:
    checked = next(box.iterchildren(W14_CHECKED), None)
    if checked is not None:
        return _on(checked.get(W14_VAL))
    for state_tag, state in ((W14_CHECKED_STATE, True), (W14_UNCHECKED_STATE, False)):
        element = next(box.iterchildren(state_tag), None)
        try:
            if element is not None and glyph == chr(int(element.get(W14_VAL, ""), 16)):
                return state
        except (ValueError, OverflowError):
            continue
    return None


def _on(value: str | None) -> bool:
    """An ST_OnOff value: absent means on."""
    return value is None or value.lower() not in _OFF


def _tidy(text: str) -> str:
    """A vertical tab (Word's manual line break in its object model) reads as a line break."""
    return text.replace("\x0b", "\n") if "\x0b" in text else text
