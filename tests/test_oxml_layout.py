"""The blank-layout reader: styles, grid widths, spans, shading, bold, and controls as data."""

from __future__ import annotations

from caseaudit_docx.oxml.layout import (
    ListItem,
    ParagraphLayout,
    TableLayout,
    layout_of,
    read_layout,
)
from caseaudit_docx.oxml.package import read_package_bytes
from caseaudit_docx.oxml.parser import parse_part
from tests.oxmlbuild import build_docx, document_xml


def layout(body: str):
    return layout_of(parse_part(document_xml(body), "word/document.xml"))


def tc(content: str, pr: str = "") -> str:
    return f"<w:tc><w:tcPr>{pr}</w:tcPr>{content}</w:tc>"


def para(text: str, *, bold: bool = False, style: str | None = None) -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f"<w:p>{ppr}<w:r>{rpr}<w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"


def table(*rows: str, widths: tuple[int, ...] = (5103, 2835)) -> str:
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return f"<w:tbl><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"


def sdt(pr: str, content: str) -> str:
    return f"<w:sdt><w:sdtPr>{pr}</w:sdtPr><w:sdtContent>{content}</w:sdtContent></w:sdt>"


PLACEHOLDER = para("Click here to enter text.")


def test_paragraph_styles_map_to_title_heading_body() -> None:
    found = layout(para("Form", style="Title") + para("Part 1", style="Heading1") + para("x"))
    assert [(b.text, b.style) for b in found.blocks if isinstance(b, ParagraphLayout)] == [
        ("Form", "title"), ("Part 1", "heading"), ("x", "body")]


def test_grid_widths_in_cm_span_shading_and_bold() -> None:
    body = table(
        "<w:tr>" + tc(para("Heading", bold=True), '<w:gridSpan w:val="2"/>'
                      '<w:shd w:val="clear" w:color="auto" w:fill="d9e2f3"/>') + "</w:tr>",
        "<w:tr>" + tc(para("Q1. Asked?")) + tc(para("")) + "</w:tr>",
    )
    found = layout(body).blocks[0]
    assert isinstance(found, TableLayout)
    assert found.widths_cm == (9.0, 5.0)
    heading, row = found.rows
    assert (heading.cells[0].span, heading.cells[0].fill, heading.cells[0].bold) == (
        2, "D9E2F3", True)
    assert row.cells[0].lines == ("Q1. Asked?",) and not row.cells[0].bold
    assert row.cells[1].fill is None and row.cells[1].text == ""


def test_block_control_in_a_cell_shows_its_placeholder_and_is_not_printed_text() -> None:
    control = sdt('<w:alias w:val="Q1 notes"/><w:tag w:val="q1.notes"/><w:showingPlcHdr/>',
                  PLACEHOLDER)
    cell = layout(table("<w:tr>" + tc(para("Q1")) + tc(control) + "</w:tr>")).tables[0] \
        .rows[0].cells[1]
    assert cell.lines == ("",)
    (found,) = cell.controls
    assert (found.type, found.tag, found.alias) == ("richText", "q1.notes", "Q1 notes")
    assert found.showing_placeholder and found.placeholder == "Click here to enter text."


def test_typed_controls_date_format_list_items_and_check_box() -> None:
    date = sdt('<w:showingPlcHdr/><w:date><w:dateFormat w:val="dd/MM/yyyy"/></w:date>',
               "<w:r><w:t>Enter a date.</w:t></w:r>")
    listing = sdt('<w:dropDownList><w:listItem w:displayText="Closed" w:value="C"/>'
                  '<w:listItem w:displayText="Open" w:value="O"/></w:dropDownList>',
                  "<w:r><w:t>Closed</w:t></w:r>")
    box = sdt('<w14:checkbox><w14:checked w14:val="1"/></w14:checkbox>',
              "<w:r><w:t>\u2612</w:t></w:r>")
    row = "<w:tr>" + "".join(tc(f"<w:p>{c}</w:p>") for c in (date, listing)) + "</w:tr>"
    row2 = "<w:tr>" + tc(f"<w:p>{box}</w:p>") + tc(para("")) + "</w:tr>"
    rows = layout(table(row, row2)).tables[0].rows
    (d,), (lst,) = rows[0].cells[0].controls, rows[0].cells[1].controls
    assert (d.type, d.date_format, d.placeholder) == ("date", "dd/MM/yyyy", "Enter a date.")
    assert lst.type == "dropDownList" and lst.text == "Closed"
    assert lst.items == (ListItem("Closed", "C"), ListItem("Open", "O"))
    (b,) = rows[1].cells[0].controls
    assert (b.type, b.checked) == ("checkbox", True)


def test_cell_and_row_level_controls_are_unwrapped() -> None:
    cell_level = sdt('<w:tag w:val="cell"/>', tc(para("inside")))
    row_level = sdt('<w:tag w:val="row"/>', "<w:tr>" + tc(para("a")) + tc(para("b")) + "</w:tr>")
    found = layout(table("<w:tr>" + tc(para("Label")) + cell_level + "</w:tr>", row_level))
    first, second = found.tables[0].rows
    assert [c.tag for c in first.cells[1].controls] == ["cell"]
    assert [c.text for c in second.cells] == ["a", "b"]


def test_deleted_text_and_field_instructions_are_not_read() -> None:
    body = ('<w:p><w:r><w:t>Kept</w:t></w:r><w:del w:id="1" w:author="x"><w:r>'
            '<w:delText>gone</w:delText></w:r></w:del><w:r><w:instrText>PAGE</w:instrText>'
            '</w:r></w:p>')
    assert layout(body).blocks[0].text == "Kept"  # type: ignore[union-attr]


def test_read_layout_takes_the_title_from_the_package() -> None:
    pkg = read_package_bytes(build_docx(para("x")), "x.docx")
    assert read_layout(pkg).blocks == (ParagraphLayout("x", "body", None, ()),)


def test_widths_with_units_and_tab_stops_are_read_as_a_reader_sees_them() -> None:
    tabs = ('<w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/><w:tab w:val="left" w:pos="1440"/>'
            '</w:tabs></w:pPr>')
    cell = tc(f'<w:p>{tabs}<w:r><w:t>Case</w:t><w:tab/><w:t>Number</w:t></w:r></w:p>')
    body = (f'<w:tbl><w:tblGrid><w:gridCol w:w="2.5cm"/><w:gridCol w:w="wide"/></w:tblGrid>'
            f"<w:tr>{cell}{tc(para(''))}</w:tr></w:tbl>")
    found = layout(body).blocks[0]
    assert isinstance(found, TableLayout)
    assert found.widths_cm == (2.5, 0.0)  # a measure with its unit; an unreadable one is 0
    assert found.rows[0].cells[0].text == "Case\tNumber"  # the run's tab, not the tab stops
