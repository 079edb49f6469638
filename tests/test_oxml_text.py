"""Reading document.xml as a reader of the page sees it: controls, placeholders, tracked
changes, fields and special run content, built inline the way Word writes them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseaudit_docx.model.description import bundled_form
from caseaudit_docx.oxml.package import read_package_bytes
from caseaudit_docx.oxml.text import (
    DEFAULT_PLACEHOLDER_TEXTS,
    glossary_placeholders,
    read_document,
)
from caseaudit_docx.oxml.view import ControlView, ParagraphView, TableView

from .oxmlbuild import TBL_PR, build_docx, cell, p, r, sdt, view

FORM = bundled_form()

PLACEHOLDER_RUN = (
    '<w:r w:rsidRPr="00F1"><w:rPr><w:rStyle w:val="PlaceholderText"/></w:rPr>'
    "<w:t>{}</w:t></w:r>"
)
FLAG = "<w:showingPlcHdr/>"
DEFAULT_PART = '<w:placeholder><w:docPart w:val="DefaultPlaceholder_-1854013440"/></w:placeholder>'


def placeholder(text: str = "Click or tap here to enter text.") -> str:
    return PLACEHOLDER_RUN.format(text)


def para(text: str) -> str:
    return view(p(text)).paragraphs[0].text


# -- runs as Word splits them ------------------------------------------------------------------


def test_runs_split_by_rsid_proof_errors_and_bookmarks_join_up():
    body = (
        '<w:p w:rsidR="00A1" w:rsidRDefault="00B2" w:rsidP="00C3">'
        '<w:pPr><w:pStyle w:val="Normal"/><w:rPr><w:b/></w:rPr></w:pPr>'
        '<w:r w:rsidRPr="00D4"><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">Child </w:t></w:r>'
        '<w:proofErr w:type="spellStart"/><w:r w:rsidR="00E5"><w:t>Smyth</w:t></w:r>'
        '<w:proofErr w:type="spellEnd"/><w:bookmarkStart w:id="0" w:name="_GoBack"/>'
        '<w:commentRangeStart w:id="1"/><w:permStart w:id="2" w:edGrp="everyone"/>'
        '<w:r><w:t xml:space="preserve"> aged </w:t></w:r><w:r><w:t>7</w:t></w:r>'
        '<w:permEnd w:id="2"/><w:commentRangeEnd w:id="1"/>'
        '<w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr><w:commentReference w:id="1"/>'
        '</w:r><w:bookmarkEnd w:id="0"/></w:p>'
    )
    assert view(body).paragraphs[0].text == "Child Smyth aged 7"


def test_preserved_spaces_and_no_break_spaces_are_kept_inside():
    assert para(r("a  b") + r("\u00a0c")) == "a  b\u00a0c"


@pytest.mark.parametrize(
    ("inline", "expected"),
    [
        ("<w:r><w:t>a</w:t><w:tab/><w:t>b</w:t></w:r>", "a\tb"),
        ('<w:r><w:t>a</w:t><w:ptab w:relativeTo="margin" w:alignment="right" '
         'w:leader="none"/><w:t>b</w:t></w:r>', "a\tb"),
        ("<w:r><w:t>a</w:t><w:br/><w:t>b</w:t></w:r>", "a\nb"),
        ('<w:r><w:t>a</w:t><w:br w:type="textWrapping"/><w:t>b</w:t></w:r>', "a\nb"),
        ('<w:r><w:t>a</w:t><w:br w:type="page"/><w:t>b</w:t></w:r>', "a\nb"),
        ('<w:r><w:t>a</w:t><w:br w:type="column"/><w:t>b</w:t></w:r>', "a\nb"),
        ("<w:r><w:t>a</w:t><w:cr/><w:t>b</w:t></w:r>", "a\nb"),
        ("<w:r><w:t>co</w:t><w:softHyphen/><w:t>operate</w:t></w:r>", "cooperate"),
        ("<w:r><w:t>re</w:t><w:noBreakHyphen/><w:t>refer</w:t></w:r>", "re-refer"),
        ("<w:r><w:t>a</w:t><w:lastRenderedPageBreak/><w:t>b</w:t></w:r>", "ab"),
        ('<w:r><w:t>a</w:t><w:footnoteReference w:id="2"/><w:t>b</w:t></w:r>', "ab"),
    ],
)
def test_special_run_content(inline, expected):
    assert para(inline) == expected


@pytest.mark.parametrize(
    ("font", "char", "expected"),
    [
        ("Wingdings", "F0FC", "\u2713"),
        ("Wingdings", "F0FB", "\u2717"),
        ("Wingdings", "F0FD", "\u2612"),
        ("Wingdings", "F0FE", "\u2611"),
        ("Wingdings", "F0A8", "\u2610"),
        ("Wingdings", "00FC", "\u2713"),
        ("Wingdings 2", "F050", "\u2713"),
        ("Wingdings 2", "F054", "\u2612"),
        ("Wingdings", "F04A", "\uf04a"),  # a smiley: kept as the private-use character
        ("Symbol", "F0D6", "\u221a"),
        ("Arial", "00E9", "\u00e9"),
        ("Wingdings", "zz", ""),
    ],
)
def test_sym(font, char, expected):
    assert para(f'<w:r><w:t>[</w:t><w:sym w:font="{font}" w:char="{char}"/><w:t>]</w:t></w:r>') \
        == f"[{expected}]"


def test_hyperlink_smart_tag_custom_xml_and_bidi_wrappers_are_read():
    inline = (
        '<w:hyperlink r:id="rId5" w:history="1"><w:r><w:rPr><w:rStyle w:val="Hyperlink"/>'
        "</w:rPr><w:t>link</w:t></w:r></w:hyperlink>"
        '<w:smartTag w:uri="urn:schemas-microsoft-com:office:smarttags" w:element="place">'
        '<w:smartTagPr><w:attr w:name="x" w:val="y"/></w:smartTagPr>'
        "<w:r><w:t xml:space=\"preserve\"> Leeds</w:t></w:r></w:smartTag>"
        '<w:customXml w:element="child"><w:customXmlPr><w:attr w:name="a" w:val="b"/>'
        "</w:customXmlPr><w:r><w:t xml:space=\"preserve\"> Jo</w:t></w:r></w:customXml>"
        '<w:dir w:val="ltr"><w:r><w:t xml:space="preserve"> end</w:t></w:r></w:dir>'
    )
    assert para(inline) == "link Leeds Jo end"


def test_unknown_wrappers_are_read_through():
    inline = '<w14:madeUp><w:r><w:t>kept</w:t></w:r></w14:madeUp>'
    assert para(inline) == "kept"


def test_hidden_text_is_kept():
    assert para('<w:r><w:rPr><w:vanish/></w:rPr><w:t>hidden</w:t></w:r>') == "hidden"


def test_ruby_reads_base_text_only():
    inline = (
        "<w:r><w:ruby><w:rubyPr/><w:rt><w:r><w:t>guide</w:t></w:r></w:rt>"
        "<w:rubyBase><w:r><w:t>base</w:t></w:r></w:rubyBase></w:ruby></w:r>"
    )
    assert para(inline) == "base"


# -- tracked changes ---------------------------------------------------------------------------


def test_insertions_kept_deletions_dropped():
    inline = (
        r("Plan: ")
        + '<w:del w:id="1" w:author="A" w:date="2024-01-01T00:00:00Z"><w:r>'
        "<w:delText>old</w:delText></w:r></w:del>"
        + '<w:ins w:id="2" w:author="A" w:date="2024-01-01T00:00:00Z"><w:r><w:t>new</w:t></w:r>'
        "</w:ins>"
    )
    assert para(inline) == "Plan: new"


def test_move_from_dropped_move_to_kept_so_text_appears_once():
    body = (
        p('<w:moveFromRangeStart w:id="1" w:name="move1"/><w:moveFrom w:id="2" w:author="A">'
          "<w:r><w:t>moved</w:t></w:r></w:moveFrom><w:moveFromRangeEnd w:id=\"1\"/>", r("stay"))
        + p('<w:moveToRangeStart w:id="3" w:name="move1"/><w:moveTo w:id="4" w:author="A">'
            "<w:r><w:t>moved</w:t></w:r></w:moveTo><w:moveToRangeEnd w:id=\"3\"/>")
    )
    assert [b.text for b in view(body).paragraphs] == ["stay", "moved"]


def test_a_whole_paragraph_moved_away_leaves_no_empty_line():
    moved_mark = '<w:pPr><w:rPr><w:moveFrom w:id="5" w:author="A"/></w:rPr></w:pPr>'
    body = (
        f'<w:p>{moved_mark}<w:moveFrom w:id="6" w:author="A"><w:r><w:t>moved</w:t></w:r>'
        "</w:moveFrom></w:p>"
        + p(r("next"))
        + p('<w:moveTo w:id="7" w:author="A"><w:r><w:t>moved</w:t></w:r></w:moveTo>')
    )
    assert [b.text for b in view(body).paragraphs] == ["next", "moved"]


def test_property_changes_are_ignored():
    body = (
        '<w:p><w:pPr><w:jc w:val="center"/><w:pPrChange w:id="1" w:author="A"><w:pPr>'
        '<w:jc w:val="left"/></w:pPr></w:pPrChange></w:pPr>'
        '<w:r><w:rPr><w:b/><w:rPrChange w:id="2" w:author="A"><w:rPr/></w:rPrChange></w:rPr>'
        "<w:t>bold</w:t></w:r></w:p>"
    )
    assert view(body).paragraphs[0].text == "bold"


DELETED_MARK = (
    '<w:pPr><w:rPr><w:del w:id="9" w:author="A" w:date="2024-01-01T00:00:00Z"/></w:rPr></w:pPr>'
)


def test_deleted_paragraph_mark_merges_body_paragraphs():
    body = (
        f"<w:p>{DELETED_MARK}{r('first ')}</w:p>"
        + p(r("second"))
        + p(r("third"))
    )
    assert [b.text for b in view(body).paragraphs] == ["first second", "third"]


def test_deleted_paragraph_mark_merges_paragraphs_in_a_cell():
    content = f"<w:p>{DELETED_MARK}{r('one ')}</w:p>" + p(r("two")) + p(r("three"))
    assert cell(content).text == "one two\nthree"


def test_deleted_empty_paragraph_just_disappears():
    content = p(r("a")) + f'<w:p>{DELETED_MARK}<w:del w:id="3" w:author="A"><w:r>' \
        "<w:delText>x</w:delText></w:r></w:del></w:p>" + p(r("b"))
    assert cell(content).text == "a\nb"


def test_deleted_rows_and_cells_are_dropped():
    deleted_row = (
        '<w:tr><w:trPr><w:del w:id="1" w:author="A" w:date="2024-01-01T00:00:00Z"/></w:trPr>'
        f"<w:tc>{p(r('gone'))}</w:tc></w:tr>"
    )
    inserted_row = (
        '<w:tr><w:trPr><w:ins w:id="2" w:author="A"/></w:trPr>'
        f"<w:tc>{p(r('added'))}</w:tc></w:tr>"
    )
    row = (
        f"<w:tr><w:tc>{p(r('a'))}</w:tc>"
        f'<w:tc><w:tcPr><w:cellDel w:id="3" w:author="A"/></w:tcPr>{p(r("x"))}</w:tc>'
        f"<w:tc>{p(r('b'))}</w:tc></w:tr>"
    )
    table = view(f"<w:tbl>{TBL_PR}{deleted_row}{inserted_row}{row}</w:tbl>").tables[0]
    assert [[c.text for c in row.cells] for row in table.rows] == [["added"], ["a", "b"]]


def test_tracked_changes_inside_a_control():
    inner = (
        '<w:del w:id="1" w:author="A"><w:r><w:delText>Click here to enter text.</w:delText>'
        '</w:r></w:del><w:ins w:id="2" w:author="A"><w:r><w:t>12345</w:t></w:r></w:ins>'
    )
    paragraph = view(p(r("Case: "), sdt(inner, tag="case_number"))).paragraphs[0]
    assert paragraph.text == "Case: 12345"
    assert paragraph.controls[0].text == "12345"
    assert paragraph.controls[0].placeholder is False


def test_pending_deletion_of_a_value_reads_empty_but_not_placeholder():
    inner = '<w:del w:id="1" w:author="A"><w:r><w:delText>Jo</w:delText></w:r></w:del>'
    control = view(p(sdt(inner))).paragraphs[0].controls[0]
    assert (control.text, control.placeholder) == ("", False)


# -- fields ------------------------------------------------------------------------------------


def fld(kind: str) -> str:
    return f'<w:r><w:fldChar w:fldCharType="{kind}"/></w:r>'


def instr(text: str) -> str:
    return f'<w:r><w:instrText xml:space="preserve">{text}</w:instrText></w:r>'


def test_complex_field_shows_only_its_result():
    inline = r("Page ") + fld("begin") + instr(" PAGE ") + fld("separate") + r("3") \
        + fld("end") + r(" of 9")
    assert para(inline) == "Page 3 of 9"


def test_nested_fields_show_the_outer_result():
    inline = (
        fld("begin") + instr(' IF ') + fld("begin") + instr(" MERGEFIELD x ") + fld("separate")
        + r("inner-result") + fld("end") + instr(' = "1" "yes" "no" ') + fld("separate")
        + r("yes") + fld("end")
    )
    assert para(inline) == "yes"


def test_nested_field_inside_a_result_is_shown():
    inline = (
        fld("begin") + instr(" HYPERLINK x ") + fld("separate") + r("see ") + fld("begin")
        + instr(" PAGE ") + fld("separate") + r("4") + fld("end") + fld("end")
    )
    assert para(inline) == "see 4"


def test_field_without_separate_shows_nothing():
    assert para(r("a") + fld("begin") + instr(" TC x ") + r("hidden") + fld("end") + r("b")) \
        == "ab"


def test_form_text_field_shows_its_result():
    inline = (
        '<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Text1"/><w:enabled/>'
        "<w:textInput/></w:ffData></w:fldChar></w:r>"
        + instr(" FORMTEXT ") + fld("separate") + r("typed") + fld("end")
    )
    assert para(inline) == "typed"


def test_field_result_spanning_paragraphs():
    body = (
        p(fld("begin"), instr(' TOC \\o "1-3" '), fld("separate"), r("Intro\t1"))
        + p(r("Plan\t2"), fld("end"), r(" tail"))
    )
    assert [b.text for b in view(body).paragraphs] == ["Intro\t1", "Plan\t2 tail"]


def test_unbalanced_field_does_not_hide_the_next_paragraph():
    body = p(r("a"), fld("begin"), instr(" broken ")) + p(r("next"))
    assert [b.text for b in view(body).paragraphs] == ["a", "next"]


def test_simple_field_shows_its_runs():
    inline = r("Date: ") + '<w:fldSimple w:instr=" DATE \\@ &quot;d MMMM yyyy&quot; ">' \
        "<w:r><w:t>1 May 2024</w:t></w:r></w:fldSimple>"
    assert para(inline) == "Date: 1 May 2024"


# -- alternate content and text boxes -----------------------------------------------------------


def text_box(text: str) -> str:
    return f"<w:txbxContent>{p(r(text))}</w:txbxContent>"


def alternate(choice: str, fallback: str) -> str:
    return (
        "<w:r><mc:AlternateContent>"
        '<mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData>'
        f"<wps:wsp><wps:txbx>{text_box(choice)}</wps:txbx></wps:wsp>"
        "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
        f'<mc:Fallback><w:pict><v:shape><v:textbox>{text_box(fallback)}</v:textbox></v:shape>'
        "</w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )


def test_alternate_content_reads_one_branch_only():
    text = para(r("Before") + alternate("Box text", "Box text") + r("After"))
    assert text.count("Box text") == 1
    assert text == "Before\nBox text\nAfter"


def test_alternate_content_reads_the_fallback():
    text = para(alternate("CHOICE", "FALLBACK"))
    assert text == "FALLBACK"


def test_alternate_content_without_fallback_reads_the_first_choice():
    inline = (
        '<mc:AlternateContent><mc:Choice Requires="w14"><w:r><w:t>first</w:t></w:r></mc:Choice>'
        '<mc:Choice Requires="w15"><w:r><w:t>second</w:t></w:r></mc:Choice></mc:AlternateContent>'
    )
    assert para(inline) == "first"


# -- content controls --------------------------------------------------------------------------


def test_inline_control_in_a_paragraph():
    body = p(r("Name: "), sdt(r("Jo") + '<w:proofErr w:type="spellStart"/>' + r(" Bloggs"),
                              tag="child_name", alias="Child Name"), r(" (child)"))
    paragraph = view(body).paragraphs[0]
    assert paragraph.text == "Name: Jo Bloggs (child)"
    assert paragraph.controls == (
        ControlView(text="Jo Bloggs", tag="child_name", alias="Child Name", kind="richText"),
    )


def test_control_showing_placeholder_contributes_nothing():
    body = p(r("Name: "), sdt(placeholder(), pr=DEFAULT_PART + FLAG, tag="child_name"))
    paragraph = view(body).paragraphs[0]
    assert paragraph.text == "Name:"
    assert paragraph.controls[0].placeholder is True
    assert paragraph.controls[0].text == ""


def test_placeholder_flag_wins_over_real_looking_text():
    """Word may keep any cached text while the flag is set; the flag is authoritative."""
    control = cell(p(sdt(r("Looks real"), pr=FLAG))).controls[0]
    assert (control.text, control.placeholder) == ("", True)


@pytest.mark.parametrize("value", ["0", "false", "off"])
def test_placeholder_flag_switched_off(value):
    control = cell(p(sdt(r("Jo"), pr=f'<w:showingPlcHdr w:val="{value}"/>'))).controls[0]
    assert (control.text, control.placeholder) == ("Jo", False)


@pytest.mark.parametrize("text", sorted(DEFAULT_PLACEHOLDER_TEXTS))
def test_libreoffice_style_placeholder_without_flag(text):
    """LibreOffice round trips drop the flag but keep Word's placeholder text."""
    c = cell(p(r("Team: "), sdt(r(text), tag="team")))
    assert c.controls[0].placeholder is True
    assert c.controls[0].text == ""
    assert c.text == "Team:"


