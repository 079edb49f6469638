"""The layout of a blank form as plain records: what learning a form description needs to see.

Extraction's reader (:mod:`.text`) answers "what did the person write?"; this one answers "how
is the blank laid out?": each body paragraph with its style, each table with its grid widths,
and each cell with its printed lines, grid span, shading, whether its label is bold, and the
content controls it holds (type, tag, alias, the placeholder it shows, a date picker's format,
a list's items, a check box). Nothing here judges what a cell *means*; that is
:mod:`caseaudit_docx.learn`'s job. No lxml element leaves this module.

Text is the accepted view of tracked changes (deletions and moves-from left out) and a field
shows its result, never its instruction. Row-, cell- and block-level controls are unwrapped so
that a row or cell inside a control is still seen; the control is listed on the cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lxml import etree

from .ns import NSMAP, grid_number, qn

if TYPE_CHECKING:
    from .package import DocxPackage

Element = etree._Element

#: Twentieths of a point per centimetre (1440 per inch, 2.54 cm per inch).
_TWIPS_PER_CM = 1440 / 2.54
#: Word's control type elements, in ``w:sdtPr``, by the name the form model uses.
_CONTROL_TYPES = {
    qn("w:richText"): "richText", qn("w:text"): "text", qn("w:date"): "date",
    qn("w:dropDownList"): "dropDownList", qn("w:comboBox"): "comboBox",
    qn("w14:checkbox"): "checkbox", qn("w:picture"): "picture", qn("w:group"): "group",
    qn("w:docPartObj"): "docPart", qn("w:docPartList"): "docPart",
    qn("w:citation"): "citation", qn("w:bibliography"): "bibliography",
    qn("w:equation"): "equation", qn("w15:repeatingSection"): "repeatingSection",
    qn("w15:repeatingSectionItem"): "repeatingSectionItem",
}
_P, _TBL, _TR, _TC, _SDT = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:sdt")
_SDT_CONTENT, _SDT_PR = qn("w:sdtContent"), qn("w:sdtPr")
_W_VAL = qn("w:val")
_FALSE = frozenset({"0", "false", "off", "none"})
# Text a reader sees in a paragraph: w:t outside deletions, moves-from and field instructions
# (w:instrText is another element, so it is never selected); tabs and breaks as white space.
_TEXT = etree.XPath(
    ".//w:r[not(ancestor::w:del) and not(ancestor::w:moveFrom)]/*"
    "[self::w:t or self::w:tab or self::w:br or self::w:cr]",  # a run's tab, not a tab stop
    namespaces=NSMAP,
)
_RUNS = etree.XPath(".//w:r[w:t and not(ancestor::w:del) and not(ancestor::w:moveFrom)]",
                    namespaces=NSMAP)


@dataclass(frozen=True)
class ListItem:
    """One entry of a drop-down list or combo box: what it shows and the value it stores."""

    display: str
    value: str


@dataclass(frozen=True)
class ControlLayout:
    """A content control met in a cell or paragraph.

    ``type`` is Word's type ("richText" when the control names none), ``placeholder`` the text
    it shows while it is blank (``None`` when it shows a value or nothing), ``items`` a list's
    entries and ``date_format`` a date picker's display format (``w:dateFormat``).
    """

    type: str = "richText"
    tag: str | None = None
    alias: str | None = None
    placeholder: str | None = None
    showing_placeholder: bool = False
    text: str = ""
    date_format: str | None = None
    items: tuple[ListItem, ...] = ()
    checked: bool | None = None


@dataclass(frozen=True)
class CellLayout:
    """A table cell: its printed lines (one per paragraph, controls' content left out), grid
    span, fill colour (hex, ``None`` when unshaded), whether the first run is bold, and the
    controls it holds. ``merged`` is ``w:vMerge`` ("restart"/"continue"), a vertical merge."""

    lines: tuple[str, ...]
    span: int = 1
    fill: str | None = None
    bold: bool = False
    controls: tuple[ControlLayout, ...] = ()
    merged: str | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip()


@dataclass(frozen=True)
class RowLayout:
    cells: tuple[CellLayout, ...]
    skipped: int = 0  # ``w:gridBefore``: grid columns left empty before the first cell


@dataclass(frozen=True)
class TableLayout:
    """A table: grid column widths in cm (``w:tblGrid``, to 0.01 cm) and its rows."""

    widths_cm: tuple[float, ...]
    rows: tuple[RowLayout, ...]
    nested: int = 0  # tables inside its cells, which a form description cannot hold


@dataclass(frozen=True)
class ParagraphLayout:
    """A body paragraph: ``style`` is "title", "heading" or "body"; ``style_id`` as written."""

    text: str
    style: str = "body"
    style_id: str | None = None
    controls: tuple[ControlLayout, ...] = ()


Block = ParagraphLayout | TableLayout


@dataclass(frozen=True)
class Layout:
    """The body of a blank, in page order, and the title its properties give."""

    blocks: tuple[Block, ...]
    title: str | None = None

    @property
    def tables(self) -> tuple[TableLayout, ...]:
        return tuple(b for b in self.blocks if isinstance(b, TableLayout))


def read_layout(pkg: DocxPackage) -> Layout:
    """The layout of an opened package's main document."""
    return layout_of(pkg.document, title=pkg.title)


def layout_of(root: Element, *, title: str | None = None) -> Layout:
    """The layout of ``w:document`` (``root``)."""
    body = root.find(qn("w:body"))
    blocks: list[Block] = []
    if body is not None:
        for element in _unwrapped(body, _P, _TBL):
            blocks.append(_paragraph(element) if element.tag == _P else _table(element))
    return Layout(tuple(blocks), title)


def _unwrapped(parent: Element, *wanted: str) -> list[Element]:
    """``parent``'s children of the ``wanted`` tags, looking through content controls (and
    ``w:customXml``, which wraps the same way)."""
    out: list[Element] = []
    for child in parent:
        if child.tag in wanted:
            out.append(child)
        elif child.tag in (_SDT, qn("w:customXml")):
            content = child.find(_SDT_CONTENT) if child.tag == _SDT else child
            if content is not None:
                out.extend(_unwrapped(content, *wanted))
    return out


def _enclosing_controls(element: Element, stop: Element) -> list[Element]:
    """The ``w:sdt`` elements wrapping ``element`` up to (not including) ``stop``."""
    found = []
    parent = element.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == _SDT:
            found.append(parent)
        parent = parent.getparent()
    return found


def _nodes(xpath: etree.XPath, element: Element) -> list[Element]:
    found = xpath(element)
    return [n for n in found if isinstance(n, etree._Element)] if isinstance(found, list) else []


def _text(element: Element, *, skip_controls: bool) -> str:
    parts = []
    for node in _nodes(_TEXT, element):
        if skip_controls and _inside_control(node, element):
            continue
        if node.tag == qn("w:t"):
            parts.append(node.text or "")
        else:
            parts.append("\t" if node.tag == qn("w:tab") else "\n")
    return "".join(parts)


def _inside_control(node: Element, stop: Element) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == _SDT_CONTENT:
            return True
        parent = parent.getparent()
    return False


def _style(p: Element) -> tuple[str, str | None]:
    style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    style_id = style.get(_W_VAL) if style is not None else None
    name = (style_id or "").lower().replace(" ", "")
    if name in ("title", "titel", "titre"):
        return "title", style_id
    if name.startswith(("heading", "berschrift", "titre")):
        return "heading", style_id
    return "body", style_id


def _paragraph(p: Element) -> ParagraphLayout:
    style, style_id = _style(p)
    controls = tuple(_control(sdt) for sdt in p.iter(_SDT))
    wrapping = tuple(_control(sdt) for sdt in _enclosing_controls(p, p.getroottree().getroot()))
    shown = [c for c in (*wrapping, *controls) if c.showing_placeholder]
    text = _text(p, skip_controls=bool(shown))
    return ParagraphLayout(text, style, style_id, wrapping + controls)


_MEASURE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mm|cm|in|pt|pc|pi)?\s*$")
_TWIPS_PER_UNIT = {None: 1.0, "mm": 1440 / 25.4, "cm": 1440 / 2.54, "in": 1440.0, "pt": 20.0,
                   "pc": 240.0, "pi": 240.0}


