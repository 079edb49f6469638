"""Putting values into the header content controls of ``word/document.xml``, fast.

A value goes *inside* its control as ordinary text, the way Word leaves a control a person typed
into: ``w:showingPlcHdr`` removed, no ``PlaceholderText`` run style, the control's own run
properties (``sdtPr/w:rPr``) applied, line breaks as ``w:br`` and tabs as ``w:tab`` in one run
(ECMA-376 Part 1, 17.5.2.27 and 17.5.2.39; docxtpl leaves the flag and style in place). A value
for a drop-down list or combo box goes in as its item's display text, as Word shows a chosen
item, and a date picker also gets the date in ``w:fullDate``, as Word stores a picked date. Every
other byte of the document stays as it was, so every other control is still fillable.

Generating hundreds of forms must not re-parse the document per form. :func:`prepare_document`
therefore locates the controls once, serialises the document twice (as it is, and with each
control filled with a marker) and cuts both at the controls. A form is then a join of byte
strings: the blank control where a field has no value, the filled one with the escaped value
put in for the marker where it has. Values are cleaned first: XML-illegal control characters
would make the file unreadable (and make docxtpl's recovering parser drop text, see
ooxml-facts.md §4), "\\r\\n", "\\r" and "\\v" (Word's manual line break) become line breaks.

Controls are found by ``w:tag`` (our template tags each with its field id) or, in a council's
own untagged copy, by layout: the header tables print a row of labels above a row of values, so
the value for a field sits in the row below its label, in the same grid column; or they print
each label beside its value ("Case reference" | value | "Worker" | value), so the value is the
cell just right of it. That is the one rule
:func:`~caseaudit_docx.model.matching.label_values`, asked with the cells a person writes in
(a control, or nothing printed), so a printed label is never taken for a value; extraction
reads by the same rule. Which printed text is which field's label is for the caller to say
(``match_labels``), from the form model.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass

from lxml import etree

from caseaudit_docx.errors import InputError
from caseaudit_docx.model.matching import UNDER, label_values

from .build import PLACEHOLDER_STYLE
from .ns import W, grid_number, qn
from .parser import parse_part

#: A row's printed cell texts -> field id -> index of the cell carrying that field's label.
LabelMatcher = Callable[[Sequence[str]], Mapping[str, int]]

_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_ILLEGAL_XML = re.compile("[^\t\n\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_PI = "caseaudit-slot"
_PI_SPLIT = re.compile(rb"<\?" + _PI.encode() + rb" ([be])(\d+)\?>")
_VALUE = "\ue000caseaudit-value\ue001"
_DATE = "\ue000caseaudit-date\ue001"
_DATE_ATTR = re.compile(rb' [\w.-]*:?fullDate="' + _DATE.encode() + rb'"')

_SDT, _SDT_PR, _SDT_CONTENT = qn("w:sdt"), qn("w:sdtPr"), qn("w:sdtContent")
_P, _R, _T, _TC, _TR, _TBL = qn("w:p"), qn("w:r"), qn("w:t"), qn("w:tc"), qn("w:tr"), qn("w:tbl")
_PPR, _RPR, _TCPR, _RSTYLE = qn("w:pPr"), qn("w:rPr"), qn("w:tcPr"), qn("w:rStyle")
_VAL = qn("w:val")
#: Markers that are not content and must survive when a control's content is replaced.
_KEEP = frozenset(qn(f"w:{name}") for name in (
    "bookmarkStart", "bookmarkEnd", "permStart", "permEnd", "commentRangeStart",
    "commentRangeEnd", "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart",
    "moveToRangeEnd"))
#: Parents that make a ``w:sdt`` a run-level (inline) control.
_INLINE_PARENTS = frozenset(qn(f"w:{name}") for name in (
    "p", "hyperlink", "ins", "del", "smartTag", "fldSimple", "moveFrom", "moveTo"))
#: Control types that cannot hold typed text.
_NOT_TEXT = {
    qn("w14:checkbox"): "check box", qn("w:picture"): "picture",
    qn("w:docPartObj"): "building block gallery", qn("w:docPartList"): "building block gallery",
    qn("w:group"): "group", qn("w:equation"): "equation", qn("w:citation"): "citation",
    qn("w:bibliography"): "bibliography", qn("w15:repeatingSection"): "repeating section",
}


def clean_text(value: str) -> str:
    """``value`` as XML can hold it: line endings and Word's "\\v" as "\\n", and every
    character XML 1.0 forbids (NUL, other C0 controls, lone surrogates, U+FFFE/U+FFFF) dropped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\v", "\n")
    return _ILLEGAL_XML.sub("", value)