def test_placeholder_text_needs_to_be_the_whole_text():
    c = cell(p(sdt(r("Click here to enter text. Then more"))))
    assert c.controls[0].placeholder is False
    assert c.text == "Click here to enter text. Then more"


def test_custom_placeholder_from_the_glossary():
    guid = "FAD190DA4F8B4C6C9E1B6A2F3D7ED82F"
    pr = f'<w:placeholder><w:docPart w:val="{guid}"/></w:placeholder>'
    glossary = {guid: "Enter the child's ID"}
    shown = cell(p(sdt(placeholder("Enter the child's ID"), pr=pr)), glossary)
    filled = cell(p(sdt(r("ID 778"), pr=pr)), glossary)
    other = cell(p(sdt(r("Enter the child's ID"), pr=pr)), {})
    assert (shown.text, shown.controls[0].placeholder) == ("", True)
    assert (filled.text, filled.controls[0].placeholder) == ("ID 778", False)
    assert other.controls[0].placeholder is False


def test_glossary_placeholders_read_from_a_glossary_part():
    pkg = read_package_bytes(build_docx(glossary={"G1": "Type the team", "G2": "Pick one"}))
    assert dict(pkg.glossary) == {"G1": "Type the team", "G2": "Pick one"}
    assert glossary_placeholders(pkg.document) == {}


