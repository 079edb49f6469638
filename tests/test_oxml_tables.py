"""Finding python-docx's elements by position (caseaudit_docx.oxml.tables)."""

from __future__ import annotations

import docx
import pytest

from caseaudit_docx.oxml import tables


def test_the_last_table_is_the_one_just_added_and_a_merged_cell_is_one() -> None:
    document = docx.Document()
    document.add_table(rows=1, cols=1)
    grid = document.add_table(rows=2, cols=3)
    grid.rows[1].cells[0].merge(grid.rows[1].cells[1])
    grid.rows[1].cells[2].text = "third"
    rows = tables.table_rows(tables.last_table(document.element))
    assert len(rows) == 2
    assert len(tables.row_cells(rows[0])) == 3
    merged = tables.row_cells(rows[1])
    assert len(merged) == 2
    assert merged[1].xpath("string(.)") == "third"


def test_a_body_without_a_table_is_an_error() -> None:
    with pytest.raises(ValueError, match="no table"):
        tables.last_table(docx.Document().element)


def test_the_header_s_first_paragraph() -> None:
    document = docx.Document()
    header = document.sections[0].header
    header.paragraphs[0].text = "logo here"
    paragraph = tables.first_paragraph(header.part.element)
    assert paragraph.xpath("string(.)") == "logo here"
