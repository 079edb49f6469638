"""Writing WordprocessingML: content controls, shading, borders, the glossary, stable zips.

The template builder lays the form out with python-docx and calls these functions wherever
python-docx has no API (content controls above all). They take and return lxml elements, so the
raw XML stays in this package.
"""

from __future__ import annotations

import copy
import io
import re
import uuid
import zipfile
import zlib

from lxml import etree

from .ns import NSMAP, qn
from .parser import parse_part

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


#: The control types :func:`typed_control` builds inside a cell's paragraph (run level). Rich
#: text may also be built run level: LibreOffice keeps tracked changes and the grey placeholder
#: only in run-level controls (a block-level one comes back from its save as plain text, its
#: placeholder black), so the typed template puts every control there.
INLINE_TYPES = frozenset({"richText", "text", "date", "dropDownList", "comboBox", "checkbox"})
DEFAULT_DATE_FORMAT = "dd/MM/yyyy"
DEFAULT_LID = "en-GB"
#: A check box as Word 2010 and later write it: the glyphs in MS Gothic, ☒ ticked, ☐ not.
CHECKBOX_FONT = "MS Gothic"
CHECKED_GLYPH, UNCHECKED_GLYPH = "\u2612", "\u2610"
_W14_NSMAP = {"w": NSMAP["w"], "w14": NSMAP["w14"]}