def test_block_control_in_a_cell_with_several_paragraphs():
    content = sdt(p(r("Line one")) + p(r("Line two")) + p(), tag="summary")
    c = cell(content)
    assert c.text == "Line one\nLine two"
    assert c.controls[0].text == "Line one\nLine two"
    assert c.tags == ("summary",)


def test_block_control_showing_placeholder_in_a_cell():
    content = p(r("Label")) + sdt(p(placeholder()), pr=FLAG) + p(r("After"))
    assert cell(content).text == "Label\n\nAfter"


def test_several_controls_and_text_in_one_cell():
    content = p(r("From "), sdt(r("01/02/2024"), tag="from"), r(" to "),
                sdt(placeholder(), tag="to", pr=FLAG))
    c = cell(content)
    assert c.text == "From 01/02/2024 to"
    assert [(x.tag, x.text, x.placeholder) for x in c.controls] == [
        ("from", "01/02/2024", False), ("to", "", True)]


def test_nested_controls_are_reported_outer_first():
    dropdown = sdt(r("Good"), tag="rating",
                   pr='<w:dropDownList><w:listItem w:displayText="Choose an item." w:value=""/>'
                      '<w:listItem w:displayText="Good" w:value="2"/></w:dropDownList>')
    content = sdt(p(r("Rating: "), dropdown), tag="section")
    c = cell(content)
    assert [(x.tag, x.kind, x.text) for x in c.controls] == [
        ("section", "richText", "Rating: Good"), ("rating", "dropDownList", "Good")]
    assert c.text == "Rating: Good"


