"""Question numbers, wording keys and readable ids."""

from __future__ import annotations

import pytest

from caseaudit_docx.learn.wording import (
    question_number,
    restore_variables,
    slug,
    template_variables,
    wording_key,
)


@pytest.mark.parametrize(("label", "style", "text"), [
    ("Q1. Does the case file tell the story?", "q", "1"),
    ("Q3 Is the chronology of significant events only?", "q", "3"),
    ("Q15.  Is there a contingency", "q", "15"),
    ("Q5a. Past harm", "q", "5a"),
    ("1.1 Is the plan specific?", "dotted", "1.1"),
    ("2.10. Anything else?", "dotted", "2.10"),
    ("1. ", "integer", "1"),
    ("A. Past harm?", "letter", "a"),
    ("B: Need to change auditor grade", "letter", "b"),
])
def test_question_number_rule(label: str, style: str, text: str) -> None:
    number = question_number(label)
    assert number is not None and (number.style, number.text) == (style, text)


@pytest.mark.parametrize("label", ["Qualified social worker?", "1 No, not at all",
                                   "A Past harm", "Case Number", "12 weeks"])
def test_not_a_question_number(label: str) -> None:
    assert question_number(label) is None


def test_wording_key_leaves_the_number_out_so_renumbered_questions_match() -> None:
    assert wording_key("Q12. Is there a plan?") == wording_key("Q13.  Is there a plan ")
    assert wording_key("1.") == "1"


def test_slug_drops_possessives_parentheses_and_given_words() -> None:
    assert slug("Name of Practitioner(s)") == "name_of_practitioner"
    assert slug("Judgement (1-4, where 1 = Outstanding)") == "judgement"
    assert slug("Auditor’s notes", drop=frozenset({"auditor"})) == "notes"


def test_template_variables_become_description_variables() -> None:
    text = 'Hello {{ council_name | default("Wokingham") }} team'
    assert template_variables(text) == [("council_name", "Wokingham")]
    assert restore_variables(text, {"council_name": "council"}) == "Hello {council} team"
