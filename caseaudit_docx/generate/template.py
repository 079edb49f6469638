"""Build a form's blank as a Word document, from the form model (any form's description).

python-docx lays out the page, styles, paragraphs and tables; :mod:`caseaudit_docx.oxml.build`
adds what python-docx has no API for (content controls, shading, the glossary), on elements
found from the parts' public ``element`` (:mod:`caseaudit_docx.oxml.tables`), never through
python-docx's private attributes.

Every answer cell that holds a control gets a typed control by default, chosen from the field's
kind: a drop-down list of the kind's canonical values for a choice (grades, levels, yes/no), a
combo box of them for a score (a number kind: the list offers the numbers, and the auditor may
still type N/A on a question that does not apply), a date picker (dd/MM/yyyy, en-GB, storing
the date) for a date, a rich-text control for text (notes: Enter works). A list also offers
the form's own wording for N/A where its description gives one (the kind's ``na``). An
answer whose description names another ``control_type`` gets that one. Each control sits
inside the cell's paragraph (run level): a LibreOffice save keeps tracked changes and the
grey placeholder there, and turns both into plain black text in a block-level control
(measured, see the README). ``plain`` builds the council's own look
instead: every control as its description says (rich text by default), block level around the
cell's paragraph, as the council's copies have them.

Each control shows the form's placeholder text in the PlaceholderText style (grey) with
``w:showingPlcHdr``, as Word writes it (a check box shows ☐). The tagged template also gives
each control ``w:tag`` = field id and ``w:alias`` = a short label; the untagged one is a
stand-in for the council's own copies, which have neither.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Protocol

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree

from caseaudit_docx.cleanup import written_whole
from caseaudit_docx.generate.logo import put_logo, read_logo
from caseaudit_docx.generate.outputs import check_new_file
from caseaudit_docx.model.description import load_form
from caseaudit_docx.model.form import Answer, Form, Label, Paragraph, Table
from caseaudit_docx.model.kinds import Kind
from caseaudit_docx.oxml import build, tables

#: ``council=`` for the form's own default text of its variables.
DEFAULTS = ""
#: An answer's control type when its description names none.
DEFAULT_CONTROL = "richText"
#: The kind types whose fields get a drop-down list of the kind's values (one value each;
#: a multi-choice field holds several, so it stays text).
LISTED_TYPES = frozenset({"choice", "yes_no"})
#: The kind types whose fields get a combo box of the kind's values: a list that still takes
#: typed text, since a drop-down list refuses anything but its items and auditors answer a
#: score "N/A" or "Not applicable" where the question does not apply.
COMBO_TYPES = frozenset({"number"})

HEADING_FILL = "D9E2F3"  # pale blue, as the council's form shades its heading rows
FONT = "Arial"
#: Fixed document dates, so that building the template twice gives the same file.
_BUILT = dt.datetime(2019, 10, 1, tzinfo=dt.UTC)


def build_template(
    *, tagged: bool = True, council: str | None = DEFAULTS, form: Form | None = None,
    plain: bool = False, logo: str | Path | None = None,
) -> bytes:
    """The blank form as .docx bytes: typed controls, or the council's all-plain look with
    ``plain``; ``logo`` is a PNG or JPEG image put in the header's logo box.

    ``council`` is the text of the form's council variable (``{council}`` in its labels, the
    name in the parents' introductory script; other variables keep their defaults): empty for
    the form's default, ``None`` for the docxtpl variables instead (for the bundled templates
    in caseaudit_docx/templates/, which generate fills).
    """
    form = load_form(form)
    document = docx.Document()
    _set_up_page(document)
    _set_up_styles(document)
    _add_logo_area(document)
    values = _variable_texts(form, council)
    body_started = False
    for block in form.blocks:
        if isinstance(block, Paragraph):
            _add_paragraph(document, block)
        else:
            if body_started:
                document.add_paragraph()  # a blank line between tables, as in the seed
            _add_table(document, block, tagged=tagged, values=values, placeholder=form.placeholder,
                       form=form, plain=plain)
        body_started = True
    _add_glossary(document, form.placeholder)
    _set_properties(document, form)
    if logo is not None:
        put_logo(document, read_logo(logo))
    _make_schema_valid(document)
    out = io.BytesIO()
    document.save(out)
    return build.stable_zip(out.getvalue())


def write_template(
    path: str | Path,
    *,
    tagged: bool = True,
    council: str | None = DEFAULTS,
    force: bool = False,
    form: Form | None = None,
    plain: bool = False,
    logo: str | Path | None = None,
) -> Path:
    """Write the blank form to ``path``; refuse to replace an existing file unless ``force``.

    It is written under a temporary name beside ``path`` and renamed when complete, so a
    failed run (a full disk: "…: cannot be written: disk full") leaves no truncated document.
    A blank holds no case data: its mode is what the umask allows, as for any new file.
    """
    target = Path(path)
    check_new_file(target, suffix=".docx",
                   wrong_suffix="the template must be saved with a .docx extension", force=force)
    data = build_template(tagged=tagged, council=council, form=form, plain=plain, logo=logo)
    with written_whole(target, force=force, private=False) as handle:
        handle.write(data)
    return target


def _set_up_page(document: docx.document.Document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.75))
    section.top_margin, section.bottom_margin = Cm(1.5), Cm(1.5)
    section.header_distance = Cm(0.8)


def _set_up_styles(document: docx.document.Document) -> None:
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(3)
    for name, size in (("Title", 14), ("Heading 1", 12)):
        style = document.styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0, 0, 0)
    placeholder = document.styles.add_style("Placeholder Text", WD_STYLE_TYPE.CHARACTER)
    placeholder.font.color.rgb = RGBColor(0x80, 0x80, 0x80)
    placeholder.hidden = False
    placeholder.unhide_when_used = True
    placeholder.priority = 99


def _add_logo_area(document: docx.document.Document) -> None:
    """A boxed area at the top right of every page where the council's logo goes."""
    header = document.sections[0].header
    paragraph = header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.left_indent = Cm(13.0)
    paragraph.paragraph_format.space_after = Pt(6)
    run = paragraph.add_run("Council logo")
    run.add_break()
    run.font.size = Pt(8)
    run.font.color.rgb = RGBColor(0x80, 0x80, 0x80)
    build.box_paragraph(tables.first_paragraph(header.part.element))


