"""One XSLT pass, in C, that flattens ``word/document.xml`` into a marked-up text stream.

Walking every element in Python costs about as much as parsing the document, so the walk is done
by libxslt and Python only reads the result (:mod:`caseaudit_docx.oxml.tokens`). The stylesheet
makes the *selections* of the accepted view (which elements can show text, which branch of
``mc:AlternateContent``, deleted content left out); every *judgement* that needs state or data
from elsewhere (field instructions, merged paragraphs, placeholders, glossary texts, symbols) is
left to Python, which sees the stream in document order.

The stream is text (``method="text"``). Structure is carried by markers: the private-use
character U+E000 and one ASCII letter (XML 1.0 cannot carry control characters, so a private-use
character is the only kind left). Each marker may be followed by a payload up to the next
marker: text for most, data for a few (control properties, a symbol, a cell's grid span, a
glossary entry's name). A document whose own text holds characters of U+E000-U+E01F would be
mistaken for structure, so such a document (rare: a private-use icon font) is first copied with
those characters escaped (:func:`escaped_copy`) and the reader unescapes every payload
(:func:`unescape`); the text read is the same either way, only slower. Whether a document needs
that is one byte search of its bytes (:func:`may_hold_reserved`).

The stylesheet is ours and compiled once: no ``document()``, no extensions, and
``XSLTAccessControl.DENY_ALL`` in case that ever changes.
"""

from __future__ import annotations

import re
from copy import deepcopy

from lxml import etree

from .ns import NSMAP

#: Markers: LEAD and one ASCII letter each, so that a payload is "anything but LEAD" (the
#: tokeniser's fastest loop) and the letter compares as a cached one-character string.
TYPES = {
    "TXT": "_",  # text goes on (starts the stream; ends a data payload)
    "P": "p",  # paragraph end
    "END": "e",  # end of the innermost open TC, TBL, SDT, ISDT, GROUP, TXBX, HIDE or GLOSS
    "TC": "c",  # table cell start
    "TR": "r",  # table row start (a row ends at the next TR or at its table's END)
    "TBL": "t",  # table start
    "SDT": "s",  # block-, cell- or body-level content control start; payload: its properties
    "ISDT": "i",  # inline content control start; payload: its properties
    "SPAN": "n",  # the cell's w:gridSpan; payload: its value
    "CDEL": "d",  # the cell (w:tcPr/w:cellDel) or row (w:trPr/w:del) was deleted
    "MARK": "m",  # the paragraph mark was deleted (w:pPr/w:rPr/w:del or w:moveFrom)
    "FB": "b",  # w:fldChar begin
    "FSEP": "f",  # w:fldChar separate
    "FE": "g",  # w:fldChar end
    "SYM": "y",  # w:sym; payload: char FS font
    "TXBX": "x",  # text box content start
    "HIDE": "h",  # run content shown only outside field instructions (ruby, alternate content)
    "GROUP": "o",  # block-level customXml or alternate-content branch (its own merge scope)
    "FLUSH": "l",  # another block-level element (ends a pending paragraph merge in a cell)
    "GLOSS": "q",  # glossary building block start; payload: its name
}
LEAD = "\ue000"
MARK = {name: LEAD + letter for name, letter in TYPES.items()}
#: Separates fields inside a data payload; escapes a reserved character of the document itself.
FS, ESC = "\ue001", "\ue002"
#: Characters the stream reserves: a document holding any of them takes the escaped path.
RESERVED = "\ue000-\ue01f"

_KINDS = ("w:text", "w:richText", "w:dropDownList", "w:comboBox", "w:picture", "w:docPartObj",
          "w:docPartList", "w:group", "w:citation", "w:bibliography", "w:equation",
          "w15:repeatingSection", "w15:repeatingSectionItem")
_INLINE_IGNORED = " | ".join(
    ["w:del", "w:moveFrom", "w:proofErr", "w:customXmlPr", "w:smartTagPr", "w:fldData",
     "w:sdtEndPr", "w:sdtPr"]
    + [f"w:{name}{edge}"
       for name in ("bookmark", "commentRange", "perm", "moveFromRange", "moveToRange",
                    "customXmlInsRange", "customXmlDelRange", "customXmlMoveFromRange",
                    "customXmlMoveToRange")
       for edge in ("Start", "End")]
)
# "=value" when the attribute is there, "" when not (an empty value is still a value).
_PRESENT = '<xsl:for-each select="@w:val">=<xsl:value-of select="."/></xsl:for-each>'
_HAS_TEXT_BOX = "descendant-or-self::w:txbxContent"

