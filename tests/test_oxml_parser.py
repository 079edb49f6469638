"""The hardened parser: DTDs refused, entities never resolved, damage reported by part name."""

from __future__ import annotations

import time

import pytest
from lxml import etree

from caseaudit_docx.errors import NotAFormError, UnsafeFileError
from caseaudit_docx.oxml.parser import make_parser, parse_part

from .oxmlbuild import W, document_xml

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz>&lol9;</lolz>"""


def xxe_document(secret_path: str, encoding: str = "utf-8") -> bytes:
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret_path}">]>\n'
        f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>A&xxe;B</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )
    return text.encode(encoding)


@pytest.fixture
def secret(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("TOP-SECRET-CONTENT-1234")
    return path


def test_parses_a_part_and_keeps_whitespace_text():
    root = parse_part(
        document_xml('<w:p><w:r><w:t xml:space="preserve">  two  spaces </w:t></w:r></w:p>'),
        "word/document.xml",
    )
    assert root.tag == f"{{{W}}}document"
    assert [t.text for t in root.iter(f"{{{W}}}t")] == ["  two  spaces "]


def test_xxe_is_refused_and_never_leaks_the_file(secret):
    with pytest.raises(UnsafeFileError) as caught:
        parse_part(xxe_document(str(secret)), "word/document.xml", path="form.docx")
    message = str(caught.value)
    assert "DTD" in message and "word/document.xml" in message
    assert message.startswith("form.docx: ")
    assert "TOP-SECRET" not in message


def test_xxe_in_utf16_passes_the_byte_scan_but_is_still_refused(secret):
    data = xxe_document(str(secret), "utf-16")
    assert data.startswith(b"\xff\xfe") and b"<!DOCTYPE" not in data
    with pytest.raises(UnsafeFileError) as caught:
        parse_part(data, "word/document.xml")
    assert "TOP-SECRET" not in str(caught.value)


def test_the_parser_itself_never_resolves_external_entities(secret):
    """Even without the DTD refusal, the parser configuration cannot read the file."""
    try:
        root = etree.fromstring(xxe_document(str(secret)), make_parser())
    except etree.XMLSyntaxError as exc:
        assert "TOP-SECRET" not in str(exc)
    else:
        assert "TOP-SECRET" not in "".join(root.itertext())
        assert "TOP-SECRET" not in etree.tostring(root, encoding="unicode")


def test_billion_laughs_fails_fast():
    start = time.perf_counter()
    with pytest.raises(UnsafeFileError, match="DTD or entity declarations"):
        parse_part(BILLION_LAUGHS, "word/document.xml")
    assert time.perf_counter() - start < 1.0


def test_billion_laughs_against_the_bare_parser_does_not_expand():
    start = time.perf_counter()
    try:
        root = etree.fromstring(BILLION_LAUGHS, make_parser())
    except etree.XMLSyntaxError:
        pass
    else:
        assert len("".join(root.itertext())) < 1000
    assert time.perf_counter() - start < 1.0


def test_the_bare_parser_leaves_entities_unexpanded():
    """Small enough for libxml2's own amplification guard to let through: only our parser's
    settings keep the reference a reference."""
    data = (b'<!DOCTYPE x [<!ENTITY a "lol"><!ENTITY b "' + b"&a;" * 10 + b'">'
            b'<!ENTITY c "' + b"&b;" * 10 + b'">]><x>&c;</x>')
    root = etree.fromstring(data, make_parser())
    assert "lol" not in "".join(root.itertext())
    assert etree.tostring(root) == b"<x>&c;</x>"


def test_an_entity_declaration_without_doctype_keyword_is_refused():
    data = b'<?xml version="1.0"?><x><!ENTITY e "v"></x>'
    with pytest.raises(UnsafeFileError):
        parse_part(data, "docProps/core.xml")


def test_a_harmless_doctype_is_refused_too():
    with pytest.raises(UnsafeFileError, match="Word never writes"):
        parse_part(b'<!DOCTYPE html SYSTEM "about:legacy-compat"><x/>', "word/document.xml")


def test_malformed_xml_names_the_part():
    with pytest.raises(NotAFormError) as caught:
        parse_part(b"<w:document><w:body></w:document>", "word/document.xml", path="a.docx")
    assert type(caught.value) is NotAFormError
    assert "word/document.xml" in str(caught.value)
    assert "not well-formed" in str(caught.value)
    assert "\n" not in str(caught.value)
    assert caught.value.path == "a.docx"


def test_empty_part_is_not_a_form():
    with pytest.raises(NotAFormError, match=r"\[Content_Types\]\.xml"):
        parse_part(b"", "[Content_Types].xml")
