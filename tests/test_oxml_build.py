"""The WordprocessingML writing helpers that keep our output schema-valid
(caseaudit_docx/oxml/build.py): spaced text, the zoom, the glossary's own styles."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from caseaudit_docx.oxml import build
from caseaudit_docx.oxml.ns import NSMAP, qn

W = NSMAP["w"]
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _text(value: str) -> etree._Element:
    root = etree.fromstring(f'<w:p xmlns:w="{W}"><w:r><w:t/></w:r></w:p>')
    root.find(f"{qn('w:r')}/{qn('w:t')}").text = value  # type: ignore[union-attr]
    return root


@given(st.text(alphabet=" ab", max_size=12))
def test_text_is_marked_exactly_when_collapsing_spaces_would_change_it(value: str) -> None:
    root = _text(value)
    build.preserve_spaces(root)
    marked = next(root.iter(qn("w:t"))).get(XML_SPACE) == "preserve"
    assert marked == (value != " ".join(value.split()))


def test_zoom_gets_the_percent_the_schema_requires_and_keeps_one_given() -> None:
    settings = etree.fromstring(f'<w:settings xmlns:w="{W}"><w:zoom w:val="bestFit"/></w:settings>')
    build.complete_zoom(settings)
    assert settings[0].get(qn("w:percent")) == "100"
    kept = etree.fromstring(f'<w:settings xmlns:w="{W}"><w:zoom w:percent="90"/></w:settings>')
    build.complete_zoom(kept)
    assert kept[0].get(qn("w:percent")) == "90"


def test_the_glossary_styles_hold_what_it_uses_and_their_bases_only() -> None:
    styles = etree.fromstring(
        f'<w:styles xmlns:w="{W}"><w:docDefaults/>'
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"/>'
        '<w:style w:type="character" w:styleId="Base"/>'
        '<w:style w:type="character" w:styleId="PlaceholderText"><w:basedOn w:val="Base"/>'
        '</w:style><w:style w:type="paragraph" w:styleId="Unused"/></w:styles>')
    glossary = build.glossary_document("Click here to enter text.")
    part = etree.fromstring(build.glossary_styles(styles, glossary))
    assert [s.get(qn("w:styleId")) for s in part.iter(qn("w:style"))] == [
        "Normal", "Base", "PlaceholderText"]
    assert part.find(qn("w:docDefaults")) is not None
