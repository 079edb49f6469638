"""Filling header controls in document.xml: every control shape, escaping, and nothing else
touched. Documents are built inline; the last tests use the real templates."""

from __future__ import annotations

import zipfile
from functools import partial

import pytest
from lxml import etree

from caseaudit_docx.errors import InputError
from caseaudit_docx.model.description import bundled_form
from caseaudit_docx.model.matching import header_fields, match_header_labels
from caseaudit_docx.oxml.fill import clean_text, prepare_document

from .conftest import ROOT
from .oxmlbuild import W, document_xml

FORM = bundled_form()
NS = {"w": W}
MATCH = partial(match_header_labels, form=FORM)
HEADER_IDS = [f.id for f in header_fields(FORM)]
PLACEHOLDER_RUN = ('<w:r><w:rPr><w:rStyle w:val="PlaceholderText"/></w:rPr>'
                   "<w:t>Click here to enter text.</w:t></w:r>")


def sdt_pr(tag: str | None = None, extra: str = "") -> str:
    tag_xml = f'<w:tag w:val="{tag}"/>' if tag else ""
    return (f'<w:sdtPr>{tag_xml}<w:id w:val="1"/><w:placeholder><w:docPart '
            f'w:val="DefaultPlaceholder_22675703"/></w:placeholder><w:showingPlcHdr/>{extra}'
            "</w:sdtPr>")


def block_sdt(tag: str | None = None, extra: str = "") -> str:
    return (f"<w:sdt>{sdt_pr(tag, extra)}<w:sdtContent><w:p><w:pPr><w:jc w:val=\"left\"/>"
            f"</w:pPr>{PLACEHOLDER_RUN}</w:p></w:sdtContent></w:sdt>")


def cell(content: str, span: int = 1) -> str:
    grid = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    return f"<w:tc><w:tcPr>{grid}</w:tcPr>{content}</w:tc>"