# Templates by mode: "block" (body, cells, control content, text boxes), "row" (inside w:tbl),
# "cell" (inside w:tr), "inline" (inside w:p), "run" (inside w:r), "obj" (inside drawings, to
# find text boxes) and "pr" (control properties, one "@FS@key@FS@value" pair each).
# Selections name only what can carry text, so property and drawing internals are not visited.
# A plain <xsl:apply-templates/> walks the children in C without evaluating an XPath (about a
# tenth faster overall); it also meets text nodes, which every such mode therefore drops (the
# only text read is that of w:t). w:tc keeps select="*": its w:tcPr counts only as the first
# element, and position() must count elements only.
_TEMPLATES = f"""
<xsl:output method="text" encoding="UTF-8"/>

<xsl:template match="w:p" mode="block"><xsl:apply-templates mode="inline"/>@P@</xsl:template>
<xsl:template match="w:tbl" mode="block">@TBL@<xsl:apply-templates mode="row"/>@END@</xsl:template>
<xsl:template match="w:sdt" mode="block">@SDT@<xsl:apply-templates
    select="w:sdtPr[last()]/*" mode="pr"/>@TXT@<xsl:apply-templates
    select="w:sdtContent[last()]/*" mode="block"/>@END@</xsl:template>
<xsl:template match="w:customXml" mode="block">@GROUP@<xsl:apply-templates
    mode="block"/>@END@</xsl:template>
<xsl:template match="mc:AlternateContent" mode="block"><xsl:choose>
  <xsl:when test="mc:Fallback">@GROUP@<xsl:apply-templates
      select="mc:Fallback[1]/*" mode="block"/>@END@</xsl:when>
  <xsl:when test="mc:Choice">@GROUP@<xsl:apply-templates
      select="mc:Choice[1]/*" mode="block"/>@END@</xsl:when>
  <xsl:otherwise>@FLUSH@</xsl:otherwise></xsl:choose></xsl:template>
<xsl:template match="w:tcPr" mode="block"><xsl:if test="position() = 1"><xsl:apply-templates
    select="w:gridSpan[last()] | w:cellDel[1]" mode="tcpr"/></xsl:if></xsl:template>
<xsl:template match="w:gridSpan" mode="tcpr">@SPAN@<xsl:value-of
    select="@w:val"/>@TXT@</xsl:template>
<xsl:template match="w:cellDel" mode="tcpr">@CDEL@</xsl:template>
<xsl:template match="*" mode="block">@FLUSH@</xsl:template>

<xsl:template match="w:tr" mode="row">@TR@<xsl:apply-templates mode="cell"/></xsl:template>
<xsl:template match="w:sdt" mode="row"><xsl:apply-templates
    select="w:sdtContent[last()]/*" mode="row"/></xsl:template>
<xsl:template match="w:customXml" mode="row"><xsl:apply-templates mode="row"/></xsl:template>
<xsl:template match="*" mode="row"/>

<xsl:template match="w:tc" mode="cell">@TC@<xsl:apply-templates
    select="*" mode="block"/>@END@</xsl:template>
<xsl:template match="w:sdt" mode="cell">@SDT@<xsl:apply-templates
    select="w:sdtPr[last()]/*" mode="pr"/>@TXT@<xsl:apply-templates
    select="w:sdtContent[last()]/*" mode="cell"/>@END@</xsl:template>
<xsl:template match="w:customXml" mode="cell"><xsl:apply-templates mode="cell"/></xsl:template>
<xsl:template match="w:trPr" mode="cell"><xsl:if
    test="w:del and parent::w:tr and not(preceding-sibling::*[not(self::w:tblPrEx)])"
    >@CDEL@</xsl:if></xsl:template>
<xsl:template match="*" mode="cell"/>

<xsl:template match="w:r" mode="inline"><xsl:apply-templates mode="run"/></xsl:template>
<xsl:template match="w:sdt" mode="inline">@ISDT@<xsl:apply-templates
    select="w:sdtPr[last()]/*" mode="pr"/>@TXT@<xsl:apply-templates
    select="w:sdtContent[last()]/*" mode="inline"/>@END@</xsl:template>
<xsl:template match="mc:AlternateContent" mode="inline"><xsl:apply-templates
    select="mc:Fallback[1]/* | mc:Choice[1][not(../mc:Fallback)]/*" mode="inline"
    /></xsl:template>
<xsl:template match="w:pPr" mode="inline"><xsl:if
    test="w:rPr/w:del or w:rPr/w:moveFrom">@MARK@</xsl:if></xsl:template>
<xsl:template match="{_INLINE_IGNORED}" mode="inline"/>
<xsl:template match="*" mode="inline"><xsl:apply-templates mode="inline"/></xsl:template>

<xsl:template match="w:t" mode="run"><xsl:value-of select="."/></xsl:template>
<xsl:template match="w:rPr" mode="run"/>
<xsl:template match="w:tab | w:ptab" mode="run"><xsl:text>&#9;</xsl:text></xsl:template>
<xsl:template match="w:br | w:cr" mode="run"><xsl:text>&#10;</xsl:text></xsl:template>
<xsl:template match="w:noBreakHyphen" mode="run">-</xsl:template>
<xsl:template match="w:fldChar" mode="run"><xsl:choose>
  <xsl:when test="@w:fldCharType = 'begin'">@FB@</xsl:when>
  <xsl:when test="@w:fldCharType = 'separate'">@FSEP@</xsl:when>
  <xsl:when test="@w:fldCharType = 'end'">@FE@</xsl:when></xsl:choose></xsl:template>
<xsl:template match="w:sym" mode="run">@SYM@<xsl:value-of select="@w:char"/>@FS@<xsl:value-of
    select="@w:font"/>@TXT@</xsl:template>
<xsl:template match="w:drawing | w:pict | w:object" mode="run"><xsl:apply-templates
    select="*[{_HAS_TEXT_BOX}]" mode="obj"/></xsl:template>
<xsl:template match="mc:AlternateContent" mode="run">@HIDE@<xsl:apply-templates
    select="mc:Fallback[1]/* | mc:Choice[1][not(../mc:Fallback)]/*" mode="run"
    />@END@</xsl:template>
<xsl:template match="w:ruby" mode="run">@HIDE@<xsl:apply-templates
    select="w:rubyBase[1]/*" mode="inline"/>@END@</xsl:template>
<xsl:template match="*" mode="run"/>

<xsl:template match="w:txbxContent" mode="obj">@TXBX@<xsl:apply-templates
    mode="block"/>@END@</xsl:template>
<xsl:template match="mc:AlternateContent" mode="obj"><xsl:apply-templates
    select="mc:Fallback[1]/*[{_HAS_TEXT_BOX}]
            | mc:Choice[1][not(../mc:Fallback)]/*[{_HAS_TEXT_BOX}]" mode="obj"/></xsl:template>
<xsl:template match="*" mode="obj"><xsl:apply-templates
    select="*[{_HAS_TEXT_BOX}]" mode="obj"/></xsl:template>

<xsl:template match="w:tag" mode="pr">@FS@t@FS@{_PRESENT}</xsl:template>
<xsl:template match="w:alias" mode="pr">@FS@a@FS@{_PRESENT}</xsl:template>
<xsl:template match="w:showingPlcHdr" mode="pr">@FS@s@FS@!<xsl:value-of
    select="@w:val"/></xsl:template>
<xsl:template match="w:placeholder" mode="pr"><xsl:for-each
    select="*">@FS@d@FS@{_PRESENT}</xsl:for-each></xsl:template>
<xsl:template match="w:date" mode="pr">@FS@k@FS@date@FS@D@FS@<xsl:value-of
    select="@w:fullDate"/></xsl:template>
<xsl:template match="w14:checkbox" mode="pr">@FS@k@FS@checkbox@FS@x@FS@<xsl:value-of
    select="concat(substring('!', 2 - count(w14:checked[1])), w14:checked[1]/@w14:val)"
    />@FS@C@FS@<xsl:value-of select="w14:checkedState[1]/@w14:val"
    />@FS@U@FS@<xsl:value-of select="w14:uncheckedState[1]/@w14:val"/></xsl:template>
{"".join(f'<xsl:template match="{k}" mode="pr">@FS@k@FS@{k.partition(":")[2]}</xsl:template>'
         for k in _KINDS)}
<xsl:template match="*" mode="pr"/>
<xsl:template match="text()" mode="block"/>
<xsl:template match="text()" mode="row"/>
<xsl:template match="text()" mode="cell"/>
<xsl:template match="text()" mode="inline"/>
<xsl:template match="text()" mode="run"/>
"""