def test_nested_placeholder_inside_filled_outer_control():
    inner = sdt(placeholder("Choose an item."), tag="rating", pr="<w:dropDownList/>")
    c = cell(sdt(p(r("Rating: "), inner), tag="section"))
    assert [(x.tag, x.text, x.placeholder) for x in c.controls] == [
        ("section", "Rating:", False), ("rating", "", True)]


def test_control_text_is_trimmed_at_the_ends_only():
    control = cell(p(sdt(r("  two  words \t")))).controls[0]
    assert control.text == "two  words"


def test_date_picker():
    pr = (
        '<w:date w:fullDate="2019-03-12T00:00:00Z"><w:dateFormat w:val="dd/MM/yyyy"/>'
        '<w:lid w:val="en-GB"/><w:storeMappedDataAs w:val="dateTime"/>'
        '<w:calendar w:val="gregorian"/></w:date>'
    )
    control = cell(p(sdt(r("12/03/2019"), tag="audit_date", pr=pr))).controls[0]
    assert (control.kind, control.text, control.date) == ("date", "12/03/2019", "2019-03-12")


def test_date_picker_date_is_not_shifted_by_time_zone():
    pr = '<w:date w:fullDate="2024-01-01T23:30:00-05:00"><w:dateFormat w:val="d/M/yyyy"/></w:date>'
    assert cell(p(sdt(r("1/1/2024"), pr=pr))).controls[0].date == "2024-01-01"


