"""Opening a .docx: read-only, bounded, and a clear one-line refusal for everything else."""

from __future__ import annotations

import hashlib
import io
import os
import time
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseaudit_docx.errors import NotAFormError, UnsafeFileError
from caseaudit_docx.oxml.ns import STRICT_W
from caseaudit_docx.oxml.package import (
    DocxPackage,
    Limits,
    read_package,
    read_package_bytes,
)
from caseaudit_docx.oxml.text import read_document

from .oxmlbuild import (
    W,
    add_overlapping_entry,
    build_docx,
    core_xml,
    document_xml,
    ole_file,
    p,
    patch_declared_size,
    r,
    relationships,
    sdt,
    zip_bytes,
)
from .test_oxml_parser import BILLION_LAUGHS, xxe_document


def write(tmp_path, data: bytes, name: str = "form.docx"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def refusal(tmp_path, data: bytes, name: str = "form.docx", **kwargs) -> NotAFormError:
    """The error read_package raises for ``data``; checks it is one line naming the file."""
    path = write(tmp_path, data, name)
    with pytest.raises(NotAFormError) as caught:
        read_package(path, **kwargs)
    error = caught.value
    assert error.path == str(path)
    assert str(error).startswith(f"{path}: ")
    assert "\n" not in str(error)
    return error


# -- a good package ----------------------------------------------------------------------------


def test_reads_a_docx(tmp_path):
    data = build_docx(
        p(r("Hello")),
        glossary={"ABCDEF0123456789ABCDEF0123456789": "Enter the child's name."},
        core=core_xml(title="Audit of case 42", modified="2024-05-01T10:20:00Z"),
    )
    path = write(tmp_path, data)
    pkg = read_package(path)
    assert isinstance(pkg, DocxPackage)
    assert pkg.path == path
    assert pkg.sha256 == hashlib.sha256(data).hexdigest()
    assert pkg.size == len(data)
    assert pkg.document.tag == f"{{{W}}}document"
    assert dict(pkg.glossary) == {"ABCDEF0123456789ABCDEF0123456789": "Enter the child's name."}
    assert pkg.modified == "2024-05-01T10:20:00Z"
    assert pkg.title == "Audit of case 42"
    assert read_document(pkg).paragraphs[0].text == "Hello"


def test_package_is_frozen(tmp_path):
    pkg = read_package(write(tmp_path, build_docx()))
    with pytest.raises(AttributeError):
        pkg.title = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        pkg.glossary["x"] = "y"  # type: ignore[index]


def test_the_file_is_left_unchanged(tmp_path):
    path = write(tmp_path, build_docx(glossary={"G": "x"}))
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    stat = os.stat(path)
    pkg = read_package(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before == pkg.sha256
    assert os.stat(path).st_mtime_ns == stat.st_mtime_ns
    assert os.stat(path).st_size == stat.st_size


def test_a_read_only_file_can_be_read(tmp_path):
    path = write(tmp_path, build_docx())
    path.chmod(0o444)
    assert read_package(path).title == "Case audit"


def test_in_memory_reading_matches_reading_the_file(tmp_path):
    data = build_docx(glossary={"G": "Type here"})
    from_file = read_package(write(tmp_path, data))
    from_bytes = read_package_bytes(data, "in-memory.docx")
    assert from_bytes.sha256 == from_file.sha256
    assert dict(from_bytes.glossary) == dict(from_file.glossary)
    assert str(from_bytes.path) == "in-memory.docx"
    assert read_package_bytes(data).path is None


def test_main_part_is_found_through_the_package_relationship():
    data = build_docx(p(r("moved")), main_name="word/main.xml")
    assert read_document(read_package_bytes(data)).paragraphs[0].text == "moved"


def test_glossary_found_at_the_default_path_without_a_relationship():
    from .oxmlbuild import glossary_xml

    data = build_docx(extra={"word/glossary/document.xml": glossary_xml({"GUID1": "Pick one"})})
    assert dict(read_package_bytes(data).glossary) == {"GUID1": "Pick one"}


def test_missing_core_properties_give_none():
    pkg = read_package_bytes(build_docx(omit=("docProps/core.xml",)))
    assert (pkg.modified, pkg.title) == (None, None)
    empty = read_package_bytes(build_docx(core=core_xml(title=" ", modified=None)))
    assert (empty.modified, empty.title) == (None, None)


def test_only_the_needed_parts_are_read():
    """A broken image or styles part does not matter: those parts are never opened."""
    good = build_docx(extra={"word/media/image1.png": b"\x89PNG" + bytes(1000)})
    assert read_document(read_package_bytes(good)).paragraphs[0].text == "Hello"
    broken = zip_bytes(
        {name: data for name, data in _members(good).items()}
        | {"word/styles.xml": b"<w:styles><unclosed>"}
    )
    assert read_document(read_package_bytes(broken)).paragraphs[0].text == "Hello"


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


# -- files that are not .docx forms -------------------------------------------------------------


def test_missing_file(tmp_path):
    with pytest.raises(NotAFormError, match="file not found") as caught:
        read_package(tmp_path / "nope.docx")
    assert "\n" not in str(caught.value)


def test_directory(tmp_path):
    folder = tmp_path / "folder.docx"
    folder.mkdir()
    with pytest.raises(NotAFormError, match="is a folder"):
        read_package(folder)


def test_word_lock_file(tmp_path):
    data = b"\x05alice" + b"\x00" * 48 + "alice".encode("utf-16-le") + b"\x00" * 100
    error = refusal(tmp_path, data, name="~$form.docx")
    assert "lock file" in error.message
    # even a lock file with valid contents is skipped, by name
    assert "lock file" in refusal(tmp_path, build_docx(), name="~$copy.docx").message


def test_empty_file(tmp_path):
    assert "is empty" in refusal(tmp_path, b"").message


def test_legacy_doc(tmp_path):
    error = refusal(tmp_path, ole_file("WordDocument", "1Table", "\x05SummaryInformation"))
    assert "Word 97-2003 .doc" in error.message
    assert "password" not in error.message


def test_encrypted_docx(tmp_path):
    error = refusal(
        tmp_path,
        ole_file("\x06DataSpaces", "EncryptionInfo", "EncryptedPackage"),
    )
    assert "password-protected" in error.message
    assert ".doc file" not in error.message


def test_other_ole_file(tmp_path):
    assert "legacy Excel" in refusal(tmp_path, ole_file("Workbook")).message
    assert "OLE compound document" in refusal(tmp_path, ole_file("Contents")).message


def test_pdf(tmp_path):
    assert "is a PDF" in refusal(tmp_path, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n").message


def test_rtf(tmp_path):
    error = refusal(tmp_path, rb"{\rtf1\ansi\deff0 {\fonttbl {\f0 Arial;}} Hello}", "form.doc")
    assert "RTF document" in error.message


def test_flat_opc_xml(tmp_path):
    data = (
        b'<?xml version="1.0" standalone="yes"?>\n<?mso-application progid="Word.Document"?>\n'
        b'<pkg:package xmlns:pkg="http://schemas.microsoft.com/office/2006/xmlPackage">'
        b"</pkg:package>"
    )
    assert "Flat OPC" in refusal(tmp_path, data, "form.xml").message


def test_word_2003_xml(tmp_path):
    data = (
        b'<?xml version="1.0"?>\n<w:wordDocument '
        b'xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml"></w:wordDocument>'
    )
    assert "Word 2003 XML" in refusal(tmp_path, data, "form.xml").message


def test_other_xml_and_html(tmp_path):
    assert "XML file" in refusal(tmp_path, b'<?xml version="1.0"?><x/>').message
    assert "web page" in refusal(tmp_path, b"<html><body>Hi</body></html>", "form.doc").message


def test_plain_text(tmp_path):
    assert "not a zip package" in refusal(tmp_path, b"Just some notes\n").message


@pytest.mark.parametrize("cut", [30, 200, -22, -5])
def test_truncated_zip(tmp_path, cut):
    data = build_docx()
    error = refusal(tmp_path, data[:cut])
    assert "damaged or incomplete" in error.message


def test_garbage_after_zip_signature(tmp_path):
    error = refusal(tmp_path, b"PK\x03\x04" + os.urandom(300))
    assert "not a readable zip package" in error.message


def test_zip_that_is_not_an_office_package(tmp_path):
    error = refusal(tmp_path, zip_bytes({"notes.txt": b"hello"}))
    assert "no [Content_Types].xml" in error.message


def test_odt(tmp_path):
    data = zip_bytes(
        {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}
    )
    assert "OpenDocument text" in refusal(tmp_path, data, "form.odt").message


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
DOCM = "application/vnd.ms-word.document.macroEnabled.main+xml"
DOTX = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"


@pytest.mark.parametrize(
    ("main_name", "main_type", "expected"),
    [
        ("xl/workbook.xml", XLSX, "Excel workbook (.xlsx)"),
        ("ppt/presentation.xml", PPTX, "PowerPoint presentation (.pptx)"),
        ("word/document.xml", DOTX, "Word template (.dotx)"),
    ],
)
def test_other_office_packages(tmp_path, main_name, main_type, expected):
    data = build_docx(main_name=main_name, main_type=main_type)
    assert expected in refusal(tmp_path, data).message


VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"


def test_a_macro_enabled_document_reads_like_a_docx(tmp_path):
    body = p(r("Case number: "), sdt(r("CA-1"), tag="case_number"))
    docx = read_package(write(tmp_path, build_docx(body), "form.docx"))
    docm = read_package(write(tmp_path, build_docx(body, main_type=DOCM), "form.docm"))
    assert read_document(docm) == read_document(docx)
    assert docm.title == docx.title and docm.modified == docx.modified


def test_a_docm_s_macros_are_never_read(tmp_path, monkeypatch):
    # Only XML parts are ever opened: a .docm's macro project is never read, run or kept.
    data = build_docx(
        p(r("x")), main_type=DOCM,
        extra={
            "word/vbaProject.bin": b"\xd0\xcf\x11\xe0 not really VBA",
            "word/_rels/document.xml.rels": relationships([(VBA_REL, "vbaProject.bin")]),
        },
    )
    read_zip = []
    original_open = zipfile.ZipFile.open

    def recording_open(self, name, *args, **kwargs):
        read_zip.append(getattr(name, "filename", name))
        return original_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", recording_open)
    package = read_package(write(tmp_path, data, "macros.docm"))
    assert package.document.tag == f"{{{W}}}document"
    assert "word/document.xml" in read_zip
    assert "word/vbaProject.bin" not in read_zip


DOTM = "application/vnd.ms-word.template.macroEnabledTemplate.main+xml"


@pytest.mark.parametrize("main_type", [DOTX, DOTM])
def test_a_template_is_read_only_where_a_blank_is_wanted(main_type):
    data = build_docx(main_type=main_type)
    with pytest.raises(NotAFormError, match="template"):
        read_package_bytes(data, "blank.dotx")
    package = read_package_bytes(data, "blank.dotx", blank=True)
    assert package.document.tag == f"{{{W}}}document"


@pytest.mark.parametrize("main_type", [XLSX, PPTX])
def test_a_blank_is_still_a_word_document_or_template(main_type):
    with pytest.raises(NotAFormError):
        read_package_bytes(build_docx(main_type=main_type), "x.docx", blank=True)


def test_a_macro_enabled_document_is_also_a_blank():
    package = read_package_bytes(build_docx(main_type=DOCM), "blank.docm", blank=True)
    assert package.document.tag == f"{{{W}}}document"


@pytest.mark.parametrize("main_name", ["word/document.xml", "word/document2.xml"])
def test_strict_ooxml(tmp_path, main_name):
    data = build_docx(
        document=document_xml(p(r("x")), namespace=STRICT_W),
        office_rel="http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",
        main_name=main_name,
    )
    assert "Strict Open XML" in refusal(tmp_path, data).message


def test_strict_namespace_with_transitional_relationship(tmp_path):
    data = build_docx(document=document_xml(p(r("x")), namespace=STRICT_W))
    assert "Strict Open XML" in refusal(tmp_path, data).message


def test_main_part_missing(tmp_path):
    data = build_docx(omit=("word/document.xml",))
    assert "not a Word document" in refusal(tmp_path, data).message


def test_main_part_that_is_not_a_document(tmp_path):
    data = build_docx(document=b'<w:styles xmlns:w="%s"/>' % W.encode())
    assert "not a Word document body" in refusal(tmp_path, data).message


def test_malformed_main_part(tmp_path):
    data = build_docx(document=document_xml(p(r("x")))[:-20])
    error = refusal(tmp_path, data)
    assert type(error) is NotAFormError
    assert "word/document.xml" in error.message and "not well-formed" in error.message


def test_malformed_core_properties_are_reported(tmp_path):
    error = refusal(tmp_path, build_docx(core=b"<cp:coreProperties"))
    assert "docProps/core.xml" in error.message


# -- hostile packages ----------------------------------------------------------------------------


def test_xxe_in_document_never_leaks(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT-1234")
    data = build_docx(document=xxe_document(str(secret)))
    with pytest.raises(UnsafeFileError) as caught:
        read_package(write(tmp_path, data))
    assert "TOP-SECRET" not in str(caught.value)
    assert "DTD" in str(caught.value)


def test_xxe_in_core_properties_never_leaks(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT-1234")
    core = (
        f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        "<dc:title>&xxe;</dc:title></cp:coreProperties>"
    ).encode()
    with pytest.raises(UnsafeFileError) as caught:
        read_package_bytes(build_docx(core=core))
    assert "TOP-SECRET" not in str(caught.value)


def test_billion_laughs_in_document_fails_fast(tmp_path):
    start = time.perf_counter()
    error = refusal(tmp_path, build_docx(document=BILLION_LAUGHS))
    assert isinstance(error, UnsafeFileError)
    assert time.perf_counter() - start < 1.0


def _zeros_member(name: str, size: int) -> bytes:
    """A real, highly compressible member of ``size`` zero bytes, streamed (little memory)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for member, data in _members(build_docx()).items():
            archive.writestr(member, data)
        with archive.open(name, "w", force_zip64=False) as handle:
            chunk = bytes(1024 * 1024)
            for _ in range(size // len(chunk)):
                handle.write(chunk)
    return buffer.getvalue()


def test_huge_member_is_refused_before_reading(tmp_path):
    data = _zeros_member("word/media/padding.bin", 80 * 1024 * 1024)
    assert len(data) < 1024 * 1024
    start = time.perf_counter()
    error = refusal(tmp_path, data)
    assert isinstance(error, UnsafeFileError)
    assert "word/media/padding.bin" in error.message and "80 MB" in error.message
    assert time.perf_counter() - start < 1.0


def test_compression_ratio_is_bounded(tmp_path):
    data = _zeros_member("word/media/padding.bin", 4 * 1024 * 1024)
    error = refusal(tmp_path, data)
    assert isinstance(error, UnsafeFileError)
    assert "compressed" in error.message and ":1" in error.message


def test_part_size_limit(tmp_path):
    data = build_docx(p(r("x" * 5000)))
    error = refusal(tmp_path, data, limits=Limits(max_part_size=4000))
    assert isinstance(error, UnsafeFileError) and "word/document.xml" in error.message


def test_total_size_limit(tmp_path):
    data = build_docx(extra={f"word/media/image{i}.bin": os.urandom(3000) for i in range(5)})
    error = refusal(tmp_path, data, limits=Limits(max_total_size=10_000))
    assert isinstance(error, UnsafeFileError) and "in total" in error.message


def test_member_count_limit(tmp_path):
    data = build_docx(extra={f"customXml/item{i}.xml": b"<x/>" for i in range(20)})
    error = refusal(tmp_path, data, limits=Limits(max_members=10))
    assert isinstance(error, UnsafeFileError) and "zip members" in error.message


def test_file_size_limit(tmp_path):
    error = refusal(tmp_path, build_docx(), limits=Limits(max_file_size=100))
    assert isinstance(error, UnsafeFileError)


def test_member_whose_header_lies_about_its_size(tmp_path):
    """Declared 100 bytes, really 40 KB: zipfile stops at 100 and the CRC check fails."""
    body = p(r("A long paragraph of text. " * 1500))
    data = patch_declared_size(build_docx(body), "word/document.xml", 100)
    error = refusal(tmp_path, data)
    assert "damaged" in error.message and "word/document.xml" in error.message


def test_member_whose_header_overstates_its_size(tmp_path):
    data = patch_declared_size(build_docx(), "word/document.xml", 50_000)
    error = refusal(tmp_path, data)
    assert "damaged" in error.message and "word/document.xml" in error.message


def test_member_larger_than_declared_is_never_read_past_its_declaration(tmp_path):
    """Declared within the limits, really larger: reading stops at the declared size (zipfile
    cuts there, and the bytes are counted too) and the file is reported as damaged."""
    body = p(r("x" * 200_000))
    data = patch_declared_size(build_docx(body), "word/document.xml", 60_000)
    error = refusal(tmp_path, data, limits=Limits(max_part_size=80_000))
    assert "damaged" in error.message and "word/document.xml" in error.message


def test_overlapping_entries_are_refused(tmp_path):
    data = add_overlapping_entry(build_docx(p(r("y" * 3000))), "word/document.xml",
                                 "word/documenX.xml")
    error = refusal(tmp_path, data)
    assert isinstance(error, UnsafeFileError) and "overlapping" in error.message


def test_sdt_document_reads_through_package(tmp_path):
    body = p(r("Name: "), sdt(r("Jo"), tag="child_name"))
    pkg = read_package(write(tmp_path, build_docx(body)))
    paragraph = read_document(pkg).paragraphs[0]
    assert paragraph.text == "Name: Jo"
    assert paragraph.controls[0].tag == "child_name"


SMALL_DOCX = build_docx(p(r("Name: "), sdt(r("Jo"))), glossary={"G": "Type here"})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(SMALL_DOCX) - 1), st.integers(0, 255)),
                min_size=1, max_size=4),
       st.integers(0, len(SMALL_DOCX)))
def test_damaged_bytes_give_a_package_or_a_one_line_refusal(flips, keep):
    """Flipped bytes and truncation never escape as anything but NotAFormError."""
    data = bytearray(SMALL_DOCX)
    for position, value in flips:
        data[position] = value
    try:
        pkg = read_package_bytes(bytes(data[:keep]), "fuzz.docx")
    except NotAFormError as error:
        assert "\n" not in str(error)
    else:
        read_document(pkg)