def label(text: str) -> str:
    return cell(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")


def table(*rows: str) -> str:
    return "<w:tbl>" + "".join(f"<w:tr>{r}</w:tr>" for r in rows) + "</w:tbl>"


def fill(body: str, values: dict[str, str], fields: list[str] | None = None,
         dates: dict[str, str] | None = None) -> tuple[etree._Element, dict[str, str]]:
    prepared = prepare_document(document_xml(body), fields=fields or list(values),
                                match_labels=MATCH)
    return etree.fromstring(prepared.render(values, dates)), dict(prepared.located)


def control(root: etree._Element, tag: str) -> etree._Element:
    return root.xpath(f"//w:sdt[w:sdtPr/w:tag/@w:val='{tag}']", namespaces=NS)[0]


def text_of(el: etree._Element) -> str:
    out = []
    for node in el.iter(f"{{{W}}}t", f"{{{W}}}br", f"{{{W}}}tab"):
        out.append({"t": node.text or "", "br": "\n", "tab": "\t"}[etree.QName(node).localname])
    return "".join(out)


def test_tagged_block_control_is_filled_as_word_leaves_it() -> None:
    root, located = fill(table(cell(block_sdt("case_number"))), {"case_number": "CA-1"})
    sdt = control(root, "case_number")
    assert located == {"case_number": "tag"}
    assert sdt.find("w:sdtPr/w:showingPlcHdr", NS) is None
    assert not sdt.xpath(".//w:rStyle[@w:val='PlaceholderText']", namespaces=NS)
    paragraph = sdt.find("w:sdtContent/w:p", NS)
    assert paragraph.find("w:pPr/w:jc", NS) is not None  # paragraph properties kept
    assert [r.findtext("w:t", namespaces=NS) for r in paragraph.findall("w:r", NS)] == ["CA-1"]


def test_control_run_properties_are_applied_and_placeholder_style_dropped() -> None:
    rpr = ('<w:rPr><w:rStyle w:val="PlaceholderText"/><w:rFonts w:ascii="Arial"/>'
           '<w:b/></w:rPr>')
    body = table(cell(block_sdt("team", extra=rpr)))
    root, _ = fill(body, {"team": "North"})
    run = control(root, "team").find("w:sdtContent/w:p/w:r", NS)
    assert [etree.QName(c).localname for c in run.find("w:rPr", NS)] == ["rFonts", "b"]
    # a PlaceholderText style is the placeholder's wherever it sits in a filled control
    assert not control(root, "team").xpath(".//w:rStyle", namespaces=NS)


def test_inline_control_in_a_paragraph() -> None:
    body = (f"<w:p><w:r><w:t>Case: </w:t></w:r><w:sdt>{sdt_pr('case_number')}<w:sdtContent>"
            f"{PLACEHOLDER_RUN}</w:sdtContent></w:sdt><w:r><w:t> end</w:t></w:r></w:p>")
    root, _ = fill(body, {"case_number": "A & B"})
    paragraph = root.find(".//w:p", NS)
    assert text_of(paragraph) == "Case: A & B end"
    content = control(root, "case_number").find("w:sdtContent", NS)
    assert [etree.QName(c).localname for c in content] == ["r"]


def test_cell_level_control() -> None:
    body = table(f"<w:sdt>{sdt_pr('child_name')}<w:sdtContent>"
                 f"{cell('<w:p>' + PLACEHOLDER_RUN + '</w:p>')}</w:sdtContent></w:sdt>")
    root, _ = fill(body, {"child_name": "Amy"})
    tc = control(root, "child_name").find("w:sdtContent/w:tc", NS)
    assert tc.find("w:tcPr", NS) is not None
    assert text_of(tc) == "Amy"


def test_escaping_line_breaks_tabs_unicode_and_control_characters() -> None:
    value = "R&D <x> 'q' \"d\"\r\nline 2\vline 3\tafter tab \x00\x0b\x1f\ufffe😀 עברית 中文"
    root, _ = fill(table(cell(block_sdt("practitioners"))), {"practitioners": value})
    assert text_of(control(root, "practitioners")) == (
        "R&D <x> 'q' \"d\"\nline 2\nline 3\tafter tab \n😀 עברית 中文")
    assert clean_text("a\x00b\x08c\ud800d\uffffe") == "abcde"


def test_blank_values_keep_the_placeholder_exactly() -> None:
    body = table(cell(block_sdt("case_number")) + cell(block_sdt("team")))
    xml = document_xml(body)
    prepared = prepare_document(xml, fields=["case_number", "team"], match_labels=MATCH)
    untouched = prepared.render({})
    assert etree.tostring(etree.fromstring(untouched), method="c14n") == etree.tostring(
        etree.fromstring(xml), method="c14n")
    root = etree.fromstring(prepared.render({"case_number": "1", "team": "  \n "}))
    assert control(root, "team").find("w:sdtPr/w:showingPlcHdr", NS) is not None
    assert text_of(control(root, "team")) == "Click here to enter text."


def test_other_controls_are_untouched() -> None:
    body = table(cell(block_sdt("case_number")) + cell(block_sdt("q1.score")))
    root, _ = fill(body, {"case_number": "1"}, fields=HEADER_IDS)
    blank = etree.fromstring(document_xml(body))
    assert etree.tostring(control(root, "q1.score"), method="c14n") == etree.tostring(
        control(blank, "q1.score"), method="c14n")


def test_duplicated_tags_are_all_filled() -> None:
    body = table(cell(block_sdt("case_number")), cell(block_sdt("case_number")))
    root, _ = fill(body, {"case_number": "7"})
    assert [text_of(s) for s in root.iterfind(".//w:sdt", NS)] == ["7", "7"]


def test_layout_finds_controls_under_their_labels_in_any_order() -> None:
    body = table(label("Team") + label("Case Number") + label("Child Name"),
                 cell(block_sdt()) + cell(block_sdt()) + cell("<w:p/>"))
    root, located = fill(body, {"case_number": "C-9", "team": "T", "child_name": "Bo"})
    assert located == {"case_number": "layout", "team": "layout", "child_name": "layout"}
    row = root.findall(".//w:tr", NS)[1]
    assert [text_of(tc) for tc in row.findall("w:tc", NS)] == ["T", "C-9", "Bo"]  # bare cell too
    assert row.xpath(".//w:showingPlcHdr", namespaces=NS) == []


def test_layout_follows_grid_columns_and_skips_a_blank_row() -> None:
    body = table(label("Notes") + label("Case Number"),
                 cell("<w:p/>") + cell("<w:p/>"),
                 cell(block_sdt(), span=1) + cell(block_sdt()))
    root, _ = fill(body, {"case_number": "X"})
    rows = root.findall(".//w:tr", NS)
    assert [text_of(tc) for tc in rows[2].findall("w:tc", NS)] == ["Click here to enter text.", "X"]


def test_a_label_over_two_columns_has_its_value_under_its_first_column() -> None:
    body = table(cell("<w:p><w:r><w:t>Case Number</w:t></w:r></w:p>", span=2) + label("Team"),
                 cell(block_sdt()) + cell(block_sdt()) + cell(block_sdt()))
    root, located = fill(body, {"case_number": "C-1", "team": "T"})
    assert located == {"case_number": "layout", "team": "layout"}
    row = root.findall(".//w:tr", NS)[1]
    assert [text_of(tc) for tc in row.findall("w:tc", NS)] == [
        "C-1", "Click here to enter text.", "T"]


def test_layout_finds_values_beside_their_labels_and_never_fills_a_label() -> None:
    """"Case Number" | value | "Team" | value over "Child Name" | value: the cell under a label
    prints another label, so each value is the one just right of its label."""
    body = table(label("Case Number") + cell(block_sdt()) + label("Team") + cell("<w:p/>"),
                 label("Child Name") + cell(block_sdt()) + label("Notes") + cell(block_sdt()))
    root, located = fill(body, {"case_number": "C-1", "team": "T", "child_name": "Bo"})
    assert located == {"case_number": "layout", "team": "layout", "child_name": "layout"}
    first, second = ([text_of(tc) for tc in tr.findall("w:tc", NS)]
                     for tr in root.findall(".//w:tr", NS))
    assert first == ["Case Number", "C-1", "Team", "T"]  # the bare cell beside "Team" too
    assert second == ["Child Name", "Bo", "Notes", "Click here to enter text."]


def test_a_value_cell_under_two_labels_is_the_first_labels() -> None:
    body = table(label("Case Number") + label("Team"), cell(block_sdt(), span=2))
    _, located = fill(body, {"case_number": "C-1", "team": "T"})
    assert located == {"case_number": "layout"}


@pytest.mark.parametrize("damaged", ['w:val=""', 'w:val="two"', ""])
def test_a_damaged_grid_span_counts_as_one_column(damaged: str) -> None:
    """A template edited by many hands: an unreadable gridSpan must not stop generation."""
    odd = f"<w:tc><w:tcPr><w:gridSpan {damaged}/></w:tcPr><w:p/></w:tc>"
    body = table(odd + label("Case Number"), cell("<w:p/>") + cell(block_sdt()))
    root, located = fill(body, {"case_number": "X"})
    assert located == {"case_number": "layout"}
    assert text_of(root.findall(".//w:tr", NS)[1].findall("w:tc", NS)[1]) == "X"


def test_date_picker_gets_its_stored_date_or_none() -> None:
    date = ('<w:date w:fullDate="2019-01-01T00:00:00Z"><w:dateFormat w:val="dd/MM/yyyy"/>'
            '<w:lid w:val="en-GB"/></w:date>')
    body = table(cell(block_sdt("audit_start_date", extra=date)))
    root, _ = fill(body, {"audit_start_date": "05/03/2024"},
                   dates={"audit_start_date": "2024-03-05"})
    stored = control(root, "audit_start_date").find("w:sdtPr/w:date", NS)
    assert stored.get(f"{{{W}}}fullDate") == "2024-03-05T00:00:00Z"
    root, _ = fill(body, {"audit_start_date": "TBC"})
    stored = control(root, "audit_start_date").find("w:sdtPr/w:date", NS)
    assert stored.get(f"{{{W}}}fullDate") is None
    assert stored.find("w:dateFormat", NS) is not None


def test_a_prefilled_list_shows_its_item_as_chosen() -> None:
    # a council's list whose items show other text than their values
    items = ('<w:dropDownList><w:listItem w:displayText="Child in need" w:value="CIN"/>'
             '<w:listItem w:displayText="Child protection" w:value="CP"/></w:dropDownList>')
    body = (f"<w:p><w:sdt>{sdt_pr('category', extra=items)}<w:sdtContent>{PLACEHOLDER_RUN}"
            "</w:sdtContent></w:sdt></w:p>")
    root, _ = fill(body, {"category": "CP"})
    sdt = control(root, "category")
    assert sdt.find("w:sdtPr/w:showingPlcHdr", NS) is None
    assert not sdt.xpath(".//w:rStyle", namespaces=NS)
    assert text_of(sdt.find("w:sdtContent", NS)) == "Child protection"
    root, _ = fill(body, {"category": "Child in need"})  # already the shown text
    assert text_of(control(root, "category").find("w:sdtContent", NS)) == "Child in need"


def test_data_binding_is_removed_so_word_keeps_the_value() -> None:
    binding = '<w:dataBinding w:xpath="/root/case" w:storeItemID="{0}"/>'
    root, _ = fill(table(cell(block_sdt("case_number", extra=binding))), {"case_number": "1"})
    assert control(root, "case_number").find("w:sdtPr/w:dataBinding", NS) is None


def test_a_check_box_cannot_take_a_value() -> None:
    box = '<w14:checkbox><w14:checked w14:val="0"/></w14:checkbox>'
    with pytest.raises(InputError, match="the control for team is a check box control"):
        fill(table(cell(block_sdt("team", extra=box))), {"team": "T"})


def test_bookmarks_in_a_control_survive() -> None:
    body = table(cell(f"<w:sdt>{sdt_pr('team')}<w:sdtContent><w:p>"
                      '<w:bookmarkStart w:id="0" w:name="Team"/>'
                      f'{PLACEHOLDER_RUN}<w:bookmarkEnd w:id="0"/></w:p></w:sdtContent></w:sdt>'))
    root, _ = fill(body, {"team": "T"})
    paragraph = control(root, "team").find("w:sdtContent/w:p", NS)
    assert [etree.QName(c).localname for c in paragraph] == ["bookmarkStart", "bookmarkEnd", "r"]


def test_fields_found_nowhere_are_left_out() -> None:
    _, located = fill(table(label("Case Number"), cell(block_sdt())),
                      {"case_number": "1", "team": "T"})
    assert located == {"case_number": "layout"}


@pytest.mark.parametrize("name, how", [("case-audit-3.2.docx", "tag"),
                                       ("case-audit-3.2-untagged.docx", "layout")])
def test_real_templates_locate_every_header_field(name: str, how: str) -> None:
    xml = zipfile.ZipFile(ROOT / "caseaudit_docx" / "templates" / name).read("word/document.xml")
    prepared = prepare_document(xml, fields=HEADER_IDS, match_labels=MATCH)
    assert prepared.located == {fid: how for fid in HEADER_IDS}
    values = {fid: f"value of {fid}" for fid in HEADER_IDS}
    root = etree.fromstring(prepared.render(values))
    blank = etree.fromstring(xml)
    filled = [s for s in root.iter(f"{{{W}}}sdt") if text_of(s).startswith("value of")]
    assert [text_of(s) for s in filled] == [values[f] for f in HEADER_IDS]
    # every other control is byte-for-byte as in the blank template
    others = [etree.tostring(s, method="c14n") for s in root.iter(f"{{{W}}}sdt") if s not in filled]
    assert others == [etree.tostring(s, method="c14n") for s in blank.iter(f"{{{W}}}sdt")][9:]
