"""Everything we write is valid ECMA-376 Transitional, as Word judges it (tests/ooxml_validate.py:
the schemas in tests/schemas/ after markup-compatibility processing, plus the package rules):
the bundled templates, blanks built both ways for two forms and a learned one, generated forms,
forms filled the Word way and every sample. And the validator fails on broken copies, so a
clean result means something."""

from __future__ import annotations

import io
import itertools
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from caseaudit_docx.generate.generate import generate_forms
from caseaudit_docx.generate.template import build_template
from caseaudit_docx.learn import learn_form
from caseaudit_docx.model.description import form_from_data, load_form
from caseaudit_docx.model.form import Form
from samples import make_samples, wordfill

from .conftest import OTHER_FORM, ROOT
from .ooxml_validate import validate_docx
from .test_learned_forms import revision_description

TEMPLATES = ROOT / "caseaudit_docx" / "templates"
OTHER = load_form(OTHER_FORM)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SAMPLES = {sample.name: sample for sample in make_samples.SAMPLES}
#: LibreOffice (7.4) writes text with doubled inner spaces without xml:space="preserve"; that
#: is the only thing its save of sample 08 may be faulted for (it is LibreOffice's, not ours).
_LIBREOFFICE_SPACES = re.compile(r"word/document\.xml:\d+: t '.*' has leading, trailing or "
                                 r"doubled spaces but no xml:space=\"preserve\"")


# -- what we write: zero errors -----------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(TEMPLATES.glob("*.docx")), ids=lambda p: p.name)
def test_the_bundled_templates_are_valid(path: Path) -> None:
    assert validate_docx(path) == []


@pytest.mark.parametrize("form", [None, OTHER], ids=["v3.2", "other-council"])
@pytest.mark.parametrize("tagged", [True, False], ids=["tagged", "untagged"])
@pytest.mark.parametrize("plain", [False, True], ids=["typed", "plain"])
def test_built_blanks_are_valid(form: Form | None, tagged: bool, plain: bool) -> None:
    assert validate_docx(build_template(tagged=tagged, plain=plain, form=form)) == []


