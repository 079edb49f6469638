"""The XSLT stream behind the document reader: the characters it reserves, the escaped path for
documents that hold them, layouts Word does not write, and the shortcuts taken for speed."""

from __future__ import annotations

import pytest
from lxml import etree

from caseaudit_docx.oxml import frames, stream
from caseaudit_docx.oxml.package import read_package_bytes
from caseaudit_docx.oxml.parser import parse_part
from caseaudit_docx.oxml.text import document_view, glossary_placeholders, read_document
from caseaudit_docx.oxml.view import CellView, ControlView, RowView

from .oxmlbuild import (
    TBL_PR,
    build_docx,
    cell,
    document_xml,
    glossary_xml,
    p,
    r,
    sdt,
    view,
)

RESERVED = "\ue000\ue001\ue002\ue00a\ue01f"  # the marker lead, FS, ESC and others of the range


def table(*cells: str) -> str:
    return f"<w:tbl>{TBL_PR}<w:tr>{''.join(f'<w:tc>{c}</w:tc>' for c in cells)}</w:tr></w:tbl>"


# -- documents holding the reserved characters themselves -----------------------------------------


def test_reserved_characters_in_text_read_back_exactly():
    body = p(r(f"a{RESERVED}b")) + table(p(r(f"x{RESERVED}")), sdt(p(r(RESERVED)), tag="t"))
    document = view(body)
    assert document.paragraphs[0].text == f"a{RESERVED}b"
    cells = document.tables[0].rows[0].cells
    assert cells[0].text == f"x{RESERVED}".strip()
    assert (cells[1].text, cells[1].controls[0].text) == (RESERVED, RESERVED)


def test_reserved_characters_in_properties_and_symbols_read_back_exactly():
    tag = "t\ue000p\ue001q"
    pr = f'<w:placeholder><w:docPart w:val="G{RESERVED}"/></w:placeholder>'
    inline = sdt(r("shown"), tag=tag, alias=RESERVED, pr=pr)
    symbol = '<w:r><w:sym w:font="Arial" w:char="E001"/></w:r>'
    document = view(p(inline, symbol), glossary={f"G{RESERVED}": "other"})
    paragraph = document.paragraphs[0]
    assert paragraph.text == "shown\ue001"
    control = paragraph.controls[0]
    assert (control.tag, control.alias, control.placeholder) == (tag, RESERVED, False)
    assert view(p(inline), glossary={f"G{RESERVED}": "shown"}).paragraphs[0].controls[0].placeholder


def test_reserved_characters_written_as_character_references_are_found():
    data = build_docx(p(r("a&#xE005;b")) + table(p(r("&#57345;"))))
    document = read_document(read_package_bytes(data))
    assert document.paragraphs[0].text == "a\ue005b"
    assert document.tables[0].rows[0].cells[0].text == "\ue001"


def test_glossary_entries_with_reserved_characters():
    root = parse_part(glossary_xml({f"N{RESERVED}": f"Type {RESERVED} here"}), "glossary")
    assert glossary_placeholders(root) == {f"N{RESERVED}": f"Type {RESERVED} here"}


def test_escaping_copies_the_tree_and_leaves_the_original_alone():
    data = document_xml(p(r(f"a{RESERVED}")) + "<!-- a comment \ue000 -->")
    root = parse_part(data, "word/document.xml")
    before = etree.tostring(root)
    assert document_view(root).paragraphs[0].text == f"a{RESERVED}"
    assert etree.tostring(root) == before


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'<?xml version="1.0" encoding="UTF-8"?><a>plain # text</a>', False),
        ("<a>\ue000</a>".encode(), True),
        (b"<a>&#xE01F;</a>", True),
        (b"<a>&#x0000e000;</a>", True),
        (b"<a>&#57344;</a>", True),
        (b"<a>&#57;</a>", False),
        ('<?xml version="1.0" encoding="UTF-16"?><a/>'.encode("utf-16"), True),
        ("<a/>".encode("utf-16-le"), True),
        (b'<?xml version="1.0" encoding="ISO-8859-1"?><a>\xee</a>', True),
        (b"\xef\xbb\xbf<?xml version='1.0' encoding='utf-8'?><a/>", False),
    ],
)
def test_may_hold_reserved(data, expected):
    assert stream.may_hold_reserved(data) is expected


# -- layouts Word does not write, read like Word's own -----------------------------------------


def test_pretty_printed_xml_reads_like_compact_xml():
    body = (
        p(r("Intro"), '<w:r><w:tab/></w:r>', r("x"))
        + table(p(r("Label")), sdt(p(r("Value")), tag="v"), p(r("a"), sdt(r("b"), tag="i")))
    )
    compact = parse_part(document_xml(body), "word/document.xml")
    pretty = etree.fromstring(document_xml(body))
    etree.indent(pretty, space="  ")
    assert document_view(pretty) == document_view(compact)


def test_cell_properties_count_only_as_the_first_child():
    late = '<w:tcPr><w:gridSpan w:val="2"/><w:cellDel w:id="1" w:author="A"/></w:tcPr>'
    assert cell(p(r("x")) + late).span == 1
    assert cell(p(r("x")), tc_pr='<w:tcPr><w:gridSpan w:val="3"/></w:tcPr>').span == 3


def test_a_cell_of_one_inline_control_between_texts():
    c = cell(p(r("From "), sdt(r("1 May"), tag="from"), r(" on")) + p(r("next")))
    assert c.text == "From 1 May on\nnext"
    assert [(x.tag, x.text) for x in c.controls] == [("from", "1 May")]


def test_whole_cells_inside_a_cell_level_control():
    row = "<w:tr>" + sdt(f"<w:tc>{p(r('Value'))}</w:tc><w:tc>{p(sdt(r('In'), tag='in'))}</w:tc>",
                         tag="around") + "</w:tr>"
    cells = view(f"<w:tbl>{TBL_PR}{row}</w:tbl>").tables[0].rows[0].cells
    assert [c.text for c in cells] == ["Value", "In"]
    assert [[x.tag for x in c.controls] for c in cells] == [["around"], ["around", "in"]]


# -- shortcuts taken for speed ------------------------------------------------------------------


def test_views_built_without_their_init_equal_those_built_with_it():
    assert frames.plain_dataclasses()
    control = frames.control_view("a", "t", None, "date", False, "2024-01-01", None)
    assert control == ControlView("a", "t", None, "date", False, "2024-01-01", None)
    assert hash(control) == hash(ControlView("a", "t", None, "date", False, "2024-01-01", None))
    built = frames.cell_view("x", (control,), 2)
    assert built == CellView("x", (control,), 2) and built.tags == ("t",)
    assert frames.row_view((built,)) == RowView((built,))
    with pytest.raises(AttributeError):
        built.text = "changed"  # type: ignore[misc]


def test_packages_sharing_small_parts_stay_independent():
    first = read_package_bytes(build_docx(p(r("one")), glossary={"G": "Type"}))
    second = read_package_bytes(build_docx(p(r("two")), glossary={"G": "Type"}))
    assert read_document(first).paragraphs[0].text == "one"
    assert read_document(second).paragraphs[0].text == "two"
    assert dict(first.glossary) == dict(second.glossary) == {"G": "Type"}
    assert first.glossary is not second.glossary


def test_stylesheets_read_nothing_but_their_input():
    for source in (stream._TEMPLATES, stream._DOCUMENT_ROOT, stream._GLOSSARY_ROOT):
        for needle in ("document(", "xsl:import", "xsl:include", "extension-element-prefixes"):
            assert needle not in source
