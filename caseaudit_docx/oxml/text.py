"""Read ``word/document.xml`` into the frozen views of :mod:`caseaudit_docx.oxml.view`.

Text is what a reader of the page sees with every tracked change accepted (ECMA-376 Part 1,
17.13.5): insertions and moves-to in; deletions, moves-from and deleted rows and cells out; a
deleted paragraph mark joins its paragraph to the next one (within the same cell or container).
Fields show only their result, never their instruction. Of ``mc:AlternateContent`` exactly one
branch is read: the ``mc:Fallback`` when there is one, else the first ``mc:Choice``. Text boxes
are read at their anchor, on lines of their own. Hidden text (``w:vanish``) is kept: a form's
hidden text is still what the writer typed, and Word prints it when asked to.

Elements inside a paragraph that this reader does not know are read *through* (their runs still
count), so that no wrapper Word adds later can make text vanish silently.

How: walking every element in Python cost about as much as parsing the document, so one
compiled XSLT pass walks the tree in C and writes a flat, marked-up text stream
(:mod:`.stream`), which one Python loop reads into the views (:mod:`.tokens`). Extraction
parses a tree with what this reader never reads left out of the bytes first (:mod:`.lean`,
``read_package(..., text_only=True)``): the view is the same, at about half the parsing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from lxml import etree

from . import stream
from .tokens import DEFAULT_PLACEHOLDER_TEXTS, Reader
from .view import DocumentView

if TYPE_CHECKING:
    from .package import DocxPackage

__all__ = ["DEFAULT_PLACEHOLDER_TEXTS", "document_view", "glossary_placeholders",
           "read_document"]

Element = etree._Element


def read_document(pkg: DocxPackage) -> DocumentView:
    """The body of an opened package as a reader sees it."""
    data = getattr(pkg, "document_xml", None)  # any package-like object will do
    return _view(pkg.document, pkg.glossary, pkg.modified, pkg.title, data)


def document_view(
    root: Element,
    glossary: Mapping[str, str] | None = None,
    modified: str | None = None,
    title: str | None = None,
) -> DocumentView:
    """Views of ``w:document`` (``root``): tables and paragraphs of the body, in order.

    ``glossary`` maps glossary ``docPart`` names to their text (custom placeholders).
    """
    return _view(root, glossary, modified, title, None)


def glossary_placeholders(root: Element) -> dict[str, str]:
    """``{docPart name: text}`` for every building block of a glossary document."""
    return glossary_entries(root, None)


def glossary_entries(root: Element, data: bytes | None) -> dict[str, str]:
    """Like :func:`glossary_placeholders`; ``data``, when given, are the bytes ``root`` was
    parsed from (they make the check for reserved characters cheap)."""
    escaped = _holds_reserved(root, data)
    reader = Reader({}, escaped)
    reader.blocks(stream.glossary_stream(stream.escaped_copy(root) if escaped else root))
    return reader.entries


def _view(
    root: Element, glossary: Mapping[str, str] | None, modified: str | None,
    title: str | None, data: bytes | None,
) -> DocumentView:
    escaped = _holds_reserved(root, data)
    text = stream.document_stream(stream.escaped_copy(root) if escaped else root)
    blocks = Reader(glossary or {}, escaped).blocks(text)
    return DocumentView(blocks=tuple(blocks), modified=modified, title=title)


def _holds_reserved(root: Element, data: bytes | None) -> bool:
    """Whether the document may hold the stream's marker characters itself: from its bytes
    when known (a byte search), else from the tree (one serialisation)."""
    return stream.may_hold_reserved(data) if data is not None else stream.holds_reserved(root)