def test_a_blank_with_the_councils_logo_is_valid(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(_png())
    data = build_template(logo=logo)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert any(name.startswith("word/media/") for name in package.namelist())
    assert validate_docx(data) == []


def test_a_learned_forms_blanks_are_valid() -> None:
    revised = form_from_data(revision_description())
    blank = build_template(tagged=False, council=None, form=revised)
    assert validate_docx(blank) == []
    learned = learn_form(blank).form
    assert validate_docx(build_template(tagged=True, form=learned)) == []


@pytest.mark.parametrize("template", ["case-audit-3.2.docx", "case-audit-3.2-untagged.docx"])
def test_generated_v32_forms_are_valid(tmp_path: Path, template: str) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text("Case ID,Child,Social worker,Audit start date\n"
                     'CA-1 & <2>,"Zoë  ""Zed"" O\'Brien ",Sam  Placeholder,2024-03-04\n'
                     "CA-2,Amir Example,Jo Example,04/03/2024\n", encoding="utf-8")
    result = generate_forms(cases, tmp_path / "out", template=TEMPLATES / template,
                            settings={"auditor": "Jo  Example"})
    assert len(result.forms) == 2
    for generated in result.forms:
        assert validate_docx(generated.path) == [], generated.path.name


def test_generated_forms_of_another_form_are_valid(tmp_path: Path) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text("Case reference,Allocated worker,Team,Reviewer,Review date\n"
                     "NB/1,Sam  Worker,East ,Jo Reviewer,12/03/2024\n", encoding="utf-8")
    [generated] = generate_forms(cases, tmp_path / "out", form=OTHER).forms
    assert validate_docx(generated.path) == []


def test_a_form_filled_every_word_way_is_valid() -> None:
    sample = SAMPLES["05-tracked-changes"]
    answers = {fid: typed for fid, (typed, _) in sample.answers.items()}
    modes = {fid: mode for fid, mode in zip(answers, itertools.cycle(
        ("typed", "tracked", "unwrapped", "beside")))}
    filled = wordfill.fill_form(build_template(plain=True), answers, modes=modes,
                                previous={fid: "Earlier  text" for fid in answers})
    assert validate_docx(filled) == []


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_sample_is_valid(name: str) -> None:
    errors = validate_docx(ROOT / "samples" / "forms" / f"{name}.docx")
    if SAMPLES[name].libreoffice_saved:
        errors = [e for e in errors if not _LIBREOFFICE_SPACES.fullmatch(e)]
    assert errors == []


def test_the_samples_have_unique_bookmark_and_revision_ids() -> None:
    # the Word simulation once wrote dozens of _GoBack bookmarks, all w:id="0"
    data = (ROOT / "samples" / "forms" / "05-tracked-changes.docx").read_bytes()
    root = etree.fromstring(_member(data, "word/document.xml"))
    marks = list(root.iter(f"{{{W}}}bookmarkStart"))
    assert len(marks) > 10
    assert [m.get(f"{{{W}}}name") for m in marks].count("_GoBack") == 1
    revisions = [e.get(f"{{{W}}}id") for e in root.iter(f"{{{W}}}ins", f"{{{W}}}del")]
    assert len(revisions) > 2 and len(set(revisions)) == len(revisions)


# -- the validator catches what is broken -------------------------------------------------------


def _member(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read(name)


def _changed(data: bytes, name: str, change: Callable[[etree._Element], None] | None = None,
             *, raw: bytes | None = None, drop: bool = False) -> bytes:
    """A copy of the package ``data`` with member ``name`` changed, replaced, added or dropped."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename != name:
                dst.writestr(info, src.read(info))
        if not drop:
            if change is not None:
                root = etree.fromstring(src.read(name))
                change(root)
                raw = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                     standalone=True)
            assert raw is not None
            dst.writestr(name, raw)
    return out.getvalue()


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def _zoom_without_percent(root: etree._Element) -> None:
    zoom = root.find(_w("zoom"))
    assert zoom is not None
    del zoom.attrib[_w("percent")]


def _tag_after_id(root: etree._Element) -> None:
    pr = next(root.iter(_w("sdtPr")))
    tag = pr.find(_w("tag"))
    assert tag is not None
    pr.append(tag)  # tag must come before id, placeholder, showingPlcHdr


def _same_control_ids(root: etree._Element) -> None:
    for pr in root.iter(_w("sdtPr")):
        for control_id in pr.iterchildren(_w("id")):
            control_id.set(_w("val"), "7")


def _unknown_doc_part(root: etree._Element) -> None:
    next(root.iter(_w("docPart"))).set(_w("val"), "DefaultPlaceholder_99999999")


def _spaces_not_preserved(root: etree._Element) -> None:
    text = next(t for t in root.iter(_w("t")) if t.text and "  " in t.text)
    del text.attrib["{http://www.w3.org/XML/1998/namespace}space"]


def _drop_settings_override(root: etree._Element) -> None:
    for override in list(root):
        if override.get("PartName") == "/word/settings.xml":
            root.remove(override)


def _dangling_relationship(root: etree._Element) -> None:
    rel = etree.SubElement(root, root[0].tag, Id="rId99", Target="missing.xml",
                           Type=root[0].get("Type", ""))
    assert rel is not None


def _duplicate_bookmarks(root: etree._Element) -> None:
    paragraph = next(root.iter(_w("p")))
    for name in ("first", "second"):
        paragraph.append(etree.Element(_w("bookmarkStart"), {_w("id"): "3", _w("name"): name}))
        paragraph.append(etree.Element(_w("bookmarkEnd"), {_w("id"): "3"}))


def _duplicate_revisions(root: etree._Element) -> None:
    paragraph = next(root.iter(_w("p")))
    for _ in range(2):
        inserted = etree.SubElement(paragraph, _w("ins"),
                                    {_w("id"): "5", _w("author"): "A N Other"})
        etree.SubElement(etree.SubElement(inserted, _w("r")), _w("t")).text = "x"


def _unignored_w14(root: etree._Element) -> None:
    del root.attrib["{http://schemas.openxmlformats.org/markup-compatibility/2006}Ignorable"]
    next(root.iter(_w("p"))).set("{http://schemas.microsoft.com/office/word/2010/wordml}paraId",
                                 "1A2B3C4D")


BROKEN = {
    "zoom without percent": ("word/settings.xml", _zoom_without_percent,
                             f"attribute '{{{W}}}percent' is required"),
    "sdtPr out of order": ("word/document.xml", _tag_after_id,
                           f"{{{W}}}tag': This element is not expected"),
    "duplicate control ids": ("word/document.xml", _same_control_ids,
                              "content controls share w:id='7'"),
    "undefined docPart": ("word/document.xml", _unknown_doc_part,
                          "'DefaultPlaceholder_99999999' is not defined in the glossary"),
    "double space, no xml:space": ("word/document.xml", _spaces_not_preserved,
                                   "doubled spaces but no xml:space"),
    "part missing from content types": ("[Content_Types].xml", _drop_settings_override,
                                        "word/settings.xml:0: only the generic content type"),
    "dangling relationship": ("word/_rels/document.xml.rels", _dangling_relationship,
                              "targets /word/missing.xml, which the package does not hold"),
    "duplicate bookmark ids": ("word/document.xml", _duplicate_bookmarks,
                               "2 bookmarks share w:id='3'"),
    "duplicate revision ids": ("word/document.xml", _duplicate_revisions,
                               "2 revisions share w:id='5'"),
    "w14 without mc:Ignorable": ("word/document.xml", _unignored_w14, "paraId"),
}


@pytest.fixture(scope="module")
def valid() -> bytes:
    data = (TEMPLATES / "case-audit-3.2.docx").read_bytes()
    assert validate_docx(data) == []
    return data


@pytest.mark.parametrize("what", sorted(BROKEN))
def test_a_broken_copy_fails(valid: bytes, what: str) -> None:
    member, change, message = BROKEN[what]
    errors = validate_docx(_changed(valid, member, change))
    assert any(message in error for error in errors), errors


def test_a_member_without_any_content_type_fails(valid: bytes) -> None:
    errors = validate_docx(_changed(valid, "word/media/image1.xyz", raw=b"\x89not an image"))
    assert errors == ["word/media/image1.xyz:0: no content type in [Content_Types].xml"]


def test_a_glossary_without_its_styles_part_fails(valid: bytes) -> None:
    errors = validate_docx(_changed(valid, "word/glossary/_rels/document.xml.rels", drop=True))
    assert any("uses styles ['PlaceholderText'] but has no styles part" in e for e in errors)


def test_an_override_for_a_missing_part_fails(valid: bytes) -> None:
    errors = validate_docx(_changed(valid, "word/glossary/styles.xml", drop=True))
    assert any("override for /word/glossary/styles.xml, which the package does not hold" in e
               for e in errors), errors


def test_errors_name_part_and_line(valid: bytes) -> None:
    [error] = validate_docx(_changed(valid, "word/settings.xml", _zoom_without_percent))
    part, line, message = error.split(":", 2)
    assert (part, line.isdigit(), "zoom" in message) == ("word/settings.xml", True, True)


def test_ignorable_markup_and_alternate_content_are_processed_as_word_does(valid: bytes) -> None:
    def w14_and_alternate(root: etree._Element) -> None:
        paragraph = next(root.iter(_w("p")))
        paragraph.set("{http://schemas.microsoft.com/office/word/2010/wordml}paraId", "1A2B3C4D")
        mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
        alternate = etree.SubElement(paragraph, f"{{{mc}}}AlternateContent")
        choice = etree.SubElement(alternate, f"{{{mc}}}Choice", Requires="w14")
        etree.SubElement(choice, "{http://schemas.microsoft.com/office/word/2010/wordml}unknown")
        fallback = etree.SubElement(alternate, f"{{{mc}}}Fallback")
        etree.SubElement(etree.SubElement(fallback, _w("r")), _w("t")).text = "shown"

    assert validate_docx(_changed(valid, "word/document.xml", w14_and_alternate)) == []


def _png() -> bytes:
    """A 2x2 white PNG, made here so no binary sits in the repository."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    pixels = b"".join(b"\x00" + b"\xff\xff\xff" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(pixels)) + chunk(b"IEND", b""))