def _twips(value: str | None) -> float:
    """A grid column's width in twips: a number of twips, or a measure with its unit ("2.5cm",
    as the schema allows); anything unreadable is 0, and the column keeps the form's width."""
    found = _MEASURE.match(value or "")
    return float(found.group(1)) * _TWIPS_PER_UNIT[found.group(2)] if found else 0.0


def _table(tbl: Element) -> TableLayout:
    widths = tuple(round(_twips(col.get(qn("w:w"))) / _TWIPS_PER_CM, 2)
                   for col in tbl.iterfind(f"{qn('w:tblGrid')}/{qn('w:gridCol')}"))
    rows = tuple(_row(tr) for tr in _unwrapped(tbl, _TR))
    nested = sum(1 for _ in tbl.iterdescendants(_TBL))
    return TableLayout(widths, rows, nested)


def _row(tr: Element) -> RowLayout:
    before = tr.find(f"{qn('w:trPr')}/{qn('w:gridBefore')}")
    skipped = grid_number(before.get(_W_VAL), least=0) if before is not None else 0
    return RowLayout(tuple(_cell(tc) for tc in _unwrapped(tr, _TC)), skipped)


def _cell(tc: Element) -> CellLayout:
    pr = tc.find(qn("w:tcPr"))
    span, fill, merged = 1, None, None
    if pr is not None:
        grid_span = pr.find(qn("w:gridSpan"))
        if grid_span is not None:
            span = grid_number(grid_span.get(_W_VAL), least=1)
        shd = pr.find(qn("w:shd"))
        value = shd.get(qn("w:fill")) if shd is not None else None
        fill = value.upper() if value and value.lower() != "auto" else None
        vmerge = pr.find(qn("w:vMerge"))
        if vmerge is not None:
            merged = vmerge.get(_W_VAL) or "continue"
    controls = [_control(sdt) for sdt in _cell_controls(tc)]
    controls.extend(_control(sdt) for sdt in tc.iter(_SDT))
    printed = [p for p in tc.iter(_P) if not _inside_control(p, tc)]
    lines = tuple(_text(p, skip_controls=True) for p in printed)
    return CellLayout(lines or ("",), span, fill, _bold(printed[0]) if printed else False,
                      tuple(controls), merged)