def test_date_picker_typed_without_full_date():
    control = cell(p(sdt(r("3rd May"), pr="<w:date/>"))).controls[0]
    assert (control.text, control.date) == ("3rd May", None)


def test_date_picker_showing_placeholder_has_no_date():
    pr = '<w:date w:fullDate="2019-03-12T00:00:00Z"/>' + FLAG
    control = cell(p(sdt(placeholder("Click or tap to enter a date."), pr=pr))).controls[0]
    assert (control.text, control.placeholder, control.date) == ("", True, None)


def test_combo_box_shows_free_text():
    pr = '<w:comboBox><w:listItem w:displayText="Yes" w:value="Y"/></w:comboBox>'
    control = cell(p(sdt(r("Partly"), pr=pr))).controls[0]
    assert (control.kind, control.text) == ("comboBox", "Partly")


def checkbox(glyph: str, checked: str | None) -> str:
    state = f'<w14:checked w14:val="{checked}"/>' if checked is not None else ""
    pr = (
        f"<w14:checkbox>{state}"
        '<w14:checkedState w14:val="2612" w14:font="MS Gothic"/>'
        '<w14:uncheckedState w14:val="2610" w14:font="MS Gothic"/></w14:checkbox>'
    )
    run = f'<w:r><w:rPr><w:rFonts w:ascii="MS Gothic" w:eastAsia="MS Gothic"/></w:rPr>' \
          f"<w:t>{glyph}</w:t></w:r>"
    return sdt(run, tag="box", pr=pr)


