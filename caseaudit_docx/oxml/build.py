"""Writing WordprocessingML: content controls, shading, borders, the glossary, stable zips.

The template builder lays the form out with python-docx and calls these functions wherever
python-docx has no API (content controls above all). They take and return lxml elements, so the
raw XML stays in this package.
"""

from __future__ import annotations

import io
import uuid
import zipfile
import zlib

from lxml import etree

from .ns import NSMAP, qn

#: Word 2007-2010's name for the glossary building block behind "Click here to enter text.".
DEFAULT_TEXT_PLACEHOLDER = "DefaultPlaceholder_22675703"
PLACEHOLDER_STYLE = "PlaceholderText"

#: A fixed time for every zip member, so that building the template twice gives the same bytes.
_ZIP_TIME = (2019, 10, 1, 0, 0, 0)


def _el(tag: str, **attrs: str) -> etree._Element:
    element = etree.Element(qn(tag), nsmap={"w": NSMAP["w"]})
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), value)
    return element


def _sub(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    child = etree.SubElement(parent, qn(tag))
    for name, value in attrs.items():
        child.set(qn(f"w:{name}"), value)
    return child


def control_id(key: str) -> str:
    """A stable signed 32-bit ``w:id`` for a control, derived from its field id."""
    return str(zlib.crc32(key.encode("utf-8")) - 2**31)


def placeholder_run(text: str) -> etree._Element:
    """A run of placeholder text in the PlaceholderText style, as Word writes it."""
    run = _el("w:r")
    rpr = _sub(run, "w:rPr")
    _sub(rpr, "w:rStyle", val=PLACEHOLDER_STYLE)
    _sub(run, "w:t").text = text
    return run


def block_control(
    *,
    key: str,
    placeholder: str,
    tag: str | None = None,
    alias: str | None = None,
) -> etree._Element:
    """A block-level rich-text control holding one paragraph that shows its placeholder.

    Block level (``w:sdt`` around ``w:p`` inside the cell) lets an auditor press Enter and
    write several paragraphs of notes inside the control. ``key`` makes the ``w:id`` stable.
    """
    sdt = _el("w:sdt")
    pr = _sub(sdt, "w:sdtPr")
    if alias:
        _sub(pr, "w:alias", val=alias)
    if tag:
        _sub(pr, "w:tag", val=tag)
    _sub(pr, "w:id", val=control_id(key))
    _sub(_sub(pr, "w:placeholder"), "w:docPart", val=DEFAULT_TEXT_PLACEHOLDER)
    _sub(pr, "w:showingPlcHdr")
    content = _sub(sdt, "w:sdtContent")
    _sub(content, "w:p").append(placeholder_run(placeholder))
    return sdt


def replace_cell_paragraphs(tc: etree._Element, block: etree._Element) -> None:
    """Put ``block`` (a ``w:sdt``) in a cell in place of its paragraphs, keeping ``w:tcPr``."""
    for paragraph in tc.findall(qn("w:p")):
        tc.remove(paragraph)
    tc.append(block)


#: Schema order of the children that may follow ``w:shd`` in ``w:tcPr`` and ``w:pBdr`` in
#: ``w:pPr``: Word refuses a file whose property children are out of order.
_AFTER_TC_SHD = ("noWrap", "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark",
                 "headers", "cellIns", "cellDel", "cellMerge", "tcPrChange")
_AFTER_P_BDR = ("shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct",
                "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
                "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents",
                "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap",
                "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange")


def _properties(parent: etree._Element, tag: str) -> etree._Element:
    """The parent's properties element (``w:tcPr``, ``w:pPr``, ``w:trPr``), made if missing."""
    props = parent.find(qn(tag))
    if props is None:
        props = etree.Element(qn(tag))
        parent.insert(0, props)
    return props


def _insert_in_order(props: etree._Element, child: etree._Element, after: tuple[str, ...]) -> None:
    """Insert ``child`` before the first existing sibling that the schema puts after it."""
    later = {qn(f"w:{name}") for name in after}
    for index, existing in enumerate(props):
        if existing.tag in later:
            props.insert(index, child)
            return
    props.append(child)


def shade_cell(tc: etree._Element, fill: str) -> None:
    """Give a cell a solid background colour (``fill`` as RRGGBB)."""
    shd = _el("w:shd", val="clear", color="auto", fill=fill)
    _insert_in_order(_properties(tc, "w:tcPr"), shd, _AFTER_TC_SHD)


def repeat_as_header_row(tr: etree._Element) -> None:
    """Mark a table row to repeat at the top of each page the table runs onto."""
    _properties(tr, "w:trPr").append(_el("w:tblHeader"))


def keep_row_on_one_page(tr: etree._Element) -> None:
    """Stop Word splitting a row across pages (a question and its answers stay together)."""
    _properties(tr, "w:trPr").append(_el("w:cantSplit"))


def box_paragraph(p: etree._Element, colour: str = "808080") -> None:
    """Draw a thin border round a paragraph (the placeholder logo area)."""
    border = _el("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        _sub(border, f"w:{side}", val="single", sz="6", space="4", color=colour)
    _insert_in_order(_properties(p, "w:pPr"), border, _AFTER_P_BDR)


def glossary_document(placeholder: str) -> bytes:
    """The glossary part holding Word's default text placeholder building block.

    Controls point at it through ``w:placeholder/w:docPart``, and Word shows its text again
    when a user empties a control.
    """
    w = NSMAP["w"]
    guid = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "caseaudit-docx/placeholder")).upper() + "}"
    root = etree.Element(qn("w:glossaryDocument"), nsmap={"w": w})
    part = _sub(_sub(root, "w:docParts"), "w:docPart")
    props = _sub(part, "w:docPartPr")
    _sub(props, "w:name", val=DEFAULT_TEXT_PLACEHOLDER)
    category = _sub(props, "w:category")
    _sub(category, "w:name", val="General")
    _sub(category, "w:gallery", val="placeholder")
    _sub(_sub(props, "w:types"), "w:type", val="bbPlcHdr")
    _sub(_sub(props, "w:behaviors"), "w:behavior", val="content")
    _sub(props, "w:guid", val=guid)
    body = _sub(part, "w:docPartBody")
    _sub(body, "w:p").append(placeholder_run(placeholder))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def stable_zip(data: bytes) -> bytes:
    """Rewrite a .docx zip with fixed member times, so equal content gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(
        out, "w", compression=zipfile.ZIP_DEFLATED
    ) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            dst.writestr(member, src.read(info.filename))
    return out.getvalue()
