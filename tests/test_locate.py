"""Locating fields in plain document views: tags, labels, layouts years of editing produce."""

from __future__ import annotations

import pytest

from caseaudit_docx.errors import NotAFormError
from caseaudit_docx.model.description import bundled_form
from caseaudit_docx.model.form import Answer, Label

FORM = bundled_form()
from caseaudit_docx.extract.locate import locate, squash
from caseaudit_docx.oxml.view import (
    CellView,
    ControlView,
    DocumentView,
    RowView,
    TableView,
)


def _row(model_row, values: dict[str, str] | None = None, tagged: bool = False) -> RowView:
    """A document row printed like the model row, with answers from ``values``."""
    values = values or {}
    cells = []
    for cell in model_row.cells:
        if isinstance(cell, Label):
            cells.append(CellView(cell.text.replace("{council}", "Wokingham"), span=cell.span))
        else:
            text = values.get(cell.field, "")
            controls = (ControlView(text, tag=cell.field if tagged else None),) if cell.control else ()
            cells.append(CellView(text, controls, span=cell.span))
    return RowView(tuple(cells))


def _view(values: dict[str, str] | None = None, *, tagged: bool = False, edit=None) -> DocumentView:
    tables = [[_row(r, values, tagged) for r in t.rows] for t in FORM.tables]
    if edit:
        tables = edit(tables)
    return DocumentView(tuple(TableView(tuple(rows)) for rows in tables))


def _where(key: str) -> tuple[int, int]:
    for t, table in enumerate(FORM.tables):
        for r, row in enumerate(table.rows):
            if row.key == key:
                return t, r
    raise KeyError(key)


def test_squash_ignores_case_quotes_and_punctuation() -> None:
    assert squash("The Child\u2019s Plan  ") == squash("the childs plan.") == "the childs plan"


def test_every_field_found_by_layout() -> None:
    values = {fid: f"value of {fid}" for fid in FORM.field_ids}
    located = locate(_view(values), FORM)
    assert located.texts == values
    assert located.problems == () and located.extras == {} and not located.tagged


def test_sections_merged_into_one_table() -> None:
    values = {"q7.notes": "seven", "grade.review": "Good", "case_number": "CA-1"}
    merged = lambda tables: [[row for rows in tables for row in rows]]  # noqa: E731
    located = locate(_view(values, edit=merged), FORM)
    assert {k: v for k, v in located.texts.items() if v} == values


def test_question_label_variants_and_inserted_blank_rows() -> None:
    def edit(tables):
        t, r = _where("q3")
        row = tables[t][r]
        tables[t][r] = RowView((CellView("Q3 Is the chronology of significant events only"),
                                *row.cells[1:]))
        tables[t].insert(r, RowView((CellView(""), CellView(""), CellView(""))))
        t, r = _where("header1.labels")
        tables[t].insert(r + 1, RowView(tuple(CellView("") for _ in range(5))))
        return tables

    values = {"q3.score": "4", "q4.score": "2", "case_number": "CA-9"}
    located = locate(_view(values, edit=edit), FORM)
    assert {k: v for k, v in located.texts.items() if v} == values


def test_reworded_grade_row_is_still_found() -> None:
    def edit(tables):
        t, r = _where("grade.narrative")
        tables[t][r] = RowView((CellView("Overall Narrative/History Score"),
                                *tables[t][r].cells[1:]))
        return tables

    located = locate(_view({"grade.narrative": "Good"}, edit=edit), FORM)
    assert located.texts["grade.narrative"] == "Good"


def test_eleventh_action_is_kept_as_a_warning() -> None:
    def edit(tables):
        t, r = _where("action10")
        tables[t].insert(r + 1, RowView((CellView("11."), CellView("Extra"), CellView("Me"),
                                         CellView("1/1/2020"))))
        return tables

    located = locate(_view({"action10.action": "Tenth"}, edit=edit), FORM)
    assert located.texts["action10.action"] == "Tenth"
    assert located.extras == {"action11": "Extra\tMe\t1/1/2020"}
    assert [p.level for p in located.problems] == ["warning"]
    assert "Extra" in located.problems[0].message