def _add_paragraph(document: docx.document.Document, block: Paragraph) -> None:
    if block.style == "title":
        document.add_paragraph(block.text, style="Title")
    elif block.style == "heading":
        document.add_paragraph(block.text, style="Heading 1")
    else:
        document.add_paragraph(block.text)


def _add_table(document: docx.document.Document, table: Table, *, tagged: bool,
               values: dict[str, str], placeholder: str, form: Form, plain: bool) -> None:
    columns = len(table.widths_cm)
    grid = document.add_table(rows=len(table.rows), cols=columns)
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    for index, width in enumerate(table.widths_cm):
        grid.columns[index].width = Cm(width)
    rows = tables.table_rows(tables.last_table(document.element))
    for row_index, row in enumerate(table.rows):
        docx_row = grid.rows[row_index]
        column = 0
        for cell in row.cells:
            target = docx_row.cells[column]
            if cell.span > 1:
                target = target.merge(docx_row.cells[column + cell.span - 1])
            target.width = Cm(sum(table.widths_cm[column : column + cell.span]))
            if isinstance(cell, Label):
                _fill_label(target, cell, values)
            column += cell.span
        tr = rows[row_index]
        build.keep_row_on_one_page(tr)
        for cell, tc in zip(row.cells, tables.row_cells(tr), strict=True):  # merged: one each
            if not isinstance(cell, Label):
                _fill_answer(tc, cell, tagged=tagged, placeholder=placeholder, form=form,
                             plain=plain)
            elif cell.shaded:
                build.shade_cell(tc, HEADING_FILL)
    if table.rows and all(isinstance(c, Label) and c.shaded for c in table.rows[0].cells):
        build.repeat_as_header_row(rows[0])


def _variable_texts(form: Form, council: str | None) -> dict[str, str]:
    """``{name}`` -> its text: the council's name given, the default, or a docxtpl variable."""
    out = {}
    for variable in form.variables:
        if council is None:
            default = _jinja_text(variable.default)
            text = f"{{{{ {variable.template_variable} | default({default}) }}}}"
        elif council and variable.name == "council":
            text = council
        else:
            text = variable.default
        out["{" + variable.name + "}"] = text
    return out


def _jinja_text(text: str) -> str:
    """``text`` as a Jinja string literal that renders as written: quotes and backslashes
    escaped, and marked safe when it holds what XML escapes (the template is XML, so "R&D" is
    already "R&amp;D" there, and autoescaping it again would show "R&amp;D")."""
    literal = json.dumps(text, ensure_ascii=False)
    return f"{literal}|safe" if any(c in text for c in "&<>") else literal


