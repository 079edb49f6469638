"""Namespace prefixes of WordprocessingML, ``qn()`` (the Clark-name helper) and how a grid
number attribute reads."""

from __future__ import annotations

NSMAP: dict[str, str] = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "w15": "http://schemas.microsoft.com/office/word/2012/wordml",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "v": "urn:schemas-microsoft-com:vml",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
}

W = NSMAP["w"]
STRICT_W = "http://purl.oclc.org/ooxml/wordprocessingml/main"


def qn(tag: str) -> str:
    """Turn ``"w:p"`` into lxml's Clark name ``"{http://…/main}p"``."""
    prefix, _, local = tag.partition(":")
    return f"{{{NSMAP[prefix]}}}{local}"


def grid_number(value: str | None, *, least: int) -> int:
    """A ``w:gridSpan``/``w:gridBefore`` value (ST_DecimalNumber) as written by many hands:
    absent, empty, negative or not a number reads as ``least``, so that a damaged attribute
    never stops a form being read or filled."""
    return max(least, int(value)) if value and value.isdecimal() else least