@pytest.mark.parametrize(
    ("glyph", "checked", "expected"),
    [
        ("\u2612", "1", True),
        ("\u2610", "0", False),
        ("\u2612", "true", True),
        ("\u2612", None, True),  # no w14:checked: judged by the glyph
        ("\u2610", None, False),
        ("?", None, None),
    ],
)
def test_check_box(glyph, checked, expected):
    c = cell(p(r("Seen "), checkbox(glyph, checked)))
    control = c.controls[0]
    assert (control.kind, control.text, control.checked) == ("checkbox", glyph, expected)
    assert c.text == f"Seen {glyph}"


@pytest.mark.parametrize(
    ("pr", "kind"),
    [("<w:text/>", "text"), ("<w:richText/>", "richText"), ("", "richText"),
     ("<w:picture/>", "picture"), ("<w15:repeatingSectionItem/>", "repeatingSectionItem")],
)
def test_control_kinds(pr, kind):
    assert cell(p(sdt(r("x"), pr=pr))).controls[0].kind == kind


# -- tables ------------------------------------------------------------------------------------


def test_cell_level_control_is_unwrapped_in_order():
    row = (
        f"<w:tr><w:tc>{p(r('Label'))}</w:tc>"
        + sdt(f"<w:tc><w:tcPr><w:tcW w:w=\"2000\" w:type=\"dxa\"/></w:tcPr>{p(r('Value'))}</w:tc>",
              tag="cellctl")
        + f"<w:tc>{p(r('Last'))}</w:tc></w:tr>"
    )
    cells = view(f"<w:tbl>{TBL_PR}{row}</w:tbl>").tables[0].rows[0].cells
    assert [c.text for c in cells] == ["Label", "Value", "Last"]
    assert cells[1].controls[0].tag == "cellctl"
    assert cells[1].controls[0].text == "Value"


