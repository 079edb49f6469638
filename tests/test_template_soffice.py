"""A real word processor opens both templates and shows the form's wording in order."""

from __future__ import annotations

import re

import pytest

from caseaudit_docx.model.description import bundled_form
from caseaudit_docx.model.form import Label

from .conftest import convert_to_pdf, pdf_text, squash_spaces

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
