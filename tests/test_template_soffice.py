"""A real word processor opens both templates and shows the form's wording in order, and its
save keeps what the typed template's run-level controls hold: tracked changes, notes of several
paragraphs, grey placeholders, drop-down lists and date pickers (README "Control placement")."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
import zlib
from pathlib import Path

import pytest
from lxml import etree

from caseaudit_docx.extract.extract import extract_bytes
from caseaudit_docx.generate.template import build_template, control_type
from caseaudit_docx.model.description import bundled_form, load_form
from caseaudit_docx.model.form import Answer, Form, Label
from caseaudit_docx.oxml.ns import qn
from samples import wordfill

from .conftest import OTHER_FORM, convert_to_pdf, pdf_text, soffice_or_skip, squash_spaces

FORM = bundled_form()

pytestmark = pytest.mark.soffice


def _question_wordings() -> list[str]:
    return [row.label for table in FORM.tables for row in table.rows
            if row.label and re.match(r"Q\d+\.", row.label)]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, tagged_template: bytes, untagged_template: bytes) -> dict[str, str]:
    out: dict[str, str] = {}
    folder = tmp_path_factory.mktemp("pdf")
    for name, data in (("tagged", tagged_template), ("untagged", untagged_template)):
        source = folder / f"{name}.docx"
        source.write_bytes(data)
        out[name] = pdf_text(convert_to_pdf(source, folder))
    return out


@pytest.mark.parametrize("name", ["tagged", "untagged"])
def test_every_question_appears_in_order(rendered: dict[str, str], name: str) -> None:
    # Table cells wrap, so compare word sequences of the page text with the cells joined up.
    page = squash_spaces(rendered[name])
    position = 0
    for wording in _question_wordings():
        first_words = " ".join(squash_spaces(wording).split(" ")[:4])
        found = page.find(first_words, position)
        assert found >= 0, f"{first_words!r} not found after {position} in the {name} PDF"
        position = found


@pytest.mark.parametrize("name", ["tagged", "untagged"])
def test_placeholders_and_sections_render(rendered: dict[str, str], name: str) -> None:
    page = squash_spaces(rendered[name])
    # "Click here to enter text." may wrap inside a narrow cell: count its first words
    assert page.count("Click here to enter") == sum(f.control for f in FORM.fields)
    headings = [
        table.rows[0].cells[0].lines[0] for table in FORM.tables
        if isinstance(table.rows[0].cells[0], Label) and table.rows[0].cells[0].lines[0]
    ]
    position = 0
    for heading in headings:
        found = page.find(squash_spaces(heading)[:25], position)
        assert found >= 0, heading
        position = found
    assert "Wokingham Children" in page


# -- control placement through a LibreOffice save (README "Control placement") -------------------

OTHER = load_form(OTHER_FORM)
TWO_FORMS = {"v3.2": FORM, "other": OTHER}
#: The PlaceholderText style's colour (808080) as LibreOffice writes it in a PDF.
_GREY = re.compile(rb"0\.50196\d* 0\.50196\d* 0\.50196\d* rg")


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> Path:
    """A folder with one LibreOffice profile for the module (starting one costs seconds)."""
    return tmp_path_factory.mktemp("office")


def _libreoffice(data: bytes, folder: Path, name: str, to: str = "docx") -> bytes:
    """``data`` opened and saved by LibreOffice headless as ``to`` (docx: a LibreOffice save)."""
    soffice = soffice_or_skip()
    source = folder / "in" / f"{name}.docx"
    source.parent.mkdir(exist_ok=True)
    source.write_bytes(data)
    out = folder / to
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{folder / 'lo-profile'}", "--headless",
         "--norestore", "--convert-to", to, "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    return (out / f"{name}.{to}").read_bytes()


def _notes(form: Form) -> list[str]:
    """Fields with a rich-text control in the typed template (notes and other text)."""
    answers = {c.field: c for t in form.tables for r in t.rows for c in r.cells
               if isinstance(c, Answer)}
    return [f.id for f in form.fields
            if f.control and control_type(answers[f.id], form) == "richText"]


def _document(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read("word/document.xml"))


def _with_document(data: bytes, root: etree._Element) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            part = etree.tostring(root) if info.filename == "word/document.xml" \
                else src.read(info)
            dst.writestr(info, part)
    return out.getvalue()


def _press_enter(data: bytes, field_id: str, lines: list[str]) -> bytes:
    """Type ``lines`` into a field's run-level rich-text control with Enter between them, as
    Word stores it: the control, filling its paragraph, becomes a block-level control round
    the paragraphs it now holds."""
    root = _document(data)
    sdt = next(s for s in root.iter(qn("w:sdt"))
               if s.find(f"{qn('w:sdtPr')}/{qn('w:tag')}").get(qn("w:val")) == field_id)
    paragraph = sdt.getparent()
    props = sdt.find(qn("w:sdtPr"))
    props.remove(props.find(qn("w:showingPlcHdr")))
    content = sdt.find(qn("w:sdtContent"))
    for child in list(content):
        content.remove(child)
    for line in lines:
        p = etree.SubElement(content, qn("w:p"))
        etree.SubElement(etree.SubElement(p, qn("w:r")), qn("w:t")).text = line
    paragraph.getparent().replace(paragraph, sdt)
    return _with_document(data, root)


@pytest.mark.parametrize("name", sorted(TWO_FORMS))
def test_tracked_changes_in_a_note_survive_a_libreoffice_save(name: str, office: Path) -> None:
    form = TWO_FORMS[name]
    notes = _notes(form)[:3]
    typed = {fid: f"Revised note for {fid}" for fid in notes}
    filled = wordfill.fill_form(build_template(form=form), typed,
                                modes={fid: "tracked" for fid in notes},
                                previous={fid: "Earlier draft" for fid in notes}, form=form)
    saved = _libreoffice(filled, office, f"tracked-{name}")
    root = _document(saved)
    deleted = ["".join(d.itertext()) for d in root.iter(qn("w:del"))]
    inserted = ["".join(i.itertext()) for i in root.iter(qn("w:ins"))]
    assert deleted.count("Earlier draft") == len(notes)  # still a deletion, not text
    assert all(text in "".join(inserted) for text in typed.values())
    record = extract_bytes(saved, "saved.docx", form=form)
    assert {fid: record.fields[fid].text for fid in notes} == typed  # the accepted text


@pytest.mark.parametrize("name", sorted(TWO_FORMS))
def test_a_two_paragraph_note_survives_a_libreoffice_save(name: str, office: Path) -> None:
    form = TWO_FORMS[name]
    note = _notes(form)[-1]
    lines = ["First paragraph of the note.", "Second paragraph, after Enter."]
    filled = _press_enter(build_template(form=form), note, lines)
    assert extract_bytes(filled, "word.docx", form=form).fields[note].text == "\n".join(lines)
    saved = _libreoffice(filled, office, f"paragraphs-{name}")
    record = extract_bytes(saved, "saved.docx", form=form)
    assert record.fields[note].text == "\n".join(lines)
    assert all(record.fields[f].value is None for f in _notes(form) if f != note)


@pytest.mark.parametrize("name", sorted(TWO_FORMS))
def test_placeholders_stay_grey_through_a_libreoffice_save(name: str, office: Path) -> None:
    form = TWO_FORMS[name]
    # LibreOffice 7.4 keeps no placeholder in a plain-text (w:text) control, which only a
    # description asks for; the typed template's own controls all keep theirs
    shown = [f for f in form.fields if f.control and f.control_type not in ("checkbox", "text")]
    saved = _libreoffice(build_template(form=form), office, f"blank-{name}")
    root = _document(saved)
    styled = [s for s in root.iter(qn("w:sdt"))
              if s.find(f"{qn('w:sdtPr')}/{qn('w:showingPlcHdr')}") is not None
              and any(r.get(qn("w:val")) == "PlaceholderText" for r in s.iter(qn("w:rStyle")))]
    assert len(styled) == len(shown)  # still placeholders, in the grey style
    assert all(r.getparent().getparent().getparent().tag == qn("w:sdtContent")
               for s in styled for r in s.iter(qn("w:rStyle")))  # on the run in the control
    assert extract_bytes(saved, "saved.docx", form=form).fields[shown[0].id].value is None
    pdf = _libreoffice(saved, office, f"blank-{name}-saved", to="pdf")
    text_in_grey = sum(len(_GREY.findall(zlib.decompress(m.group(1))))
                       for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S))
    assert text_in_grey >= len(shown)  # each placeholder drawn grey (some wrap onto 2 lines)


@pytest.mark.parametrize("name", sorted(TWO_FORMS))
def test_lists_and_dates_survive_a_libreoffice_save(name: str, office: Path) -> None:
    from .test_typed_controls import _word_answers

    form = TWO_FORMS[name]
    answers, modes, expected = _word_answers(form)
    filled = wordfill.fill_form(build_template(form=form), answers, modes=modes, form=form)
    saved = _libreoffice(filled, office, f"typed-{name}")
    root = _document(saved)
    assert root.find(f".//{qn('w:dropDownList')}") is not None  # still lists and pickers
    assert root.find(f".//{qn('w:date')}").get(qn("w:fullDate"))
    record = extract_bytes(saved, "saved.docx", form=form)
    assert {fid: record.fields[fid].value for fid in expected} == expected