class _TextCell(Protocol):
    """What a label needs of a python-docx table cell: its paragraphs, and a way to add one."""

    @property
    def paragraphs(self) -> list[DocxParagraph]: ...

    def add_paragraph(self, text: str = ..., style: str | None = ...
                      ) -> DocxParagraph: ...


def _fill_label(cell: _TextCell, label: Label, values: dict[str, str]) -> None:
    lines = list(label.lines)
    for name, text in values.items():
        lines = [line.replace(name, text) for line in lines]
    first = cell.paragraphs[0]
    for index, line in enumerate(lines):
        paragraph = first if index == 0 else cell.add_paragraph()
        if line:
            run = paragraph.add_run(line)
            if label.bold and index == 0:
                run.bold = True


def control_type(answer: Answer, form: Form, *, plain: bool = False) -> str:
    """The Word control type an answer cell gets: its description's ``control_type`` when that
    names one or ``plain`` asks for the council's look; else one chosen from its kind (a list of
    the kind's values for a choice, a combo box of them for a bounded number, a date picker
    for a date)."""
    if plain or answer.control_type != DEFAULT_CONTROL:
        return answer.control_type
    kind = form.kinds[answer.kind]
    if kind.type in LISTED_TYPES and kind.values:
        return "dropDownList"
    if kind.type in COMBO_TYPES and kind.values:
        return "comboBox"
    if kind.type == "date":
        return "date"
    return DEFAULT_CONTROL


def list_items(kind: Kind) -> tuple[str, ...]:
    """A list control's items for ``kind``: its canonical values, then the form's own wording
    for "not applicable" when its description gives one (the kind's ``na``), so that N/A can be
    chosen from a drop-down list, which takes nothing but its items."""
    return (*kind.values, kind.na) if kind.na else kind.values


def _fill_answer(tc: etree._Element, answer: Answer, *, tagged: bool, placeholder: str,
                 form: Form, plain: bool) -> None:
    if not answer.control:
        return  # a bare cell: the auditor types straight into its empty paragraph
    typed = control_type(answer, form, plain=plain)
    if not plain or typed != DEFAULT_CONTROL:
        inline = build.typed_control(
            key=answer.field,
            control_type=typed,
            placeholder=placeholder,
            tag=answer.field if tagged else None,
            alias=answer.alias if tagged else None,
            items=list_items(form.kinds[answer.kind]),
            date_format=answer.date_format,
        )
        build.put_in_cell_paragraph(tc, inline)
        return
    control = build.block_control(
        key=answer.field,
        placeholder=placeholder,
        tag=answer.field if tagged else None,
        alias=answer.alias if tagged else None,
    )
    build.replace_cell_paragraphs(tc, control)


def _add_glossary(document: docx.document.Document, placeholder: str) -> None:
    glossary = build.glossary_document(placeholder)
    part = Part(
        PackURI("/word/glossary/document.xml"),
        CT.WML_DOCUMENT_GLOSSARY,
        glossary,
        document.part.package,
    )
    document.part.relate_to(part, RT.GLOSSARY_DOCUMENT)
    styles = Part(  # the glossary's style references resolve in a styles part of its own
        PackURI("/word/glossary/styles.xml"),
        CT.WML_STYLES,
        build.glossary_styles(document.styles.element, glossary),
        document.part.package,
    )
    part.relate_to(styles, RT.STYLES)


def _make_schema_valid(document: docx.document.Document) -> None:
    """What python-docx leaves short of ECMA-376 (tests/test_schema_validity.py proves the
    result): ``w:zoom`` without ``w:percent``, spaced text without ``xml:space``."""
    build.complete_zoom(document.settings.element)
    for part in document.part.package.iter_parts():
        element = getattr(part, "element", None)  # XML parts python-docx has parsed
        if element is not None:
            build.preserve_spaces(element)


def _set_properties(document: docx.document.Document, form: Form) -> None:
    props = document.core_properties
    props.title = form.title
    props.subject = "Children's services case audit"
    props.author = "caseaudit-docx"
    props.last_modified_by = "caseaudit-docx"
    props.comments = f"{form.name} {form.version}"
    props.revision = 1
    props.created = props.modified = _BUILT
    props.last_printed = _BUILT
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:  # python-docx's own preview picture, not ours
            del package.rels[rel_id]