@dataclass(frozen=True)
class _Slot:
    """One control (or bare value cell) cut out of the document: its blank bytes and its
    filled bytes with the value (and, for a date picker, the stored date) still to put in."""

    field: str
    blank: bytes
    filled: bytes
    filled_undated: bytes  # the same without ``w:fullDate``, for values that are not dates
    dated: bool
    shown: Mapping[str, str]  # a list control's item values -> the display text Word shows


class PreparedDocument:
    """``word/document.xml`` cut at its header controls; :meth:`render` makes one case's copy."""

    def __init__(self, literals: Sequence[bytes], slots: Sequence[_Slot],
                 located: Mapping[str, str], prefix: str) -> None:
        self._literals = tuple(literals)
        self._slots = tuple(slots)
        self.located: Mapping[str, str] = dict(located)  # field id -> "tag" or "layout"
        self._br = f"</{prefix}t><{prefix}br/><{prefix}t xml:space=\"preserve\">".encode()
        self._tab = f"</{prefix}t><{prefix}tab/><{prefix}t xml:space=\"preserve\">".encode()

    def render(self, values: Mapping[str, str], dates: Mapping[str, str] | None = None) -> bytes:
        """The document with ``values`` (field id -> text) in their controls. ``dates`` gives
        ISO dates (YYYY-MM-DD) for date pickers; a picker without one keeps no stored date."""
        dates = dates or {}
        out = [self._literals[0]]
        for slot, literal in zip(self._slots, self._literals[1:]):
            text = clean_text(values.get(slot.field) or "")
            text = slot.shown.get(text.strip(), text)  # a list's value shows as its item
            if not text.strip():
                out.append(slot.blank)
            else:
                iso = dates.get(slot.field) if slot.dated else None
                filled = slot.filled.replace(_DATE.encode(), f"{iso}T00:00:00Z".encode()) \
                    if iso else slot.filled_undated
                out.append(filled.replace(_VALUE.encode(), self._runs(text)))
            out.append(literal)
        return b"".join(out)

    def _runs(self, text: str) -> bytes:
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") \
            .replace('"', "&quot;").encode("utf-8")
        return escaped.replace(b"\n", self._br).replace(b"\t", self._tab)


def prepare_document(
    xml: bytes, *, fields: Collection[str], match_labels: LabelMatcher,
    part: str = "word/document.xml", path: str | None = None,
) -> PreparedDocument:
    """Locate the controls of ``fields`` in ``xml`` (by tag, else by layout) and cut the
    document there. Fields found nowhere are left out of ``located``; the caller decides."""
    root = parse_part(xml, part, path=path)
    found = _by_tag(root, fields)
    missing = [f for f in fields if f not in found]
    if missing:
        taken = [el for els in found.values() for el in els]
        for fid, el in _by_layout(root, missing, match_labels, taken).items():
            found[fid] = [el]
    located = {fid: ("tag" if _is_tagged(els[0], fid) else "layout") for fid, els in found.items()}
    position = {el: i for i, el in enumerate(root.iter())}
    order = sorted(((el, fid) for fid, els in found.items() for el in els),
                   key=lambda pair: position[pair[0]])
    for el, fid in order:
        _check_fillable(el, fid, path)
    for index, (el, _) in enumerate(order):
        el.addprevious(etree.ProcessingInstruction(_PI, f"b{index}"))
        el.addnext(etree.ProcessingInstruction(_PI, f"e{index}"))
    blank = _pieces(_serialise(root), len(order))
    for el, _ in order:
        _fill(el)
    filled = _pieces(_serialise(root), len(order))
    if blank[0] != filled[0]:
        raise AssertionError("filling a control changed the document outside it")
    slots = []
    for (el, fid), b_slot, f_slot in zip(order, blank[1], filled[1]):
        dated = _DATE.encode() in f_slot
        undated = _DATE_ATTR.sub(b"", f_slot) if dated else f_slot
        slots.append(_Slot(fid, b_slot, f_slot, undated, dated, _list_items(el)))
    return PreparedDocument(blank[0], slots, located, _prefix(root))


# -- locating ------------------------------------------------------------------------------------


def _tag(sdt: etree._Element) -> str | None:
    tag = sdt.find(f"{_SDT_PR}/{qn('w:tag')}")
    return tag.get(_VAL) if tag is not None else None


def _is_tagged(el: etree._Element, fid: str) -> bool:
    return el.tag == _SDT and _tag(el) == fid


def _by_tag(root: etree._Element, fields: Collection[str]) -> dict[str, list[etree._Element]]:
    """Every control tagged with a wanted field id (copies of a control share its tag, and
    each copy gets the value), outermost only."""
    found: dict[str, list[etree._Element]] = {}
    chosen: set[etree._Element] = set()
    for sdt in root.iter(_SDT):
        fid = _tag(sdt)
        if fid is not None and fid in fields and not any(
                a in chosen for a in sdt.iterancestors(_SDT)):
            found.setdefault(fid, []).append(sdt)
            chosen.add(sdt)
    return found


