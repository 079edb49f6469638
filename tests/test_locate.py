"""Locating fields in plain document views: tags, labels, layouts years of editing produce."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseaudit_docx.errors import NotAFormError
from caseaudit_docx.extract.locate import locate
from caseaudit_docx.extract.rows import Mark, parse_mark
from caseaudit_docx.model.description import bundled_form
from caseaudit_docx.model.form import (
    Answer,
    Form,
    Label,
    Roles,
    Row,
    Section,
    Table,
)
from caseaudit_docx.model.kinds import Kind
from caseaudit_docx.oxml.view import (
    CellView,
    ControlView,
    DocumentView,
    RowView,
    TableView,
)

FORM = bundled_form()


def _row(model_row: Row, values: dict[str, str] | None = None, tagged: bool = False) -> RowView:
    """A document row printed like the model row, with answers from ``values``."""
    values = values or {}
    cells = []
    for cell in model_row.cells:
        if isinstance(cell, Label):
            cells.append(CellView(cell.text.replace("{council}", "Wokingham"), span=cell.span))
        else:
            text = values.get(cell.field, "")
            controls = ((ControlView(text, tag=cell.field if tagged else None),)
                        if cell.control else ())
            cells.append(CellView(text, controls, span=cell.span))
    return RowView(tuple(cells))


def _view(values: dict[str, str] | None = None, *, tagged: bool = False, edit=None,
          form: Form = FORM) -> DocumentView:
    tables = [[_row(r, values, tagged) for r in t.rows] for t in form.tables]
    if edit:
        tables = edit(tables)
    return DocumentView(tuple(TableView(tuple(rows)) for rows in tables))


def _where(key: str, form: Form = FORM) -> tuple[int, int]:
    for t, table in enumerate(form.tables):
        for r, row in enumerate(table.rows):
            if row.key == key:
                return t, r
    raise KeyError(key)


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
        label = tables[t][r].cells[0]
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


def test_eleventh_action_is_named_and_warned_about_as_before() -> None:
    def edit(tables):
        t, r = _where("action10")
        tables[t].insert(r + 1, RowView((CellView("11."), CellView("Extra"))))
        return tables

    located = locate(_view(edit=edit), FORM)
    assert located.problems[0].message.startswith("the form has 10 action rows, not 11; ")


def test_check_box_state_is_passed_on() -> None:
    def edit(tables):
        t, r = _where("q2")
        box = ControlView("\u2612", kind="checkbox", checked=True)
        tables[t][r] = RowView((*tables[t][r].cells[:2], CellView("\u2612", (box,))))
        return tables

    located = locate(_view(edit=edit), FORM)
    assert located.checked == {"q2.score": True}


# -- marks -------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, mark", [
    ("Q1. Does the case file tell the story?", Mark("q", "1")),
    ("Q 12", Mark("q", "12")),
    ("Question 3", Mark("q", "3")),
    ("q03 is the chronology", Mark("q", "3")),
    ("Q.4", Mark("q", "4")),
    ("1.", Mark("", "1")),
    ("10. ", Mark("", "10")),
    ("7", Mark("", "7")),
    ("1.1 Is the plan clear?", Mark("", "1.1")),
    ("2.3) Is it reviewed?", Mark("", "2.3")),
    ("4: Who else", Mark("", "4")),
    ("A. Past harm?", Mark(letter="a")),
    ("b) Future danger", Mark(letter="b")),
    ("C: Any additional actions", Mark(letter="c")),
    ("D Any themes", Mark(letter="d")),
])
def test_marks_are_read_by_one_rule(text: str, mark: Mark) -> None:
    assert parse_mark(text) == mark


@pytest.mark.parametrize("text", [
    "1 means there is no evidence of Signs of Safety",
    "5 means that the case record is comprehensive",
    "Overall Outcome Score", "Score the quality of practice where:", "", "   ", "A",
    "Q3a", "12a.", "Could any of the documents be used?",
])
def test_texts_that_carry_no_mark(text: str) -> None:
    assert parse_mark(text) is None


_WORDS = st.from_regex(r"[A-Za-z][a-z]{0,8}", fullmatch=True)
_NUMBERS = st.lists(st.integers(0, 999), min_size=1, max_size=3)


@given(_WORDS, st.sampled_from(["", " ", "  ", "."]), _NUMBERS,
       st.sampled_from(["", ".", ". ", ") ", ": ", " "]), st.text(max_size=20))
def test_a_number_after_a_word_is_a_prefixed_mark(word: str, gap: str, parts: list[int],
                                                  end: str, rest: str) -> None:
    if end in ("", ".") and rest[:1].isalnum():
        rest = " " + rest  # "Q3a" or "Q3.5" would be another number
    number = ".".join(map(str, parts))
    assert parse_mark(f"{word}{gap}{number}{end}{rest}") == Mark(word[0].lower(), number)


@given(_NUMBERS, st.sampled_from([".", ")", ":", " .", ". "]), st.text(max_size=20))
def test_a_bare_number_ending_at_punctuation_is_a_mark(parts: list[int], end: str,
                                                       rest: str) -> None:
    number = ".".join(map(str, parts))
    assert parse_mark(f"{number}{end} {rest}") == Mark("", number)


@given(st.integers(0, 99), st.from_regex(r"[a-z]{2,9}", fullmatch=True), st.text(max_size=20))
def test_a_number_starting_a_sentence_is_no_mark(number: int, word: str, rest: str) -> None:
    assert parse_mark(f"{number} {word} {rest}") is None


# -- a form that is not v3.2 -------------------------------------------------------------------


def _answers(key: str, label: str | None, *columns: str) -> Row:
    cells = ((Label((label,)),) if label is not None else ()) + tuple(
        Answer(f"{key}.{c}", "score" if c == "score" else "text", f"{key} {c}")
        for c in columns)
    return Row(key, cells, label)


def _labels(key: str, *texts: str) -> Row:
    return Row(key, tuple(Label((t,), shaded=True) for t in texts))


MINI = Form(
    name="mini", version="1", title="Mini audit",
    sections=(Section("header", "Header"), Section("practice", "Practice"),
              Section("panel", "Panel"), Section("steps", "Steps"),
              Section("checks", "Checks")),
    blocks=(
        Table("header", (
            _labels("header.labels", "Case ID", "Worker"),
            Row("header.values", (Answer("case_id", "text", "Case ID"),
                                  Answer("worker", "text", "Worker"))),
        ), (5.0, 5.0)),
        Table("practice", (
            _labels("practice.heading", "Practice", "Notes", "Score 1-4"),
            _answers("p1_1", "1.1 Is the plan clear?", "notes", "score"),
            _answers("p1_2", "1.2 Is the child seen alone?", "notes", "score"),
            _answers("p1_3", "1.3 Are the risks named:", "notes", "score"),
            _answers("p1_3a", "a) Past harm", "notes", "score"),
            _answers("p1_3b", "b) Future harm", "notes", "score"),
            _answers("p2_1", "2.1 Has the plan been reviewed?", "notes", "score"),
        ), (8.0, 6.0, 2.0)),
        Table("panel", (
            _answers("panel.date", "Date of the panel", "value"),
            _answers("panel.scaling", "A. Scaling of the audit by the panel", "value"),
        ), (8.0, 8.0)),
        Table("steps", (
            _labels("steps.heading", "Next steps agreed for this case"),
            _labels("steps.columns", "", "Step", "Owner"),
            *(_answers(f"step{n}", f"{n}.", "step", "owner") for n in (1, 2, 3)),
        ), (1.0, 8.0, 4.0)),
        Table("checks", (
            _labels("checks.heading", "Follow-up checks by the team manager"),
            _answers("check.first", "1)", "what"),
            _answers("check.second", "2)", "what"),
        ), (1.0, 12.0)),
    ),
    kinds={"text": Kind("text", "text"), "score": Kind("score", "number", minimum=1, maximum=4)},
    roles=Roles(case="case_id"),
)
MINI_VALUES = {fid: f"value of {fid}" for fid in MINI.field_ids}


def _mini(edit=None) -> DocumentView:
    return _view(MINI_VALUES, edit=edit, form=MINI)


def _relabel(tables, key: str, text: str):
    t, r = _where(key, MINI)
    tables[t][r] = RowView((CellView(text), *tables[t][r].cells[1:]))
    return tables


def test_a_form_numbered_its_own_way_is_found_by_layout() -> None:
    located = locate(_mini(), MINI)
    assert located.texts == MINI_VALUES
    assert located.problems == () and located.extras == {}


def test_dotted_numbers_find_their_rows_whatever_the_wording() -> None:
    def edit(tables):
        _relabel(tables, "p1_2", "1.2) Has anyone seen the child on their own")
        return _relabel(tables, "p2_1", "2.1 Reviewed?")

    located = locate(_mini(edit), MINI)
    assert located.texts == MINI_VALUES and located.extras == {}


def test_letter_rows_are_the_parts_of_the_numbered_row_above() -> None:
    def edit(tables):
        _relabel(tables, "p1_3a", "A. Harm done in the past")
        return _relabel(tables, "p1_3b", "B. What might happen next")

    located = locate(_mini(edit), MINI)
    assert located.texts["p1_3a.notes"] == "value of p1_3a.notes"
    assert located.texts["p1_3b.score"] == "value of p1_3b.score"
    assert located.extras == {}


def test_a_lettered_row_after_an_unnumbered_row_is_found_by_its_wording() -> None:
    def edit(tables):
        _relabel(tables, "panel.scaling", "A: Scaling of the audit by panel")
        t, r = _where("panel.date", MINI)
        del tables[t][r]  # "A. Scaling…" now follows 2.1 in the document
        return tables

    located = locate(_mini(edit), MINI)
    assert located.texts["panel.scaling.value"] == "value of panel.scaling.value"
    assert located.texts["p2_1.notes"] == "value of p2_1.notes"


def test_a_number_printed_in_two_tables_is_the_current_tables() -> None:
    def edit(tables):
        _relabel(tables, "check.first", "1.")
        _relabel(tables, "check.second", "2.")
        return [[row for rows in tables for row in rows]]  # one table for the whole form

    located = locate(_mini(edit), MINI)
    assert located.texts == MINI_VALUES and located.extras == {}


def test_a_heading_row_moves_the_walk_into_its_table() -> None:
    def edit(tables):
        steps, checks = _where("steps.heading", MINI)[0], _where("check.first", MINI)[0]
        tables[steps], tables[checks] = tables[checks], tables[steps]
        tables[steps][0] = RowView((CellView("Follow-up checks by team manager:"),))
        return tables

    located = locate(_mini(edit), MINI)
    assert located.texts == MINI_VALUES and located.extras == {}


def test_rows_numbered_past_their_tables_last_are_kept_with_a_warning() -> None:
    def edit(tables):
        t, r = _where("step3", MINI)
        tables[t].insert(r + 1, RowView((CellView("4."), CellView("Ring"), CellView("Sam"))))
        t, r = _where("check.second", MINI)
        tables[t].insert(r + 1, RowView((CellView("3)"), CellView("Visit again"))))
        return tables

    located = locate(_mini(edit), MINI)
    assert located.texts == MINI_VALUES
    assert located.extras == {"step4": "Ring\tSam", "checks.row3": "Visit again"}
    assert [p.message.split(";")[0] for p in located.problems] == [
        "the form has 3 step rows, not 4", "the form has 2 checks rows, not 3"]


def test_values_are_read_from_the_cell_under_their_label_on_the_grid() -> None:
    def edit(tables):
        t, r = _where("header.labels", MINI)
        tables[t][r] = RowView((CellView("Case ID", span=2), CellView("Worker")))
        tables[t][r + 1] = RowView((CellView("C-1"), CellView(""), CellView("Jo")))
        return tables

    located = locate(_mini(edit), MINI)
    assert (located.texts["case_id"], located.texts["worker"]) == ("C-1", "Jo")
