"""The blank template: controls where the seed has them, Word's own markup, stable output."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from lxml import etree

from caseaudit_docx.errors import OutputError
from caseaudit_docx.generate.template import (
    build_template,
    write_template,
)
from caseaudit_docx.model.description import bundled_form
from caseaudit_docx.oxml.ns import qn

from .conftest import ROOT

FORM = bundled_form()

BUNDLED = {
    True: ROOT / "caseaudit_docx" / "templates" / "case-audit-3.2.docx",
    False: ROOT / "caseaudit_docx" / "templates" / "case-audit-3.2-untagged.docx",
}


def _document(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read("word/document.xml"))


def _controls(data: bytes) -> list[etree._Element]:
    return list(_document(data).iter(qn("w:sdt")))


def _prop(sdt: etree._Element, name: str) -> str | None:
    found = sdt.find(f"{qn('w:sdtPr')}/{qn(name)}")
    return None if found is None else found.get(qn("w:val"))


def test_tagged_template_has_one_control_per_control_field(tagged_template: bytes) -> None:
    tags = [_prop(sdt, "w:tag") for sdt in _controls(tagged_template)]
    expected = [f.id for f in FORM.fields if f.control]
    assert tags == expected  # page order, each exactly once


def test_tagged_controls_carry_alias(tagged_template: bytes) -> None:
    aliases = {_prop(s, "w:tag"): _prop(s, "w:alias") for s in _controls(tagged_template)}
    assert aliases["q3.score"] == "Q3 score"
    assert aliases["case_number"] == "Case Number"
    assert all(aliases.values())


@pytest.mark.parametrize("plain", [False, True], ids=["typed", "plain"])
def test_controls_show_word_placeholder(plain: bool, tagged_template: bytes) -> None:
    data = build_template(tagged=True, plain=True) if plain else tagged_template
    for sdt in _controls(data):
        pr = sdt.find(qn("w:sdtPr"))
        assert pr.find(qn("w:showingPlcHdr")) is not None
        assert pr.find(f"{qn('w:placeholder')}/{qn('w:docPart')}") is not None
        # typed: the run inside the control in the cell's paragraph; plain: in its paragraph
        path = f"{qn('w:sdtContent')}/{qn('w:p')}/{qn('w:r')}" if plain else \
            f"{qn('w:sdtContent')}/{qn('w:r')}"
        runs = sdt.findall(path)
        assert len(runs) == 1
        # the style on the run itself, so the placeholder is grey in LibreOffice too
        assert runs[0].find(f"{qn('w:rPr')}/{qn('w:rStyle')}").get(qn("w:val")) == "PlaceholderText"
        assert runs[0].findtext(qn("w:t")) == FORM.placeholder == "Click here to enter text."
        if plain:  # a rich-text control: no type element such as w:text or w:date
            assert pr.find(qn("w:text")) is None and pr.find(qn("w:date")) is None


def test_control_ids_are_unique(tagged_template: bytes) -> None:
    ids = [_prop(s, "w:id") for s in _controls(tagged_template)]
    assert len(ids) == len(set(ids))
    assert all(-(2**31) <= int(i) < 2**31 for i in ids)


def test_untagged_template_has_same_controls_without_tags(untagged_template: bytes,
                                                          tagged_template: bytes) -> None:
    untagged = _controls(untagged_template)
    assert len(untagged) == len(_controls(tagged_template))
    assert all(_prop(s, "w:tag") is None and _prop(s, "w:alias") is None for s in untagged)
    # the same controls, typed the same way, only without their tags and titles
    kinds = [[c.tag for c in s.find(qn("w:sdtPr")) if c.tag not in (qn("w:tag"), qn("w:alias"))]
             for s in _controls(tagged_template)]
    assert [[c.tag for c in s.find(qn("w:sdtPr"))] for s in untagged] == kinds


def test_controls_sit_in_the_answer_cells(tagged_template: bytes) -> None:
    body = _document(tagged_template).find(qn("w:body"))
    tables = body.findall(qn("w:tbl"))
    assert len(tables) == len(FORM.tables)
    for table, model in zip(tables, FORM.tables, strict=True):
        rows = table.findall(qn("w:tr"))
        assert len(rows) == len(model.rows)
        for tr, row in zip(rows, model.rows, strict=True):
            cells = tr.findall(qn("w:tc"))
            assert len(cells) == len(row.cells), row.key
            for tc, cell in zip(cells, row.cells, strict=True):
                tags = [_prop(s, "w:tag") for s in tc.iter(qn("w:sdt"))]
                span = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
                assert (int(span.get(qn("w:val"))) if span is not None else 1) == cell.span
                if getattr(cell, "field", None) and cell.control:
                    assert tags == [cell.field]
                else:
                    assert tags == [], row.key
                    assert tc.find(qn("w:p")) is not None  # Word needs a paragraph in a cell


def test_heading_rows_are_shaded(tagged_template: bytes) -> None:
    first_cell = _document(tagged_template).find(f".//{qn('w:tc')}")
    assert first_cell.find(f"{qn('w:tcPr')}/{qn('w:shd')}").get(qn("w:fill")) == "D9E2F3"


def test_page_is_a4_and_opens_in_python_docx(tagged_template: bytes) -> None:
    document = docx.Document(io.BytesIO(tagged_template))
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert document.core_properties.title == FORM.title
    assert "Council logo" in section.header.paragraphs[0].text


def test_glossary_holds_the_placeholder_building_block(tagged_template: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(tagged_template)) as package:
        glossary = etree.fromstring(package.read("word/glossary/document.xml"))
        types = package.read("[Content_Types].xml").decode()
    name = glossary.find(f".//{qn('w:docPartPr')}/{qn('w:name')}").get(qn("w:val"))
    docparts = {s.find(f".//{qn('w:docPart')}").get(qn("w:val"))
                for s in _controls(tagged_template)}
    assert docparts == {name}
    assert "".join(glossary.itertext()) == "Click here to enter text."
    assert "document.glossary+xml" in types


def test_council_name_in_parents_script() -> None:
    text = "".join(_document(build_template(council="Bracknell Forest")).itertext())
    assert "Bracknell Forest Children\u2019s Services department" in text
    assert "Wokingham" not in text
    variable = "".join(_document(build_template(council=None)).itertext())
    assert variable.count('{{ council_name | default("Wokingham") }}') == 2


def test_building_twice_gives_the_same_bytes(tagged_template: bytes) -> None:
    assert build_template(tagged=True) == tagged_template


@pytest.mark.parametrize("tagged", [True, False], ids=["tagged", "untagged"])
def test_bundled_templates_are_what_the_builder_makes(tagged: bool) -> None:
    # the untagged one stands for the council's own copies: their all-plain look
    built = build_template(tagged=tagged, council=None, plain=not tagged)
    assert BUNDLED[tagged].read_bytes() == built, (
        f"rebuild with: caseaudit template {'' if tagged else '--untagged --plain '}"
        f"--council-variable --force -o {BUNDLED[tagged].relative_to(ROOT)}"
    )


def test_write_template_refuses_to_overwrite(tmp_path) -> None:
    target = tmp_path / "blank.docx"
    target.write_bytes(b"keep me")
    with pytest.raises(OutputError, match="already exists"):
        write_template(target)
    assert target.read_bytes() == b"keep me"
    write_template(target, force=True)
    assert target.read_bytes()[:2] == b"PK"


def test_write_template_wants_docx_extension(tmp_path) -> None:
    with pytest.raises(OutputError, match=r"\.docx"):
        write_template(tmp_path / "blank.doc")


# -- typed controls (any form's control_type) ----------------------------------------------------


def _read_control(sdt: etree._Element):  # type: ignore[no-untyped-def]
    """The reader's view of one inline control, put in a one-cell table as the builder does."""
    from caseaudit_docx.oxml import build
    from caseaudit_docx.oxml.ns import NSMAP
    from caseaudit_docx.oxml.text import document_view

    root = etree.Element(qn("w:document"), nsmap={"w": NSMAP["w"], "w14": NSMAP["w14"]})
    tc = etree.SubElement(etree.SubElement(etree.SubElement(
        etree.SubElement(root, qn("w:body")), qn("w:tbl")), qn("w:tr")), qn("w:tc"))
    build.put_in_cell_paragraph(tc, sdt)
    (control,) = document_view(root).tables[0].rows[0].cells[0].controls
    return control