def _cell_controls(tc: Element) -> list[Element]:
    """Cell-level controls around ``tc``: the ``w:sdt`` between it and its row."""
    found = []
    parent = tc.getparent()
    while parent is not None and parent.tag != _TR:
        if parent.tag == _SDT:
            found.append(parent)
        parent = parent.getparent()
    return found


def _bold(p: Element) -> bool:
    """Whether the paragraph's first run of text is bold (``w:b`` not switched off)."""
    for run in _nodes(_RUNS, p):
        if _inside_control(run, p):
            continue
        b = run.find(f"{qn('w:rPr')}/{qn('w:b')}")
        return b is not None and (b.get(_W_VAL) or "true").lower() not in _FALSE
    return False


def _control(sdt: Element) -> ControlLayout:
    pr = sdt.find(_SDT_PR)
    if pr is None:
        return ControlLayout(text=_control_text(sdt))
    kind = next((_CONTROL_TYPES[c.tag] for c in pr if c.tag in _CONTROL_TYPES), "richText")
    showing = pr.find(qn("w:showingPlcHdr")) is not None
    text = _control_text(sdt)
    fmt = pr.find(f"{qn('w:date')}/{qn('w:dateFormat')}")
    date_format = fmt.get(_W_VAL) if fmt is not None else None
    items: tuple[ListItem, ...] = ()
    listing = pr.find(qn(f"w:{kind}")) if kind in ("dropDownList", "comboBox") else None
    if listing is not None:
        items = tuple(_item(li) for li in listing.iterfind(qn("w:listItem")))
    checked = None
    box = pr.find(qn("w14:checkbox"))
    if box is not None:
        state = box.find(qn("w14:checked"))
        checked = state is not None and (state.get(qn("w14:val")) or "1") not in _FALSE
    return ControlLayout(
        type=kind, tag=_val(pr, "w:tag"), alias=_val(pr, "w:alias"),
        placeholder=text if showing else None, showing_placeholder=showing,
        text="" if showing else text, date_format=date_format, items=items, checked=checked,
    )


def _item(li: Element) -> ListItem:
    display = li.get(qn("w:displayText"))
    value = li.get(qn("w:value"))
    return ListItem(display if display is not None else value or "",
                    value if value is not None else display or "")


def _val(pr: Element, tag: str) -> str | None:
    found = pr.find(qn(tag))
    return found.get(_W_VAL) if found is not None else None


def _control_text(sdt: Element) -> str:
    content = sdt.find(_SDT_CONTENT)
    if content is None:
        return ""
    paragraphs = list(content.iter(_P))
    if paragraphs:
        return "\n".join(_text(p, skip_controls=False) for p in paragraphs).strip()
    return _text(content, skip_controls=False).strip()