@dataclass(frozen=True)
class _Cell:
    start: int  # first grid column
    span: int
    tc: etree._Element
    wrapper: etree._Element | None  # a cell-level control around the cell
    text: str


def _by_layout(root: etree._Element, fields: Collection[str], match: LabelMatcher,
               taken: Sequence[etree._Element]) -> dict[str, etree._Element]:
    """Each field's value slot: the control (or bare cell) under the cell printing its label,
    else the one just right of it."""
    out: dict[str, etree._Element] = {}
    for tbl in root.iter(_TBL):
        rows = [_cells(tr) for tr in _rows(tbl)]
        for index, row in enumerate(rows):
            matched = {f: i for f, i in match([c.text for c in row]).items()
                       if f in fields and f not in out and i < len(row)}
            if not matched:
                continue
            below = rows[index + 1] if index + 1 < len(rows) else []
            if index + 2 < len(rows) and not any(c.text or _has_control(c) for c in below):
                below = rows[index + 2]  # a blank row inserted between labels and values
            places = label_values(matched, [(c.start, c.span) for c in row],
                                  [(c.start, c.span) for c in below],
                                  values_below=_writable(below), values_in_row=_writable(row))
            for fid, (where, j) in places.items():
                slot = _slot_of((below if where == UNDER else row)[j])
                if not any(_overlap(slot, t) for t in (*taken, *out.values())):
                    out[fid] = slot
    return out


def _writable(row: Sequence[_Cell]) -> set[int]:
    """The cells of a row a person writes in: those holding a control or printing nothing."""
    return {i for i, c in enumerate(row) if _has_control(c) or not c.text}


def _overlap(a: etree._Element, b: etree._Element) -> bool:
    """Whether one element is, or is inside, the other (they cannot both be cut out)."""
    return a is b or any(x is b for x in a.iterancestors()) or any(
        x is a for x in b.iterancestors())


def _rows(tbl: etree._Element) -> Iterator[etree._Element]:
    """The table's own rows, through row-level controls and custom XML, not nested tables."""
    for child in tbl:
        if child.tag == _TR:
            yield child
        elif child.tag in (_SDT, qn("w:customXml")):
            content = child.find(_SDT_CONTENT) if child.tag == _SDT else child
            if content is not None:
                yield from _rows(content)


def _cells(tr: etree._Element) -> list[_Cell]:
    """The row's cells with their grid columns, through cell-level controls."""
    props = tr.find(qn("w:trPr"))
    before = props.find(qn("w:gridBefore")) if props is not None else None
    column = grid_number(before.get(_VAL), least=0) if before is not None else 0
    cells = []
    for child in tr:
        wrapper = None
        tc = child if child.tag == _TC else None
        if child.tag == _SDT:
            wrapper, tc = child, child.find(f"{_SDT_CONTENT}/{_TC}")
        if tc is None:
            continue
        span_el = tc.find(f"{_TCPR}/{qn('w:gridSpan')}")
        span = grid_number(span_el.get(_VAL), least=1) if span_el is not None else 1
        cells.append(_Cell(column, span, tc, wrapper, _visible_text(tc)))
        column += span
    return cells


def _has_control(cell: _Cell) -> bool:
    return cell.wrapper is not None or next(cell.tc.iter(_SDT), None) is not None


def _slot_of(cell: _Cell) -> etree._Element:
    """Where a value cell's value goes: its control, else the bare cell."""
    if cell.wrapper is not None:
        return cell.wrapper
    return next(cell.tc.iter(_SDT), cell.tc)


def _visible_text(el: etree._Element) -> str:
    """Printed text of a cell: paragraphs joined by spaces; moved-away text and controls
    showing their placeholder left out."""
    parts: list[str] = []
    for node in el.iter(_T, _P):
        if node.tag == _P:
            parts.append(" ")
        elif not any(a.tag == qn("w:moveFrom") or (a.tag == _SDT and _showing_placeholder(a))
                     for a in node.iterancestors()):
            parts.append(node.text or "")
    return " ".join("".join(parts).split())


def _showing_placeholder(sdt: etree._Element) -> bool:
    return sdt.find(f"{_SDT_PR}/{qn('w:showingPlcHdr')}") is not None


def _list_items(el: etree._Element) -> dict[str, str]:
    """A drop-down list's or combo box's item values -> their display text (the text Word
    shows once the item is chosen; the value itself when an item has no display text)."""
    items: dict[str, str] = {}
    if el.tag != _SDT:
        return items
    for kind in ("w:dropDownList", "w:comboBox"):
        for item in el.iterfind(f"{_SDT_PR}/{qn(kind)}/{qn('w:listItem')}"):
            value = item.get(qn("w:value"))
            if value:
                items.setdefault(value, item.get(qn("w:displayText")) or value)
    return items