@pytest.mark.parametrize("control_type", ["text", "date", "dropDownList", "comboBox"])
def test_typed_controls_show_the_placeholder(control_type: str) -> None:
    from caseaudit_docx.oxml import build

    sdt = build.typed_control(key="f", control_type=control_type, placeholder="Type here.",
                              tag="f", alias="F", items=("1", "2"))
    assert sdt.find(f"{qn('w:sdtPr')}/{qn('w:showingPlcHdr')}") is not None
    run = sdt.find(f"{qn('w:sdtContent')}/{qn('w:r')}")
    assert run.find(f"{qn('w:rPr')}/{qn('w:rStyle')}").get(qn("w:val")) == "PlaceholderText"
    control = _read_control(sdt)
    assert (control.kind, control.tag, control.alias) == (control_type, "f", "F")
    assert control.placeholder and control.text == "" and control.date is None


def test_a_date_picker_writes_its_date_only_when_filled() -> None:
    from caseaudit_docx.oxml import build

    blank = build.typed_control(key="d", control_type="date", placeholder="x")
    date = blank.find(f"{qn('w:sdtPr')}/{qn('w:date')}")
    assert date.get(qn("w:fullDate")) is None
    assert date.find(qn("w:dateFormat")).get(qn("w:val")) == "dd/MM/yyyy"
    assert date.find(qn("w:lid")).get(qn("w:val")) == "en-GB"
    long = build.typed_control(key="d", control_type="date", placeholder="x",
                               full_date="2024-03-02", date_format="d MMMM yyyy")
    assert (_read_control(long).date, _read_control(long).text) == ("2024-03-02", "2 March 2024")
    filled = build.typed_control(key="d", control_type="date", placeholder="x",
                                 full_date="2024-03-02", date_format="d/M/yy")
    control = _read_control(filled)
    assert (control.date, control.text, control.placeholder) == ("2024-03-02", "2/3/24", False)