_DOCUMENT_ROOT = """
<xsl:template match="/">@TXT@<xsl:apply-templates
    select="*/w:body[1]/*" mode="block"/></xsl:template>
"""
_GLOSSARY_ROOT = """
<xsl:template match="/">@TXT@<xsl:for-each select="//w:docPart">
  <xsl:variable name="name" select="string(w:docPartPr[1]/w:name[1]/@w:val)"/>
  <xsl:if test="$name != '' and w:docPartBody">@GLOSS@<xsl:value-of
      select="$name"/>@TXT@<xsl:apply-templates
      select="w:docPartBody[1]/*" mode="block"/>@END@</xsl:if>
</xsl:for-each></xsl:template>
"""


_SOURCE_MARKS = {**MARK, "FS": FS}


def _stylesheet(root_template: str) -> etree.XSLT:
    namespaces = " ".join(f'xmlns:{p}="{NSMAP[p]}"' for p in ("w", "w14", "w15", "mc"))
    source = re.sub(
        r"@(\w+)@", lambda m: "".join(f"&#x{ord(c):X};" for c in _SOURCE_MARKS[m.group(1)]),
        '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" '
        f"{namespaces}>{root_template}{_TEMPLATES}</xsl:stylesheet>",
    )
    deny_all = etree.XSLTAccessControl.DENY_ALL  # type: ignore[attr-defined]  # not in lxml-stubs
    return etree.XSLT(etree.XML(source), access_control=deny_all)


