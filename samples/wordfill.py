"""Fill a blank form the way Word writes answers, for the samples and the tests.

Word never writes a value as one tidy run. Typing splits text into runs by editing session
(``w:rsidR``), the spell checker brackets words with ``w:proofErr``, bookmarks land between runs,
Enter makes a new paragraph inside the control, track changes wraps typing in ``w:ins`` and
keeps deleted text in ``w:del``, and auditors delete controls or type beside them. This module
does each of those on purpose, so that extraction is tested against what Word really writes.

It works on the forms our template builder makes (tagged or untagged), whose tables follow the
form model one to one. It is tooling for samples and tests, not part of the package.
"""

from __future__ import annotations

import copy
import io
import itertools
import zipfile
from collections.abc import Callable, Mapping, Sequence

from lxml import etree

from caseaudit_docx.model.description import bundled_form
from caseaudit_docx.model.form import Answer, Form

FORM = bundled_form()

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"

#: How a value is written. "typed": into the control, Word-style runs. "tracked": typed with
#: track changes on, over a deleted earlier value. "unwrapped": the auditor deleted the control
#: and typed into the cell. "beside": the control is left showing its placeholder and the text
#: typed in a new paragraph after it. "date_picker": a date picker control with its stored date
#: (the value must be ISO "YYYY-MM-DD"; the cell shows it as dd/mm/yyyy). "choose": an item
#: picked from a drop-down list or combo box (the text is the item's display text, one run, as
#: Word writes it). "tick": a check box ticked ("1"/"true") or cleared ("0"/"false"), its
#: ``w14:checked`` and glyph (☒/☐) as Word writes them.
MODES = ("typed", "tracked", "unwrapped", "beside", "date_picker", "choose", "tick")


def q(tag: str) -> str:
    prefix, local = tag.split(":")
    return f"{{{W14 if prefix == 'w14' else W}}}{local}"


_RSIDS = ("00A1B2C3", "00D4E5F6", "0012AB34", "00FE9876")
_rsids = itertools.cycle(_RSIDS)


def _run(text: str, *, deleted: bool = False) -> etree._Element:
    """One run, with tabs and line breaks as Word stores them."""
    run = etree.Element(q("w:r"))
    run.set(q("w:rsidR"), next(_rsids))
    parts = text.split("\t")
    for index, part in enumerate(parts):
        if index:
            etree.SubElement(run, q("w:tab"))
        lines = part.split("\v")
        for line_no, line in enumerate(lines):
            if line_no:
                etree.SubElement(run, q("w:br"))
            if line:
                t = etree.SubElement(run, q("w:delText" if deleted else "w:t"))
                t.text = line
                if line != line.strip() or "  " in line:  # as Word marks them
                    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return run


def _runs(text: str) -> list[etree._Element]:
    """Text split the way Word splits it: by rsid mid-word, with proofErr and a bookmark."""
    if len(text) < 4:
        return [_run(text)]
    cut = len(text) // 2
    first, second = text[:cut], text[cut:]
    proof_start = etree.Element(q("w:proofErr"))
    proof_start.set(q("w:type"), "spellStart")
    proof_end = etree.Element(q("w:proofErr"))
    proof_end.set(q("w:type"), "spellEnd")
    mark = etree.Element(q("w:bookmarkStart"))
    mark.set(q("w:id"), "0")
    mark.set(q("w:name"), "_GoBack")
    mark_end = etree.Element(q("w:bookmarkEnd"))
    mark_end.set(q("w:id"), "0")
    return [proof_start, _run(first), proof_end, mark, mark_end, _run(second)]


