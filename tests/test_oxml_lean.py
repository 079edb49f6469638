"""word/document.xml leaned in its bytes (caseaudit_docx.oxml.lean) before the reader parses it.

The oracle: the reader's view of the lean bytes equals its view of the bytes as written, on the
Word-realistic forms, on the samples of two forms, on the bundled blanks, and on generated
documents that mix what is removed with everything that must stop or narrow the removal
(deleted paragraph marks, stray runs at block level, processing instructions, odd attributes).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseaudit_docx.errors import NotAFormError, UnsafeFileError
from caseaudit_docx.generate.template import build_template
from caseaudit_docx.model.description import form_from_json
from caseaudit_docx.oxml.lean import without_unread_markup
from caseaudit_docx.oxml.ns import W
from caseaudit_docx.oxml.package import read_package, read_package_bytes
from caseaudit_docx.oxml.parser import parse_part
from caseaudit_docx.oxml.text import document_view, read_document
from caseaudit_docx.oxml.view import DocumentView
from samples.realistic import realistic_forms, wordify

from .conftest import OTHER_FORM, ROOT
from .oxmlbuild import TBL_PR, build_docx, document_xml


def _document(docx: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return package.read("word/document.xml")


def _view(data: bytes) -> DocumentView:
    return document_view(parse_part(data, "word/document.xml"))


def _same_view_either_way(docx: bytes) -> None:
    lean = read_document(read_package_bytes(docx, "form.docx", text_only=True))
    plain = read_document(read_package_bytes(docx, "form.docx"))
    assert lean == plain


# -- the oracle on real forms -------------------------------------------------------------------


@pytest.mark.parametrize("index", [0, 3])
def test_realistic_forms_read_the_same_and_lose_most_of_their_bytes(index: int) -> None:
    (_, docx), = list(realistic_forms(index + 1))[index:]
    data = _document(docx)
    lean = without_unread_markup(data)
    assert len(lean) < 0.5 * len(data)  # the fast path was taken, and it pays
    assert _view(lean) == _view(data)
    _same_view_either_way(docx)


def _forms_of_both_kinds() -> list[Path]:
    files = sorted((ROOT / "samples" / "forms").glob("*.docx"))[:6]
    files += sorted((ROOT / "caseaudit_docx" / "templates").glob("*.docx"))
    return files


@pytest.mark.parametrize("path", _forms_of_both_kinds(), ids=lambda p: p.name)
def test_samples_and_blanks_read_the_same(path: Path) -> None:
    lean = read_document(read_package(path, text_only=True))
    plain = read_document(read_package(path))
    assert lean == plain


@pytest.mark.parametrize("tagged", [True, False])
def test_the_other_councils_form_reads_the_same_as_written_and_as_word_writes_it(
        tagged: bool) -> None:
    form = form_from_json(OTHER_FORM.read_text(encoding="utf-8"), where=str(OTHER_FORM))
    blank = build_template(tagged=tagged, form=form)
    word = wordify(blank, seed=5)
    assert len(without_unread_markup(_document(word))) < 0.6 * len(_document(word))
    for docx in (blank, word):
        _same_view_either_way(docx)


def test_the_package_says_its_tree_is_for_text_only() -> None:
    docx = build_docx()
    assert read_package_bytes(docx, "f.docx", text_only=True).text_only
    assert not read_package_bytes(docx, "f.docx").text_only


# -- what is removed, and what is kept ----------------------------------------------------------

RUN = ('<w:r w:rsidR="00AB12CD" w:rsidRPr="00EF3456"><w:rPr><w:rFonts w:ascii="Arial"/>'
       '<w:sz w:val="20"/></w:rPr><w:t>Seen</w:t></w:r>')


def test_run_formatting_ids_and_proofing_marks_go() -> None:
    body = (f'<w:p w14:paraId="1A2B3C4D" w:rsidR="00112233">{RUN}'
            '<w:proofErr w:type="spellStart"/><w:bookmarkStart w:id="0" w:name="a"/>'
            f'{RUN}<w:bookmarkEnd w:id="0"/></w:p>')
    lean = without_unread_markup(document_xml(body))
    assert lean.endswith(  # the bookmark's end, after the last run, is not a run's start
        b"<w:body><w:p><w:r><w:t>Seen</w:t></w:r><w:r><w:t>Seen</w:t></w:r>"
        b'<w:bookmarkEnd w:id="0"/></w:p>'
        b'<w:sectPr w:rsidR="00D52A1B"><w:pgSz w:w="11906" w:h="16838"/></w:sectPr>'
        b"</w:body></w:document>")


@pytest.mark.parametrize("kept", [
    # a paragraph mark's formatting: the reader asks it for w:del (and w:moveFrom)
    '<w:pPr><w:rPr><w:del w:id="1" w:author="A" w:date="2024-01-01T00:00:00Z"/></w:rPr></w:pPr>',
    '<w:pPr><w:rPr><w:b/><w:moveFrom w:id="2" w:author="A"/></w:rPr></w:pPr>',
    '<w:r><w:rPr><w:rFonts w:ascii="a>b"/></w:rPr><w:t>x</w:t></w:r>',  # ">" in a value
    '<w:r><w:rPr><w14:ligatures w14:val="all"/></w:rPr><w:t>x</w:t></w:r>',  # not a w: child
    '<w:r w:rsidR="00AB12CD" w:customAttr="1"><w:t>x</w:t></w:r>',  # not only revision ids
    '<w:r w:rsidR="not hex"><w:t>x</w:t></w:r>',
    '<w:p w:rsidR="00AB12CD" w:other="1"><w:r><w:t>x</w:t></w:r></w:p>',
    '<w:p><w:r><w:t>x</w:t></w:r><w:proofErr w:type="spellEnd"/></w:p>',  # before no run
])
def test_what_the_reader_reads_or_cannot_be_shown_ignorable_is_kept(kept: str) -> None:
    body = f"<w:p>{kept}</w:p>" if not kept.startswith("<w:p") or kept.startswith(
        "<w:pPr") else kept
    data = document_xml(body)
    assert kept.encode() in without_unread_markup(data)
    assert _view(without_unread_markup(data)) == _view(data)


def test_a_deleted_paragraph_mark_still_joins_its_paragraph_to_the_next() -> None:
    mark = ('<w:pPr><w:rPr><w:del w:id="1" w:author="A" w:date="2024-01-01T00:00:00Z"/>'
            "</w:rPr></w:pPr>")
    cell = f"<w:p>{mark}{RUN}</w:p><w:p>{RUN}</w:p>"
    data = document_xml(f"<w:tbl>{TBL_PR}<w:tr><w:tc>{cell}</w:tc></w:tr></w:tbl>")
    view = _view(without_unread_markup(data))
    assert view.tables[0].rows[0].cells[0].text == "SeenSeen"
    assert view == _view(data)


@pytest.mark.parametrize("data", [
    document_xml(f"<w:p>{RUN}</w:p><!-- a comment -->"),
    document_xml(f"<w:p><w:r><w:t><![CDATA[<w:rPr><w:b/></w:rPr>]]></w:t></w:r>{RUN}</w:p>"),
    document_xml(f"<w:p>{RUN}</w:p>").replace(b'encoding="UTF-8"', b'encoding="windows-1252"'),
    document_xml(f"<w:p>{RUN}</w:p>", namespace="urn:not-word"),
    document_xml(f"<w:p>{RUN}</w:p>").replace(b"<w:document ", b"<?pi x?><w:document "),
    '<?xml version="1.0" encoding="UTF-16"?>'.encode("utf-16") + "<w:document/>".encode(
        "utf-16-le"),
    b"<document/>",
], ids=["comment", "cdata", "encoding", "namespace", "pi-first", "utf16", "other-root"])
def test_anything_that_could_make_markup_of_text_turns_it_off(data: bytes) -> None:
    assert without_unread_markup(data) is data


@pytest.mark.parametrize("body", [
    f'<w:p>{RUN}<w:r><w:t w:a="1" w:a="2">x</w:t></w:r></w:p>',  # an attribute twice
    f"<w:p>{RUN}<w:r><w:t>x</w:r></w:p>",  # unbalanced
    f"<w:p>{RUN}<w:r><u:t>x</u:t></w:r></w:p>",  # an undeclared prefix
])
def test_damage_outside_what_is_removed_is_still_refused(body: str) -> None:
    docx = build_docx(document=document_xml(body))
    with pytest.raises(NotAFormError, match="not well-formed"):
        read_package_bytes(docx, "f.docx", text_only=True)


def test_a_dtd_is_still_refused() -> None:
    data = document_xml(f"<w:p>{RUN}</w:p>").replace(
        b"<w:document ", b'<!DOCTYPE w:document [<!ENTITY x "y">]><w:document ')
    with pytest.raises(UnsafeFileError):
        read_package_bytes(build_docx(document=data), "f.docx", text_only=True)


def test_w_bound_to_another_namespace_inside_reads_the_same() -> None:
    """Inside an element that binds ``w`` to another namespace, what is removed belongs to
    elements the reader does not know and reads through: nothing read changes."""
    foreign = f'<x:ins xmlns:x="{W}" xmlns:w="urn:not-word">{RUN}</x:ins>'
    data = document_xml(f"<w:p>{RUN}{foreign}{RUN}</w:p>" + f'<x:p xmlns:x="{W}">{foreign}</x:p>')
    lean = without_unread_markup(data)
    assert lean is not data and lean.count(b"<w:rPr>") == 0
    assert _view(lean) == _view(data)
    assert _view(data).paragraphs[0].text == "SeenSeen"


def test_a_processing_instruction_is_never_cut_short() -> None:
    """Markup inside a processing instruction may be leaned too, but no replacement joins a "?"
    to a ">": that would end the instruction early and turn the rest of it into text."""
    inside = ('?<w:r w:rsidR="00AA"><w:rPr><w:b/></w:rPr>>?<w:proofErr w:type="x"/><w:r>>'
              '?<w:p w:rsidR="00AA">> ')
    body = f"<w:p><w:r><w:t>a<?pi {inside}?>b</w:t></w:r>{RUN}</w:p>"
    data = document_xml(body)
    lean = without_unread_markup(data)
    assert b"<?pi ?<w:r>>?<w:r>>?<w:p>> ?>" in lean
    assert _view(lean) == _view(data)
    assert _view(data).paragraphs[0].text == "abSeen"


# -- generated documents: the oracle on what Word would never write, too --------------------------

_CHILD = st.sampled_from([
    '<w:b/>', '<w:sz w:val="20"/>', '<w:vanish/>', '<w:rStyle w:val="PlaceholderText"/>',
    '<w:del w:id="1" w:author="A" w:date="2024-01-01T00:00:00Z"/>', '<w:moveFrom w:id="2"/>',
    '<w:dstrike/>', '<w:rFonts w:ascii="x>y"/>', '<w14:ligatures w14:val="all"/>',
    '<w:rPrChange w:id="3"><w:rPr><w:b/></w:rPr></w:rPrChange>', "<w:b></w:b>",
])
_FORMATTING = st.lists(_CHILD, max_size=3).map(lambda c: f"<w:rPr>{''.join(c)}</w:rPr>")
_IDS = st.lists(st.sampled_from(['w:rsidR="00AB12CD"', 'w:rsidRPr="0012"', 'w:rsidDel="zz"',
                                 'w14:paraId="1A2B3C4D"', 'w:other="1"']), max_size=3)
_MARKS = st.sampled_from(['<w:proofErr w:type="gramStart"/>', '<w:bookmarkEnd w:id="1"/>',
                          '<w:bookmarkStart w:id="1" w:name="b"/>',
                          '<?pi ?<w:r w:rsidR="00AA"><w:rPr><w:b/></w:rPr>>x?>', ""])
_TEXT = st.sampled_from(["Seen", " spaced ", "R&amp;D", "a?", "&lt;w:rPr&gt;", "?", ">"])


def _attrs(ids: list[str]) -> str:
    return "".join(f" {a}" for a in dict.fromkeys(ids))


@st.composite
def _run(draw: st.DrawFn) -> str:
    formatting = draw(_FORMATTING) if draw(st.booleans()) else ""
    return (f"<w:r{_attrs(draw(_IDS))}>{formatting}<w:t xml:space=\"preserve\">{draw(_TEXT)}"
            f"</w:t></w:r>{draw(_MARKS)}")


@st.composite
def _inline(draw: st.DrawFn) -> str:
    """A run, or a run inside an insertion that binds ``w`` to another namespace."""
    run = draw(_run())
    return run if draw(st.booleans()) else (
        f'<x:ins xmlns:x="{W}" xmlns:w="urn:not-word">{run}</x:ins>{draw(_MARKS)}')


@st.composite
def _paragraph(draw: st.DrawFn) -> str:
    mark = draw(_FORMATTING) if draw(st.booleans()) else ""
    runs = "".join(draw(st.lists(_inline(), max_size=4)))
    return f"<w:p{_attrs(draw(_IDS))}><w:pPr>{mark}</w:pPr>{draw(_MARKS)}{runs}</w:p>"


@st.composite
def _body(draw: st.DrawFn) -> str:
    blocks = draw(st.lists(st.one_of(_paragraph(), _run(), _MARKS), min_size=1, max_size=4))
    cell = "".join(draw(st.lists(st.one_of(_paragraph(), _run()), min_size=1, max_size=4)))
    # cell properties count only as the first child: before the content, or after a stray run
    span = '<w:tcPr><w:gridSpan w:val="2"/></w:tcPr>'
    cell = draw(st.sampled_from([f"{span}{cell}", f"{cell}{span}", cell]))
    table = f"<w:tbl>{TBL_PR}<w:tr><w:tc>{cell}</w:tc></w:tr></w:tbl>"
    return "".join(blocks) + table + "".join(draw(st.lists(_paragraph(), max_size=2)))


@settings(max_examples=150, deadline=None)
@given(_body())
def test_generated_documents_read_the_same_lean_or_not(body: str) -> None:
    data = document_xml(body)
    assert _view(without_unread_markup(data)) == _view(data)