def _w14(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    child = etree.SubElement(parent, qn(f"w14:{tag}"))
    for name, value in attrs.items():
        child.set(qn(f"w14:{name}"), value)
    return child


def _fonts(parent: etree._Element, font: str) -> etree._Element:
    """``w:rPr`` with ``w:rFonts`` naming ``font`` for every script, under ``parent``."""
    rpr = _sub(parent, "w:rPr")
    _sub(rpr, "w:rFonts", ascii=font, eastAsia=font, hAnsi=font)
    return rpr


def glyph_run(glyph: str, font: str = CHECKBOX_FONT) -> etree._Element:
    """A run showing a check box's glyph in its font, as Word writes it."""
    run = etree.Element(qn("w:r"), nsmap={"w": NSMAP["w"]})
    _fonts(run, font).find(qn("w:rFonts")).set(qn("w:hint"), "eastAsia")  # type: ignore[union-attr]
    _sub(run, "w:t").text = glyph
    return run


def typed_control(
    *,
    key: str,
    control_type: str,
    placeholder: str,
    tag: str | None = None,
    alias: str | None = None,
    items: tuple[str, ...] = (),
    date_format: str | None = None,
    lid: str = DEFAULT_LID,
    full_date: str | None = None,
    checked: bool = False,
) -> etree._Element:
    """An inline control of Word's ``control_type`` ("richText", "text", "date",
    "dropDownList", "comboBox", "checkbox"), to go inside a paragraph, showing its placeholder
    (a run in the PlaceholderText style, so it is grey in Word and LibreOffice alike).

    ``items`` are a list's entries (display text = value); ``date_format`` a date picker's
    format (default dd/MM/yyyy, language ``lid``), ``full_date`` its stored date (``YYYY-MM-DD``,
    written only when the control is filled: the control then shows the date, not the
    placeholder). A check box shows ☐ (☒ when ``checked``) and has no placeholder.
    """
    if control_type not in INLINE_TYPES:
        raise ValueError(f"not an inline control type: {control_type!r}")
    sdt = etree.Element(qn("w:sdt"), nsmap=_W14_NSMAP)
    pr = _sub(sdt, "w:sdtPr")
    if control_type == "checkbox":
        _fonts(pr, CHECKBOX_FONT)
    if alias:
        _sub(pr, "w:alias", val=alias)
    if tag:
        _sub(pr, "w:tag", val=tag)
    _sub(pr, "w:id", val=control_id(key))
    content = etree.Element(qn("w:sdtContent"))
    if control_type == "checkbox":
        box = _w14(pr, "checkbox")
        _w14(box, "checked", val="1" if checked else "0")
        _w14(box, "checkedState", val=f"{ord(CHECKED_GLYPH):04X}", font=CHECKBOX_FONT)
        _w14(box, "uncheckedState", val=f"{ord(UNCHECKED_GLYPH):04X}", font=CHECKBOX_FONT)
        content.append(glyph_run(CHECKED_GLYPH if checked else UNCHECKED_GLYPH))
        sdt.append(content)
        return sdt
    shown = _shown_date(full_date, date_format or DEFAULT_DATE_FORMAT) if full_date else None
    _sub(_sub(pr, "w:placeholder"), "w:docPart", val=DEFAULT_TEXT_PLACEHOLDER)
    if shown is None:
        _sub(pr, "w:showingPlcHdr")
    if control_type == "richText":
        pass  # no type element: rich text (ECMA-376 17.5.2.26), so Enter and formatting work
    elif control_type == "text":
        _sub(pr, "w:text")
    elif control_type == "date":
        date = _sub(pr, "w:date")
        if full_date:
            date.set(qn("w:fullDate"), f"{full_date}T00:00:00Z")
        _sub(date, "w:dateFormat", val=date_format or DEFAULT_DATE_FORMAT)
        _sub(date, "w:lid", val=lid)
        _sub(date, "w:storeMappedDataAs", val="date")
        _sub(date, "w:calendar", val="gregorian")
    else:
        listing = _sub(pr, f"w:{control_type}")
        for item in items:
            _sub(listing, "w:listItem", displayText=item, value=item)
    if shown is None:
        content.append(placeholder_run(placeholder))
    else:
        run = _sub(content, "w:r")
        _sub(run, "w:t").text = shown
    sdt.append(content)
    return sdt


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_DATE_CODES = re.compile(r"y+|M+|d+|[A-Za-z]+|[^A-Za-z]+")


def _shown_date(iso: str, date_format: str) -> str:
    """A ``YYYY-MM-DD`` date as a date picker shows it in ``date_format`` (Word's codes d, dd,
    M, MM, MMM, MMMM, yy, yyyy, in English; other text kept); a format with other codes shows
    the ISO date."""
    year, month, day = iso.split("-")
    name = _MONTHS[int(month) - 1]
    codes = {"yyyy": year, "yy": year[2:], "MMMM": name, "MMM": name[:3], "MM": month,
             "M": str(int(month)), "dd": day, "d": str(int(day))}
    out = []
    for part in _DATE_CODES.findall(date_format):
        if part[0].isalpha():
            if part not in codes:
                return iso
            out.append(codes[part])
        else:
            out.append(part)
    return "".join(out)


def put_in_cell_paragraph(tc: etree._Element, inline: etree._Element) -> None:
    """Put an inline control in a cell's (first) paragraph, making one if the cell has none."""
    paragraph = tc.find(qn("w:p"))
    if paragraph is None:
        paragraph = _sub(tc, "w:p")
    paragraph.append(inline)


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


#: The sides a paragraph border needs to be a box, and the border values that draw no line.
_BOX_SIDES = ("top", "left", "bottom", "right")
_NO_LINE = frozenset({"nil", "none"})


def box_paragraph(p: etree._Element, colour: str = "808080") -> None:
    """Draw a thin border round a paragraph (the placeholder logo area)."""
    border = _el("w:pBdr")
    for side in _BOX_SIDES:
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


_TEMPLATE_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_DOCUMENT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_CONTENT_TYPES = "[Content_Types].xml"


def document_from_template(data: bytes) -> bytes:
    """A Word template (.dotx) as the document Word makes of it with File > New: the same
    parts byte for byte, the main part's content type a document's. Read the template with
    :func:`caseaudit_docx.oxml.package.read_package_bytes` (``blank=True``) first: that checks
    it is a safe Word package within the limits."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(
        out, "w", compression=zipfile.ZIP_DEFLATED
    ) as dst:
        for info in src.infolist():
            part = src.read(info)
            if info.filename == _CONTENT_TYPES:
                root = parse_part(part, _CONTENT_TYPES)
                for override in root.iter(qn("ct:Override")):
                    if override.get("ContentType") == _TEMPLATE_MAIN:
                        override.set("ContentType", _DOCUMENT_MAIN)
                part = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                      standalone=True)
            dst.writestr(info, part)
    return out.getvalue()


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


#: Word's single line height as a multiple of the font size, and the size text has when no
#: run says (our Normal style), for working out how tall a header box is.
_LINE_HEIGHT = 1.15
_DEFAULT_SIZE_PT = 10.0


def is_box(border: etree._Element) -> bool:
    """Whether a ``w:pBdr`` draws a line on all four sides of its paragraph (a box), not a
    rule above or below it (a council's header may underline its address: that is no box)."""
    for side in _BOX_SIDES:
        line = border.find(qn(f"w:{side}"))
        if line is None or (line.get(qn("w:val")) or "nil") in _NO_LINE:
            return False
    return True


def logo_box(header: etree._Element) -> tuple[etree._Element, float] | None:
    """The paragraph of ``header`` (a ``w:hdr``) drawn as a box, where the logo goes (the
    template builder's logo area: a paragraph with a border on all four sides, whatever it
    says), and the height of its contents in points (its lines of text and the border's
    spacing); None without one. A paragraph bordered on fewer sides is not a box, and its text
    is never the logo's to replace."""
    for paragraph in header.iter(qn("w:p")):
        props = paragraph.find(qn("w:pPr"))
        border = props.find(qn("w:pBdr")) if props is not None else None
        if border is None or not is_box(border):
            continue
        lines = 1 + sum(1 for _ in paragraph.iter(qn("w:br")))
        sizes = [int(value) / 2 for sz in paragraph.iter(qn("w:sz"))
                 if (value := sz.get(qn("w:val")) or "").isdigit()]
        spacing = sum(int(value) for side in border
                      if (value := side.get(qn("w:space")) or "").isdigit()
                      and side.tag in (qn("w:top"), qn("w:bottom")))
        return paragraph, lines * max(sizes, default=_DEFAULT_SIZE_PT) * _LINE_HEIGHT + spacing
    return None


def empty_box(paragraph: etree._Element) -> None:
    """Take the border and the text out of a boxed paragraph (the logo replaces the box),
    keeping its other properties (alignment, indent, spacing)."""
    props = paragraph.find(qn("w:pPr"))
    for child in list(paragraph):
        if child is not props:
            paragraph.remove(child)
    for border in props.findall(qn("w:pBdr")) if props is not None else ():
        props.remove(border)  # type: ignore[union-attr]


_SPACED = re.compile(r"^\s|\s$|\s\s")


def preserve_spaces(root: etree._Element) -> None:
    """Mark each ``w:t`` whose text starts or ends with white space, or holds two in a row,
    ``xml:space="preserve"``: without it a reader may collapse the spaces (python-docx marks
    only leading and trailing ones), and Word itself always writes the attribute there."""
    for text in root.iter(qn("w:t")):
        if text.text and _SPACED.search(text.text):
            text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def complete_zoom(settings: etree._Element) -> None:
    """Give ``w:zoom`` the ``w:percent`` the schema requires (python-docx's default settings
    part writes the element without it); 100 is Word's own default."""
    for zoom in settings.iter(qn("w:zoom")):
        if zoom.get(qn("w:percent")) is None:
            zoom.set(qn("w:percent"), "100")


def glossary_styles(main_styles: etree._Element, glossary: bytes) -> bytes:
    """The glossary document's own styles part (Word resolves a glossary's style references
    in its own part, not the main document's): the main part's document defaults, its default
    styles and every style the glossary names, with the styles those are based on."""
    by_id = {style.get(qn("w:styleId")): style for style in main_styles.iter(qn("w:style"))}
    wanted: list[str] = []
    names = [e.get(qn("w:val")) or "" for e in parse_part(glossary, "glossary").iter(
        qn("w:pStyle"), qn("w:rStyle"), qn("w:tblStyle"))]
    names += [i for i, s in by_id.items() if i and s.get(qn("w:default")) in ("1", "true")]
    while names:
        name = names.pop()
        if name in by_id and name not in wanted:
            wanted.append(name)
            names += [e.get(qn("w:val")) or "" for e in by_id[name].iterchildren(qn("w:basedOn"))]
    root = etree.Element(qn("w:styles"), nsmap={"w": NSMAP["w"]})
    for defaults in main_styles.iterchildren(qn("w:docDefaults")):
        root.append(copy.deepcopy(defaults))
    for style_id, style in by_id.items():  # in the main part's order
        if style_id in wanted:
            root.append(copy.deepcopy(style))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