def _paragraphs(text: str, *, tracked: bool = False, previous: str | None = None) -> list:
    """A paragraph per line of ``text`` ("\\n" is Enter), runs inside ``w:ins`` when tracked."""
    out = []
    for index, line in enumerate(text.split("\n")):
        p = etree.Element(q("w:p"))
        p.set(q("w:rsidR"), next(_rsids))
        if tracked:
            if previous is not None and index == 0:
                deleted = etree.SubElement(p, q("w:del"))
                deleted.set(q("w:id"), "901")
                deleted.set(q("w:author"), "Fictional Auditor")
                deleted.set(q("w:date"), "2019-11-04T10:00:00Z")
                deleted.append(_run(previous, deleted=True))
            inserted = etree.SubElement(p, q("w:ins"))
            inserted.set(q("w:id"), str(902 + index))
            inserted.set(q("w:author"), "Fictional Auditor")
            inserted.set(q("w:date"), "2019-11-04T10:01:00Z")
            inserted.extend(_runs(line))
        else:
            p.extend(_runs(line))
        out.append(p)
    return out


def _cell_positions(form: Form | None = None) -> dict[str, tuple[int, int, int]]:
    """field id -> (table, row, cell) in the template, which mirrors the model cell for cell."""
    positions = {}
    for t, table in enumerate((form or FORM).tables):
        for r, row in enumerate(table.rows):
            for c, cell in enumerate(row.cells):
                if isinstance(cell, Answer):
                    positions[cell.field] = (t, r, c)
    return positions


POSITIONS = _cell_positions()


def _cell(body: etree._Element, field_id: str,
          positions: Mapping[str, tuple[int, int, int]] | None = None) -> etree._Element:
    t, r, c = (positions or POSITIONS)[field_id]
    table = body.findall(q("w:tbl"))[t]
    row = table.findall(q("w:tr"))[r]
    return row.findall(q("w:tc"))[c]


def _clear_placeholder(sdt: etree._Element) -> None:
    pr = sdt.find(q("w:sdtPr"))
    flag = pr.find(q("w:showingPlcHdr"))
    if flag is not None:
        pr.remove(flag)
    content = sdt.find(q("w:sdtContent"))
    for child in list(content):
        content.remove(child)


def _write(cell: etree._Element, text: str, mode: str, previous: str | None) -> None:
    sdt = cell.find(q("w:sdt"))
    if sdt is None and cell.find(f"{q('w:p')}/{q('w:sdt')}") is not None:
        _write_inline(cell, cell.find(f"{q('w:p')}/{q('w:sdt')}"), text, mode, previous)
        return
    if mode == "beside" or sdt is None:
        for p in cell.findall(q("w:p")):
            if not "".join(p.itertext()).strip():
                cell.remove(p)
        cell.extend(_paragraphs(text))
        return
    if mode == "unwrapped":
        cell.remove(sdt)
        cell.extend(_paragraphs(text))
        return
    _clear_placeholder(sdt)
    content = sdt.find(q("w:sdtContent"))
    if mode == "date_picker":
        year, month, day = text.split("-")
        pr = sdt.find(q("w:sdtPr"))
        date = etree.SubElement(pr, q("w:date"))
        date.set(q("w:fullDate"), f"{text}T00:00:00Z")
        fmt = etree.SubElement(date, q("w:dateFormat"))
        fmt.set(q("w:val"), "dd/MM/yyyy")
        content.extend(_paragraphs(f"{day}/{month}/{year}"))
        return
    content.extend(_paragraphs(text, tracked=mode == "tracked", previous=previous))