def test_cell_level_control_showing_placeholder_empties_the_cell():
    row = "<w:tr>" + sdt(f"<w:tc>{p(placeholder('Type here'))}</w:tc>", pr=FLAG) + "</w:tr>"
    only = view(f"<w:tbl>{TBL_PR}{row}</w:tbl>").tables[0].rows[0].cells[0]
    assert only.text == "" and only.controls[0].placeholder


def test_row_level_control_is_unwrapped_in_order():
    rows = (
        f"<w:tr><w:tc>{p(r('one'))}</w:tc></w:tr>"
        + sdt(f"<w:tr><w:tc>{p(r('two'))}</w:tc></w:tr>", tag="rowctl",
              pr="<w15:repeatingSectionItem/>")
        + f"<w:tr><w:tc>{p(r('three'))}</w:tc></w:tr>"
    )
    table = view(f"<w:tbl>{TBL_PR}{rows}</w:tbl>").tables[0]
    assert [row.cells[0].text for row in table.rows] == ["one", "two", "three"]


def test_repeating_section_of_rows_nested_two_deep():
    item = sdt(f"<w:tr><w:tc>{p(r('item'))}</w:tc></w:tr>", pr="<w15:repeatingSectionItem/>")
    rows = sdt(item + item, pr="<w15:repeatingSection/>")
    table = view(f"<w:tbl>{TBL_PR}{rows}</w:tbl>").tables[0]
    assert [row.cells[0].text for row in table.rows] == ["item", "item"]


