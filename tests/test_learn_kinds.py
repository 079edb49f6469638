"""One test per kind rule: control types and printed hints."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseaudit_docx.generate.template import build_template, list_items
from caseaudit_docx.learn import kinds as rules
from caseaudit_docx.learn import learn_form
from caseaudit_docx.learn.vocabulary import vocabulary
from caseaudit_docx.model.description import bundled_form
from caseaudit_docx.oxml.layout import ControlLayout, ListItem

from .conftest import two_forms

V = vocabulary()
BUNDLED = bundled_form().kinds


def test_known_scales_are_the_bundled_kinds_exactly() -> None:
    for scale in V.scales:
        if scale.name in BUNDLED:
            assert scale == BUNDLED[scale.name]
            assert scale.description == BUNDLED[scale.name].description


def test_scale_ends_give_a_number() -> None:
    kind = rules.scale_ends_kind(["Auditor’s response", "1 No, not at all", "5 Yes, completely"],
                                 V)
    assert kind == BUNDLED["score"]
    assert rules.scale_ends_kind(["rate it from 0 (bad) to 10 (good)"], V) == BUNDLED["rating"]
    assert rules.scale_ends_kind(["A: (1 means it is incomplete and 5 means complete)"],
                                 V) == BUNDLED["score"]
    odd = rules.scale_ends_kind(["2 (low) to 7 (high)"], V)
    assert odd is not None and (odd.type, odd.minimum, odd.maximum) == ("number", 2, 7)


def test_numbered_lines_one_after_another_give_a_choice() -> None:
    kind = rules.numbered_options_kind(["Response", "1 Too High", "2 Appropriate",
                                        "3 Too Little"], V)
    assert kind == BUNDLED["level"]
    other = rules.numbered_options_kind(["1 Low", "2 Medium", "3 High"], V)
    assert other is not None and [(o.value, o.number) for o in other.options] == [
        ("Low", 1), ("Medium", 2), ("High", 3)]


def test_a_range_on_its_own_gives_a_number() -> None:
    assert rules.range_kind(["Responses", "1-5"], V) == BUNDLED["score"]
    assert rules.range_kind(["Rating (0 to 10)"], V) == BUNDLED["rating"]
    assert rules.range_kind(["Q20. from 15 years and 9 months"], V) is None


def test_where_gives_numbered_options_from_the_known_scale() -> None:
    kind = rules.where_kind(["Judgement (1-4, where 1 = Outstanding)"], V)
    assert kind is not None and kind.type == "choice"
    assert [(o.value, o.number) for o in kind.options] == [
        ("Outstanding", 1), ("Good", 2), ("Requires Improvement", 3), ("Inadequate", 4)]
    assert kind.options[2].patterns == BUNDLED["grade"].options[1].patterns
    printed = rules.where_kind(["1-3, where 1 = Red, 2 = Amber, 3 = Green"], V)
    assert printed is not None and printed.values == ("Red", "Amber", "Green")


@pytest.mark.parametrize(("hint", "name"), [
    ("Overall score (Inadequate, Requires Improvement, Good, Outstanding)", "grade"),
    ("yes/no", "yes_no"),
    ("Please respond “Yes”, “With some work”, “No”", "good_practice"),
    ("(EH, CIN, CP & LAC)", "category"),
])
def test_known_scale_printed_in_full(hint: str, name: str) -> None:
    assert rules.known_scale_kind([hint], V) == BUNDLED[name]


def test_yes_no_partly_is_yes_no_with_a_middle() -> None:
    kind = rules.known_scale_kind(["Met? (Yes / No / Partly)"], V)
    assert kind is not None and kind.type == "yes_no"
    assert kind.middle is not None and kind.middle.value == "Partly"
    assert kind.options == BUNDLED["yes_no"].options


def test_a_label_with_date_is_a_date_but_up_to_date_is_not() -> None:
    assert rules.date_kind(["Audit  start date"], V) == BUNDLED["date"]
    assert rules.date_kind(["By when"], V) == BUNDLED["date"]
    assert rules.date_kind(["Q4. Is the chronology up to date"], V) is None


def test_control_types_give_kinds() -> None:
    assert rules.kind_from_control(ControlLayout("checkbox"), V) == V.checkbox
    assert rules.kind_from_control(ControlLayout("date", date_format="dd/MM/yyyy"), V) == V.date
    assert rules.kind_from_control(ControlLayout("richText"), V) is None


def test_a_drop_down_of_known_items_is_that_scale_and_of_others_a_choice_of_them() -> None:
    grades = tuple(ListItem(v, v) for v in ("Outstanding", "Good", "Requires Improvement",
                                            "Inadequate"))
    # the scale, offering N/A only where the list does
    assert rules.kind_from_control(ControlLayout("dropDownList", items=grades), V) == \
        dataclasses.replace(BUNDLED["grade"], na=None)
    with_na = (*grades, ListItem("Not applicable", "Not applicable"))
    assert rules.kind_from_control(ControlLayout("dropDownList", items=with_na), V) == \
        BUNDLED["grade"]
    items = (ListItem("Choose an item.", ""), ListItem("Closed", "C"), ListItem("Open", "O"))
    kind = rules.kind_from_control(ControlLayout("comboBox", items=items), V)
    assert kind is not None and kind.type == "choice" and kind.values == ("Closed", "Open")
    assert kind.options[0].spellings == ("closed", "c")


def test_kind_from_hint_asks_the_rules_in_order() -> None:
    assert rules.kind_from_hint(["1 No, not at all", "5 Yes, completely"], V) == BUNDLED["score"]
    assert rules.kind_from_hint(["Auditor notes"], V) is None


def test_a_question_asking_by_when_dates_no_free_text_column() -> None:
    from caseaudit_docx.learn.evidence import Evidence, kind_of

    asking = ("1.1 Does the plan say who does what, by when?",)
    assert kind_of(None, Evidence(("Comments",), asking, ()), V)[0] == V.text
    # a column heading that names no content leaves the question's wording to speak
    assert kind_of(None, Evidence(("Parent 1 response",), ("Q44. Date of contact",), ()),
                   V)[0] == V.date
    # a label naming the field itself is asked every rule, whatever the heading above
    assert kind_of(None, Evidence(("Notes",), ("Review date",), (), own=True), V)[0] == V.date
    # a scale in the question's wording is still its answers'
    graded = ("Overall score (Inadequate, Requires Improvement, Good, Outstanding)",)
    assert kind_of(None, Evidence(("Auditor notes",), graded, ()), V)[0] == BUNDLED["grade"]


# -- lists of numbers (a score's combo box) ------------------------------------------------------


def _items(texts: list[str]) -> list[ListItem]:
    return [ListItem(text, text) for text in texts]


@given(low=st.integers(0, 20), size=st.integers(2, 12), seed=st.randoms(use_true_random=False),
       na=st.sampled_from([None, "N/A", "Not applicable"]))
def test_a_list_of_every_number_in_a_range_is_a_number(low: int, size: int, seed, na) -> None:
    texts = [str(n) for n in range(low, low + size)]
    seed.shuffle(texts)
    kind = rules.kind_from_list(_items(texts + ([na] if na else [])), V)
    assert (kind.type, kind.minimum, kind.maximum, kind.na) == ("number", low, low + size - 1, na)


@pytest.mark.parametrize("texts", [["1", "2", "4"], ["0", "5", "10"], ["1", "2", "Three"],
                                   ["1a", "2a"]])
def test_numbers_with_gaps_or_words_stay_a_choice(texts: list[str]) -> None:
    kind = rules.kind_from_list(_items(texts), V)
    assert kind.type == "choice"
    assert [o.value for o in kind.options] == texts


@pytest.mark.parametrize("name", ["v3.2", "other"])
def test_every_listed_kind_of_a_form_is_learned_back_from_its_list(name: str) -> None:
    """What our typed template lists for a kind (its values, then its N/A wording) is read
    back as that kind's type, range and N/A: a score's combo box is a number again."""
    form = two_forms()[name]
    listed = [k for k in form.kinds.values() if k.values and k.type in ("number", "choice")]
    assert listed
    for kind in listed:
        learned = rules.kind_from_list(_items(list(list_items(kind))), V)
        assert (learned.type, learned.minimum, learned.maximum, learned.na) == (
            kind.type, kind.minimum, kind.maximum, kind.na), kind.name


@pytest.mark.parametrize("name", ["v3.2", "other"])
def test_a_typed_template_is_learned_with_its_listed_kinds(name: str, tmp_path) -> None:
    """The template `caseaudit template` writes (scores as combo boxes of their numbers,
    choices as drop-down lists, both offering the form's N/A) learned back: every field with a
    list has its kind's type, range and N/A again, so a learned score is still a number."""
    form = two_forms()[name]
    blank = tmp_path / "blank.docx"
    blank.write_bytes(build_template(form=form))
    learned = {f.id: f.kind for f in learn_form(blank).form.fields}
    listed = [f for f in form.fields if f.kind.values and f.kind.type in ("number", "choice")]
    assert listed
    for field in listed:
        kind = learned[field.id]
        assert (kind.type, kind.minimum, kind.maximum, kind.na) == (
            field.kind.type, field.kind.minimum, field.kind.maximum, field.kind.na), field.id