def _write_inline(cell: etree._Element, sdt: etree._Element, text: str, mode: str,
                  previous: str | None) -> None:
    """Write into an inline control (a plain-text, date, list or check-box control inside the
    cell's paragraph), or beside it, or into the cell once the control is deleted."""
    paragraph = sdt.getparent()
    if mode == "beside":
        cell.extend(_paragraphs(text))
        return
    if mode == "unwrapped":
        paragraph.remove(sdt)
        if not "".join(paragraph.itertext()).strip():
            cell.remove(paragraph)
        cell.extend(_paragraphs(text))
        return
    pr = sdt.find(q("w:sdtPr"))
    content = sdt.find(q("w:sdtContent"))
    if mode == "tick":
        on = text.strip().lower() in ("1", "true", "yes", "x")
        box = pr.find(q("w14:checkbox"))
        box.find(q("w14:checked")).set(q("w14:val"), "1" if on else "0")
        state = box.find(q("w14:checkedState" if on else "w14:uncheckedState"))
        glyph = chr(int(state.get(q("w14:val")), 16))
        for t in content.iter(q("w:t")):
            t.text = glyph
        return
    _clear_placeholder(sdt)
    if mode == "date_picker":
        year, month, day = text.split("-")
        date = pr.find(q("w:date"))
        if date is None:
            date = etree.SubElement(pr, q("w:date"))
        date.set(q("w:fullDate"), f"{text}T00:00:00Z")
        content.append(_run(f"{day}/{month}/{year}"))
        return
    if mode == "choose":
        content.append(_run(text))  # Word writes the chosen item's display text as one run
        return
    paragraphs = _paragraphs(text, tracked=mode == "tracked", previous=previous)
    if len(paragraphs) > 1 and paragraph.getparent() is cell and len(paragraph) == 1 + (
            paragraph.find(q("w:pPr")) is not None):
        # Enter in a rich-text control that fills its paragraph: Word makes it a block-level
        # control round the paragraphs it now holds
        cell.replace(paragraph, sdt)
        content.extend(paragraphs)
        return
    for p in paragraphs:
        content.extend(list(p))  # an inline control holds runs (and w:ins/w:del), not paragraphs


def fill_form(
    template: bytes,
    answers: Mapping[str, str],
    *,
    modes: Mapping[str, str] | None = None,
    previous: Mapping[str, str] | None = None,
    drop_placeholder_flags: bool = False,
    core_modified: str | None = None,
    edits: Sequence[Callable[[etree._Element], None]] = (),
    form: Form | None = None,
) -> bytes:
    """A filled copy of ``template`` with ``answers`` (field id -> text) written Word's way.

    ``modes`` picks how each field is written (default "typed"); ``previous`` gives the text a
    tracked change deletes. ``drop_placeholder_flags`` removes ``w:showingPlcHdr`` from every
    untouched control, as a LibreOffice round trip does. ``core_modified`` sets the document's
    own last-modified time (docProps/core.xml). ``edits`` change the layout afterwards, as
    years of editing a template do (see :func:`insert_blank_row` and the functions after it).
    ``form`` is the form the template was built from (default: the bundled v3.2 form).
    """
    global _rsids
    _rsids = itertools.cycle(_RSIDS)  # the same answers always give the same bytes
    modes = modes or {}
    previous = previous or {}
    with zipfile.ZipFile(io.BytesIO(template)) as package:
        members = {info.filename: package.read(info) for info in package.infolist()}
    root = etree.fromstring(members["word/document.xml"])
    body = root.find(q("w:body"))
    positions = None if form is None else _cell_positions(form)
    for field_id, text in answers.items():
        mode = modes.get(field_id, "typed")
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        _write(_cell(body, field_id, positions), text, mode, previous.get(field_id))
    _mark_rows(body, form)
    for edit in edits:
        edit(body)
    _number_like_word(root)
    if drop_placeholder_flags:
        for flag in list(root.iter(q("w:showingPlcHdr"))):
            flag.getparent().remove(flag)
    members["word/document.xml"] = etree.tostring(
        root, xml_declaration=True, encoding="UTF-8", standalone=True
    )
    if core_modified is not None:
        members["docProps/core.xml"] = _with_modified(members["docProps/core.xml"], core_modified)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2019, 10, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(info, data)
    return out.getvalue()


_REVISIONS = ("w:ins", "w:del", "w:moveFrom", "w:moveTo", "w:rPrChange", "w:pPrChange")