def _check_fillable(el: etree._Element, fid: str, path: str | None) -> None:
    if el.tag != _SDT:
        return
    props = el.find(_SDT_PR)
    for child in props if props is not None else ():
        if child.tag in _NOT_TEXT:
            raise InputError(f"the control for {fid} is a {_NOT_TEXT[child.tag]} control, "
                             "which cannot hold the value", path=path)
    content = el.find(_SDT_CONTENT)
    if _level(el) == "block" and content is not None and content.find(_TBL) is not None:
        raise InputError(f"the control for {fid} holds a table; cannot put a value in it",
                         path=path)


# -- filling -------------------------------------------------------------------------------------


def _level(sdt: etree._Element) -> str:
    parent = sdt.getparent()
    if parent is None:
        return "block"
    if parent.tag == _TR:
        return "cell"
    if parent.tag in _INLINE_PARENTS:
        return "run"
    outer = parent.getparent()
    if parent.tag == _SDT_CONTENT and outer is not None:  # nested: the level of its control
        return _level(outer)
    return "block"


def _fill(el: etree._Element) -> None:
    """Fill ``el`` (a control or a bare cell) with the value marker, as Word would leave it."""
    if el.tag == _TC:
        _fill_container(el, _value_run(None), keep=_TCPR)
        return
    props = el.find(_SDT_PR)
    if props is None:
        props = etree.Element(_SDT_PR)
        el.insert(0, props)
    for name in ("w:showingPlcHdr", "w:dataBinding"):  # a binding would restore the old text
        for flag in props.findall(qn(name)):
            props.remove(flag)
    date = props.find(qn("w:date"))
    if date is not None:
        date.set(qn("w:fullDate"), _DATE)
    run = _value_run(props.find(_RPR))
    content = el.find(_SDT_CONTENT)
    if content is None:
        content = etree.SubElement(el, _SDT_CONTENT)
    level = _level(el)
    if level == "run":
        _clear(content)
        content.append(run)
    elif level == "cell":
        tc = content.find(_TC)
        if tc is None:
            tc = etree.SubElement(content, _TC)
        _fill_container(tc, run, keep=_TCPR)
    else:
        _fill_container(content, run, keep=None)
    for style in list(el.iter(_RSTYLE)):
        holder = style.getparent()
        if style.get(_VAL) == PLACEHOLDER_STYLE and holder is not None:
            holder.remove(style)


def _fill_container(container: etree._Element, run: etree._Element, keep: str | None) -> None:
    """Keep the first paragraph (its properties and range markers) and put ``run`` in it;
    everything else the container held was placeholder and goes."""
    paragraph = container.find(_P)
    for child in list(container):
        if child is not paragraph and child.tag != keep and child.tag not in _KEEP:
            container.remove(child)
    if paragraph is None:
        paragraph = etree.SubElement(container, _P)
    _clear(paragraph, keep=_PPR)
    paragraph.append(run)


def _clear(parent: etree._Element, keep: str | None = None) -> None:
    for child in list(parent):
        if child.tag != keep and child.tag not in _KEEP:
            parent.remove(child)


def _value_run(control_rpr: etree._Element | None) -> etree._Element:
    """A run holding the value marker, formatted as the control says (never as placeholder)."""
    run = etree.Element(_R)
    if control_rpr is not None:
        rpr = copy.deepcopy(control_rpr)
        for style in rpr.findall(_RSTYLE):
            if style.get(_VAL) == PLACEHOLDER_STYLE:
                rpr.remove(style)
        if len(rpr):
            run.append(rpr)
    text = etree.SubElement(run, _T)
    text.set(_XML_SPACE, "preserve")
    text.text = _VALUE
    return run


# -- serialising ---------------------------------------------------------------------------------


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _pieces(data: bytes, count: int) -> tuple[list[bytes], list[bytes]]:
    """Split at the markers: the literal stretches between slots, and the slots."""
    parts = _PI_SPLIT.split(data)  # literal, "b", n, slot, "e", n, literal, "b", …
    if len(parts) != 1 + 6 * count:
        raise AssertionError("the document was not cut where its controls are")
    literals = [parts[0]] + [parts[6 * i + 6] for i in range(count)]
    slots = [parts[6 * i + 3] for i in range(count)]
    return literals, slots


def _prefix(root: etree._Element) -> str:
    """How the document spells the WordprocessingML namespace: "w:" almost always."""
    for prefix, uri in root.nsmap.items():
        if uri == W:
            return f"{prefix}:" if prefix else ""
    return "w:"