def test_cell_holding_only_default_placeholder_text_reads_empty():
    assert cell(p(placeholder("Click here to enter text."))).text == ""
    assert cell(p(r("Click here to enter text. Or not"))).text == "Click here to enter text. Or not"


def test_nested_table_text_joins_cells_with_tabs_and_rows_with_newlines():
    inner = (
        f"<w:tbl>{TBL_PR}<w:tr><w:tc>{p(r('a'))}</w:tc><w:tc>{p(r('b'))}</w:tc></w:tr>"
        f"<w:tr><w:tc>{p(r('c'))}</w:tc><w:tc>{p(sdt(r('d'), tag='inner'))}</w:tc></w:tr></w:tbl>"
    )
    c = cell(p(r("Top")) + inner + p())
    assert c.text == "Top\na\tb\nc\td"
    assert c.tags == ("inner",)


def test_grid_span_and_whitespace_trimming():
    tc_pr = '<w:tcPr><w:tcW w:w="4000"/><w:gridSpan w:val="3"/></w:tcPr>'
    c = cell(p(r("  padded  ")), tc_pr=tc_pr)
    assert (c.text, c.span) == ("padded", 3)
    assert cell(p(r("x"))).span == 1


def test_table_wrapped_in_a_block_control_still_counts():
    table = f"<w:tbl>{TBL_PR}<w:tr><w:tc>{p(r('inside'))}</w:tc></w:tr></w:tbl>"
    document = view(p(r("before")) + sdt(table, tag="tblctl") + p(r("after")))
    assert [type(b) for b in document.blocks] == [ParagraphView, TableView, ParagraphView]
    assert document.tables[0].rows[0].cells[0].text == "inside"


# -- body ---------------------------------------------------------------------------------------


def test_body_blocks_in_order():
    table = f"<w:tbl>{TBL_PR}<w:tr><w:tc>{p(r('cell'))}</w:tc></w:tr></w:tbl>"
    body = p(r("one")) + '<w:bookmarkStart w:id="0" w:name="x"/>' + table + p(r("two"))
    document = view(body)
    assert [type(b).__name__ for b in document.blocks] == ["ParagraphView", "TableView",
                                                           "ParagraphView"]
    assert [b.text for b in document.paragraphs] == ["one", "two"]


def test_body_level_block_control_is_reported_on_its_first_paragraph():
    body = sdt(p(r("Para A")) + p(r("Para B")), tag="intro", alias="Intro")
    paragraphs = view(body).paragraphs
    assert [x.text for x in paragraphs] == ["Para A", "Para B"]
    assert paragraphs[0].controls == (
        ControlView(text="Para A\nPara B", tag="intro", alias="Intro"),)
    assert paragraphs[1].controls == ()


def test_body_level_block_control_showing_placeholder():
    paragraphs = view(sdt(p(placeholder()), pr=FLAG, tag="notes")).paragraphs
    assert paragraphs[0].text == ""
    assert paragraphs[0].controls[0].placeholder


def test_document_properties_pass_through():
    data = build_docx(p(r("x")))
    document = read_document(read_package_bytes(data))
    assert document.title == "Case audit"
    assert document.modified == "2024-05-01T10:20:00Z"


def test_empty_body():
    assert view("").blocks == ()


@given(st.lists(st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "Zs")),
                        min_size=1, max_size=8), min_size=1, max_size=6))
def test_text_split_into_any_runs_reads_back_whole(pieces):
    from xml.sax.saxutils import escape

    runs = [r(escape(piece)) for piece in pieces]
    assert cell(p(*runs)).text == "".join(pieces).strip() or (
        "".join(pieces).strip() in DEFAULT_PLACEHOLDER_TEXTS
    )


def test_reads_the_project_template(tagged_template):
    """End to end on a real .docx built by the template module: every control is blank."""
    document = read_document(read_package_bytes(tagged_template))
    controls = [c for t in document.tables for row in t.rows for cell_ in row.cells
                for c in cell_.controls]
    assert len(controls) == sum(f.control for f in FORM.fields)
    assert all(c.placeholder and c.text == "" and c.tag for c in controls)
