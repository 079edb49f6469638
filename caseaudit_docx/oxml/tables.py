"""The elements python-docx made, found from the parts' public ``element``, by position.

python-docx has an API for paragraphs, tables, rows and cells but none for what Word also
needs in them (content controls, shading, rows kept on one page), and reaching for the
element behind one of its objects means its private attributes (``_p``, ``_tr``, ``_tc``).
The template builder instead asks for the element here: the table it has just added is the
body's last, a row is its table's n-th, a cell its row's n-th (after a horizontal merge the
merged cells are one ``w:tc``, so a row's cells line up with the form's cells).
"""

from __future__ import annotations

from lxml import etree

from .ns import qn

__all__ = ["first_paragraph", "last_table", "row_cells", "table_rows"]


def last_table(document: etree._Element) -> etree._Element:
    """The last table of the ``w:document``'s body: the one python-docx has just added."""
    body = document.find(qn("w:body"))
    tables = body.findall(qn("w:tbl")) if body is not None else []
    if not tables:
        raise ValueError("the document's body has no table")
    return tables[-1]


def table_rows(tbl: etree._Element) -> list[etree._Element]:
    """A table's rows (``w:tr``), top to bottom."""
    return tbl.findall(qn("w:tr"))


def row_cells(tr: etree._Element) -> list[etree._Element]:
    """A row's cells (``w:tc``), left to right; a merged cell is one."""
    return tr.findall(qn("w:tc"))


def first_paragraph(story: etree._Element) -> etree._Element:
    """The first paragraph of a story part's root (a header, a footer)."""
    paragraph = story.find(qn("w:p"))
    if paragraph is None:
        raise ValueError("the part has no paragraph")
    return paragraph