def _number_like_word(root: etree._Element) -> None:
    """Give bookmarks and revisions the unique ids Word writes on save (the runs above are made
    with placeholder ids), and keep one ``_GoBack``: Word marks only the last edit with it; the
    other bookmarks between runs become hidden ``_Hlk`` ones, as Word names those. An end
    closes the earliest open start that had its old id, so a template's own bookmarks keep
    their ranges."""
    go_backs = [mark for mark in root.iter(q("w:bookmarkStart"))
                if mark.get(q("w:name")) == "_GoBack"]
    for index, mark in enumerate(go_backs[:-1]):
        mark.set(q("w:name"), f"_Hlk{25000001 + index}")
    numbers = itertools.count()
    open_marks: dict[str | None, list[str]] = {}
    for mark in root.iter(q("w:bookmarkStart"), q("w:bookmarkEnd")):
        old = mark.get(q("w:id"))
        if mark.tag == q("w:bookmarkStart"):
            new = str(next(numbers))
            open_marks.setdefault(old, []).append(new)
            mark.set(q("w:id"), new)
        elif open_marks.get(old):
            mark.set(q("w:id"), open_marks[old].pop(0))
    for number, change in enumerate(root.iter(*(q(tag) for tag in _REVISIONS)), start=1):
        change.set(q("w:id"), str(number))


def _with_modified(core: bytes, modified: str) -> bytes:
    root = etree.fromstring(core)
    tag = "{http://purl.org/dc/terms/}modified"
    element = root.find(tag)
    if element is None:
        element = etree.SubElement(root, tag)
        element.set("{http://www.w3.org/2001/XMLSchema-instance}type", "dcterms:W3CDTF")
    element.text = modified
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


#: The form's rows of the document being edited, found before any edit moves them about.
_rows: dict[str, etree._Element] = {}


def _mark_rows(body: etree._Element, form: Form | None = None) -> None:
    _rows.clear()
    for t, table in enumerate((form or FORM).tables):
        rows = body.findall(q("w:tbl"))[t].findall(q("w:tr"))
        for r, row in enumerate(table.rows):
            _rows[row.key] = rows[r]


def _row_of(body: etree._Element, row_key: str) -> etree._Element:
    return _rows[row_key]


def _text_cell(text: str, width: str = "1000") -> etree._Element:
    tc = etree.Element(q("w:tc"))
    pr = etree.SubElement(tc, q("w:tcPr"))
    w = etree.SubElement(pr, q("w:tcW"))
    w.set(q("w:w"), width)
    w.set(q("w:type"), "dxa")
    tc.extend(_paragraphs(text) if text else [etree.Element(q("w:p"))])
    return tc


def insert_blank_row(after: str) -> Callable[[etree._Element], None]:
    """An empty row after the row ``after`` (a model row key), cells like the row's own."""
    def edit(body: etree._Element) -> None:
        row = _row_of(body, after)
        blank = etree.Element(q("w:tr"))
        for _ in row.findall(q("w:tc")):
            blank.append(_text_cell(""))
        row.addnext(blank)
    return edit


def relabel(row_key: str, label: str) -> Callable[[etree._Element], None]:
    """Rewrite the printed label of a row (its first cell), e.g. "Q3 " for "Q3."."""
    def edit(body: etree._Element) -> None:
        first = _row_of(body, row_key).find(q("w:tc"))
        for p in first.findall(q("w:p")):
            first.remove(p)
        first.extend(_paragraphs(label))
    return edit


def split_table_before(row_key: str) -> Callable[[etree._Element], None]:
    """Split a table in two before the given row, with an empty paragraph between the halves."""
    def edit(body: etree._Element) -> None:
        row = _row_of(body, row_key)
        table = row.getparent()
        second = etree.Element(q("w:tbl"))
        for child in table:
            if child.tag in (q("w:tblPr"), q("w:tblGrid")):
                second.append(copy.deepcopy(child))
        rows = table.findall(q("w:tr"))
        for moving in rows[rows.index(row):]:
            second.append(moving)
        spacer = etree.Element(q("w:p"))
        table.addnext(spacer)
        spacer.addnext(second)
    return edit


def add_row_after(row_key: str, cells: Sequence[str]) -> Callable[[etree._Element], None]:
    """A new row with the given cell texts (an 11th action, a row an auditor added)."""
    def edit(body: etree._Element) -> None:
        row = _row_of(body, row_key)
        new = etree.Element(q("w:tr"))
        for text in cells:
            new.append(_text_cell(text))
        row.addnext(new)
    return edit
