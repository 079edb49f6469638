"""The one label normaliser, the one similarity test and the one "value of its label" rule
(under it, else beside it)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from caseaudit_docx.model.matching import (
    BESIDE,
    UNDER,
    alike,
    compact,
    grid_cells,
    label_key,
    label_values,
    values_beside,
    values_under,
)


def test_label_key_ignores_case_quotes_punctuation_and_spacing() -> None:
    assert label_key("The Child\u2019s Plan  ") == label_key("the childs plan.")
    assert label_key("the childs plan.") == "the childs plan"
    assert label_key("Name of Practitioner(s)") == "name of practitioner s"
    assert label_key("Q3.\u00a0Is the chronology\tup to date?") == "q3 is the chronology up to date"


def test_label_key_folds_compatibility_forms_and_keeps_letters_of_any_script() -> None:
    assert label_key("\ufb01le No.\uff11") == "file no 1"  # ligature fi, full-width 1
    assert label_key("STRASSE") == label_key("Straße")
    assert label_key("Café (été)") == "café été"


def test_compact_is_label_key_without_spaces() -> None:
    assert compact("Case No.") == compact("CASE_NO") == compact("case  no") == "caseno"
    assert compact("Name of Practitioner(s)") == "nameofpractitioners"


@given(st.text())
def test_label_key_is_idempotent_and_only_words_and_single_spaces(text: str) -> None:
    key = label_key(text)
    assert label_key(key) == key
    assert key == key.strip() and "  " not in key
    assert all(ch.isalnum() or ch == " " for ch in key)
    assert compact(text) == key.replace(" ", "")


@given(st.text(alphabet="abcXYZ019 .,:;'\u2019()-_\t\n"))
def test_label_key_words_are_the_runs_of_letters_and_digits(text: str) -> None:
    joined = text.replace("'", "").replace("\u2019", "")
    assert label_key(text).split() == re.findall(r"[a-z0-9]+", joined.casefold())


def test_alike_takes_small_changes_and_refuses_other_wording() -> None:
    assert alike("overall narrative history score", "overall narrative history scores", 0.8)
    assert not alike("case number", "child name", 0.8)
    assert alike("", "", 0.8) and alike("same", "same", 1.0)


def test_shared_words_refuse_before_difflib() -> None:
    # difflib alone finds these close; few words in common refuses them
    assert alike("action", "actions", 0.8)
    assert not alike("action", "actions", 0.8, shared_words=0.5)
    assert alike("is the plan clear", "is the plan clear yet", 0.8, shared_words=0.5)


@given(st.text(alphabet="abc de", max_size=30), st.floats(0.0, 1.0))
def test_alike_is_reflexive(text: str, cutoff: float) -> None:
    assert alike(text, text, cutoff, shared_words=0.5)


def test_grid_cells_place_cells_by_their_spans() -> None:
    assert grid_cells([1, 2, 1]) == [(0, 1), (1, 2), (3, 1)]
    assert grid_cells([2], start=1) == [(1, 2)]


def test_value_under_a_label_is_the_cell_covering_its_first_column() -> None:
    labels = grid_cells([2, 1])  # "Case" over two columns, "Worker"
    values = grid_cells([1, 1, 1])
    assert values_under({"case": 0, "worker": 1}, labels, values) == {"case": 0, "worker": 2}


def test_a_value_cell_under_two_labels_is_the_leftmost_labels() -> None:
    labels = grid_cells([1, 1])
    values = grid_cells([2])
    assert values_under({"right": 1, "left": 0}, labels, values) == {"left": 0}


def test_labels_with_no_cell_below_or_out_of_range_get_nothing() -> None:
    assert values_under({"a": 1, "b": 5}, grid_cells([1, 1]), grid_cells([1])) == {}


def test_a_value_beside_its_label_is_the_writable_cell_just_right_of_it() -> None:
    # "Case" | value | "Worker" | value | "Team" (its right cell is missing)
    assert values_beside({"case": 0, "worker": 2, "team": 4}, {1, 3}) == {"case": 1,
                                                                          "worker": 3}
    # a label's own cell is never another's value, writable or not
    assert values_beside({"a": 0, "b": 1}, {1, 2}) == {"b": 2}


def test_label_values_take_the_value_under_else_beside() -> None:
    labels = grid_cells([1, 1, 1, 1])
    # labels over values: every cell under a label is written in
    assert label_values({"case": 0, "team": 1}, labels, grid_cells([1, 1, 1, 1]),
                        values_below={0, 1, 2, 3}, values_in_row=set()) == {
        "case": (UNDER, 0), "team": (UNDER, 1)}
    # labels beside values, a row of printed labels below: beside
    assert label_values({"case": 0, "worker": 2}, labels, grid_cells([1, 1, 1, 1]),
                        values_below={1, 3}, values_in_row={1, 3}) == {
        "case": (BESIDE, 1), "worker": (BESIDE, 3)}
    # the last row of a table: nothing below
    assert label_values({"team": 0}, grid_cells([1, 1]), [], values_below=set(),
                        values_in_row={1}) == {"team": (BESIDE, 1)}