_DOCUMENT = _stylesheet(_DOCUMENT_ROOT)
_GLOSSARY = _stylesheet(_GLOSSARY_ROOT)


def document_stream(root: etree._Element) -> str:
    """The stream of the body of ``root`` (``w:document``)."""
    return str(_DOCUMENT(root))


def glossary_stream(root: etree._Element) -> str:
    """The stream of every named building block of a glossary document."""
    return str(_GLOSSARY(root))


# -- documents that hold the reserved characters themselves -------------------------------------

_UTF8_NAMES = frozenset({b"utf-8", b"utf8", b"us-ascii", b"ascii"})
_ENCODING = re.compile(rb"""^(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*["']([^"']*)""")
#: A character reference into U+E000-U+E0FF (a superset of the reserved range, to keep it short).
_RESERVED_REF = re.compile(rb"&#(?:[xX]0*[eE]0[0-9a-fA-F]{2}|0*57[3-5][0-9]{2});")
_RESERVED_CHAR = re.compile(f"[{RESERVED}]")
_ESCAPED = re.compile(f"{ESC}([0-9a-f]{{2}})")


def may_hold_reserved(data: bytes) -> bool:
    """Whether the XML ``data`` may hold a character of the reserved range (it may say yes
    when it does not, never no when it does). Fast for the usual UTF-8 part: in UTF-8, U+E000 to
    U+EFFF are the only characters whose encoding starts with byte 0xEE."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00", b"<\x00", b"\x4c\x6f")):  # UTF-16/32..
        return True
    declared = _ENCODING.match(data[:200])
    if declared and declared.group(1).lower() not in _UTF8_NAMES:
        return True  # another encoding may spell those characters with other bytes
    return b"\xee" in data or (b"#" in data and _RESERVED_REF.search(data) is not None)


def holds_reserved(root: etree._Element) -> bool:
    """Whether the tree under ``root`` holds a reserved character (when its bytes are unknown)."""
    return b"\xee" in etree.tostring(root, encoding="utf-8")


def escaped_copy(root: etree._Element) -> etree._Element:
    """A copy of ``root`` with each reserved character of its text and attributes written as
    ESC and two hex digits, so that the stream's markers are the stylesheet's alone."""
    copy = deepcopy(root)
    search, sub = _RESERVED_CHAR.search, _RESERVED_CHAR.sub

    def escape(match: re.Match[str]) -> str:
        return f"{ESC}{ord(match.group()) - 0xE000:02x}"

    for node in copy.iter():
        if node.text and search(node.text):
            node.text = sub(escape, node.text)
        if node.tail and search(node.tail):
            node.tail = sub(escape, node.tail)
        for name, value in node.attrib.items():
            if isinstance(value, str) and search(value):
                node.set(name, sub(escape, value))
    return copy


def unescape(text: str) -> str:
    """Undo :func:`escaped_copy` in one payload or field."""
    if ESC not in text:
        return text
    return _ESCAPED.sub(lambda m: chr(0xE000 + int(m.group(1), 16)), text)