def test_duplicated_row_keeps_the_first_and_the_second_as_extra() -> None:
    def edit(tables):
        t, r = _where("q9")
        copy = RowView((tables[t][r].cells[0], CellView("second copy"), CellView("1")))
        tables[t].insert(r + 1, copy)
        return tables

    located = locate(_view({"q9.notes": "first"}, edit=edit), FORM)
    assert located.texts["q9.notes"] == "first"
    assert located.extras == {"q9": "second copy\t1"}


def test_text_typed_into_a_row_the_form_does_not_have_is_kept() -> None:
    def edit(tables):
        t, r = _where("q30")
        tables[t].insert(r + 1, RowView((CellView("Note from auditor: call back"),)))
        return tables

    located = locate(_view(edit=edit), FORM)
    assert located.extras == {"unplaced": "Note from auditor: call back"}


def test_printed_rows_are_not_extras() -> None:
    located = locate(_view(), FORM)
    assert located.extras == {}
    assert all(v is None for v in located.texts.values())


def test_tags_used_and_checked_against_layout() -> None:
    values = {"q2.notes": "two", "q2.score": "3"}
    located = locate(_view(values, tagged=True), FORM)
    assert located.tagged and located.problems == ()

    def swap(tables):  # controls pasted into each other's cells
        t, r = _where("q2")
        label, notes, score = tables[t][r].cells
        tables[t][r] = RowView((label,
                                CellView("two", (ControlView("two", tag="q2.score"),)),
                                CellView("3", (ControlView("3", tag="q2.notes"),))))
        return tables

    located = locate(_view(values, tagged=True, edit=swap), FORM)
    assert located.texts["q2.notes"] == "two"  # the reader's view: the cell under "Auditor notes"
    assert {p.field for p in located.problems} == {"q2.notes", "q2.score"}


def test_date_picker_hint_is_passed_on() -> None:
    def edit(tables):
        t, r = _where("moderation.date")
        tables[t][r] = RowView((tables[t][r].cells[0],
                                CellView("12/03/2019", (ControlView("12/03/2019", kind="date",
                                                                   date="2019-03-12"),))))
        return tables

    located = locate(_view(edit=edit), FORM)
    assert located.date_hints == {"moderation.date": "2019-03-12"}


def test_document_that_is_not_the_form() -> None:
    view = DocumentView((TableView((RowView((CellView("Item"), CellView("Owner"))),)),))
    with pytest.raises(NotAFormError, match="not a Case audit template"):
        locate(view, FORM, path="minutes.docx")


def test_cells_merged_in_a_row_are_read_in_order_with_a_warning() -> None:
    def edit(tables):
        t, r = _where("q11")
        label = tables[t][r].cells[0]
        tables[t][r] = RowView((label, CellView("all in one", span=2)))
        return tables

    located = locate(_view(edit=edit), FORM)
    assert located.texts["q11.notes"] == "all in one"
    assert located.texts["q11.score"] is None
    assert any("q11" in p.message for p in located.problems)


def test_answer_model_has_no_label_cells_left_unfilled() -> None:
    # every answer cell of the model is somewhere in the located texts
    located = locate(_view(), FORM)
    assert set(located.texts) == {c.field for t in FORM.tables for r in t.rows for c in r.cells
                                  if isinstance(c, Answer)}
    assert located.problems == ()  # each was found in its place, none by a fallback


def test_header_with_a_reworded_label_and_reordered_columns() -> None:
    def edit(tables):
        t, r = _where("header1.labels")
        labels, values = tables[t][r], tables[t][r + 1]
        order = [1, 0, 2, 3, 4]  # child name first, then the case number
        relabelled = [CellView("Case No.") if i == 0 else labels.cells[i] for i in order]
        tables[t][r] = RowView(tuple(relabelled))
        tables[t][r + 1] = RowView(tuple(values.cells[i] for i in order))
        return tables

    values = {"case_number": "CA-77", "child_name": "Kit Madeup", "team": "Team 9"}
    located = locate(_view(values, edit=edit), FORM)
    assert {k: v for k, v in located.texts.items() if v} == values
    assert located.extras == {}