@pytest.mark.parametrize("checked, glyph", [(False, "\u2610"), (True, "\u2612")])
def test_a_check_box_is_words_w14_check_box(checked: bool, glyph: str) -> None:
    from caseaudit_docx.oxml import build
    from caseaudit_docx.oxml.ns import NSMAP

    sdt = build.typed_control(key="c", control_type="checkbox", placeholder="x", checked=checked)
    w14 = NSMAP["w14"]
    box = sdt.find(f"{qn('w:sdtPr')}/{{{w14}}}checkbox")
    assert box.find(f"{{{w14}}}checked").get(f"{{{w14}}}val") == ("1" if checked else "0")
    assert box.find(f"{{{w14}}}checkedState").get(f"{{{w14}}}font") == "MS Gothic"
    assert sdt.find(f"{qn('w:sdtPr')}/{qn('w:showingPlcHdr')}") is None
    control = _read_control(sdt)
    assert (control.kind, control.checked, control.text) == ("checkbox", checked, glyph)


def test_list_controls_list_the_kinds_values() -> None:
    from caseaudit_docx.oxml import build

    sdt = build.typed_control(key="l", control_type="dropDownList", placeholder="x",
                              items=("Yes", "Partly", "No"))
    items = sdt.findall(f"{qn('w:sdtPr')}/{qn('w:dropDownList')}/{qn('w:listItem')}")
    assert [(i.get(qn("w:displayText")), i.get(qn("w:value"))) for i in items] == [
        ("Yes", "Yes"), ("Partly", "Partly"), ("No", "No")]
    with pytest.raises(ValueError):
        build.typed_control(key="r", control_type="picture", placeholder="x")


def test_the_plain_template_is_all_rich_text() -> None:
    assert {f.control_type for f in FORM.fields} == {"richText"}
    plain = _controls(BUNDLED[False].read_bytes())
    assert len(plain) == sum(f.control for f in FORM.fields)
    assert all(_prop(s, "w:dropDownList") is None and _prop(s, "w:date") is None
               and s.getparent().tag == qn("w:tc") for s in plain)  # block level, in the cell
