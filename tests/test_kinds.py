"""Normalising kinds that are not v3.2's: a new scale is data, never code.

Every kind here is built inline as a :class:`Kind`, the way another council's form description
would give it, and read by the same code that reads v3.2. If a rule only worked because some v3.2
word was spelled in code, these tests fail.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseaudit_docx.model import normalise as normalise_module
from caseaudit_docx.model.description import bundled_form
from caseaudit_docx.model.kinds import Kind, Option
from caseaudit_docx.model.normalise import NA, Normalised, normalise

fast = settings(deadline=None)
WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")

LIKELY = Kind("likely", "number", noun="likelihood", minimum=0, maximum=10, out_of=10)
JUDGEMENT = Kind(
    "judgement", "choice", noun="judgement",
    options=(
        Option("Outstanding", ("outstanding",), number=1),
        Option("Good", ("good",), number=2),
        Option("Requires improvement",
               ("requires improvement", "requires improvement to be good", "ri"), number=3),
        Option("Inadequate", ("inadequate",), number=4),
    ),
    negations=("not", "not yet"), misspellings=(("inadequate", "Inadequate"),),
)
MET = Kind("met", "yes_no",
           options=(Option("Yes", ("yes", "y")), Option("No", ("no", "n"))),
           middle=Option("Partly", ("partly", "partially", "in part")))
AGREE = Kind("agree", "yes_no",
             options=(Option("Agree", ("agree",)), Option("Disagree", ("disagree",))),
             qualifiers=("mostly|somewhat",))
CONSENT = Kind("consent", "checkbox", noun="consent")
SUPPORT = Kind(
    "support", "multi_choice", noun="support type",
    options=(
        Option("SEN", ("sen", "send"), (r"\bspecial\s+educational\s+needs\b",)),
        Option("YOT", ("yot",), (r"\byouth\s+offending(?:\s+team)?\b",)),
        Option("UASC", ("uasc", "unaccompanied asylum seeking")),
    ),
    filler=("and", "with"),
)
OUTCOME = Kind("outcome", "choice", noun="outcome",
               options=(Option("Met", ("met",)), Option("Unmet", ("unmet",))))
JUDGEMENTS = ("Outstanding", "Good", "Requires improvement", "Inadequate")
SUPPORTS = ("SEN", "YOT", "UASC")
NEW_KINDS = (LIKELY, JUDGEMENT, MET, AGREE, CONSENT, SUPPORT, OUTCOME)


def ok(kind: Kind, text: str, value: object) -> None:
    assert normalise(kind, text) == Normalised(value), text


def refused(kind: Kind, text: str, *fragments: str) -> str:
    result = normalise(kind, text)
    assert (result.value, result.level) == (None, "error"), text
    assert result.problem and f'"{" ".join(text.split())}"' in result.problem
    for fragment in fragments:
        assert fragment in result.problem, result.problem
    return result.problem


def _case(text: str, how: int) -> str:
    return (text, text.lower(), text.upper(), text.title())[how]


# -- number: 0 to 10 -----------------------------------------------------------------------------


@fast
@given(st.integers(0, 10), st.integers(0, 5), st.sampled_from(["", " - see notes", " (likely)"]))
def test_every_likelihood_writing_reads_back(n: int, style: int, tail: str) -> None:
    writings = (str(n), WORDS[n], f"{n}/10", f"{n} out of 10", f"Likelihood: {n}", f"({n})")
    assert normalise(LIKELY, writings[style] + tail) == Normalised(n)


@fast
@given(st.one_of(st.integers(-100, -1), st.integers(11, 10**6)))
def test_likelihoods_outside_the_scale_are_refused(n: int) -> None:
    refused(LIKELY, str(n))


def test_likelihood_messages_use_the_kinds_noun_and_range() -> None:
    assert normalise(LIKELY, "11").problem == '"11" is not a likelihood from 0 to 10'
    assert normalise(LIKELY, "6-7").problem == '"6-7" is not a single likelihood from 0 to 10'
    refused(LIKELY, "7/9", 'only "N/10" is read as out of 10')
    refused(LIKELY, "7.5", "is not a whole likelihood")


def test_the_kinds_noun_is_a_label_and_other_forms_words_are_not() -> None:
    ok(LIKELY, "Likelihood - 8", 8)
    ok(LIKELY, "Rating: 8", 8)  # a generic label word
    refused(LIKELY, "Grade: 8")  # v3.2's noun means nothing to this kind


def test_without_out_of_no_fraction_is_read() -> None:
    plain = Kind("plain", "number", noun="count", minimum=0, maximum=10)
    refused(plain, "7/10", "is not a single count from 0 to 10")
    ok(plain, "7", 7)


# -- choice: 1 = Outstanding ... 4 = Inadequate --------------------------------------------------


@fast
@given(st.integers(1, 4), st.integers(0, 5), st.integers(0, 3))
def test_every_judgement_writing_reads_back(n: int, style: int, how: int) -> None:
    name = JUDGEMENTS[n - 1]
    text = (str(n), name, f"{n} {name}", f"{n} = {name}", f"{name} ({n})", f"Judgement: {n}")
    assert normalise(JUDGEMENT, _case(text[style], how)) == Normalised(name)


def test_the_options_own_numbers_are_read_not_v32s() -> None:
    ok(JUDGEMENT, "1", "Outstanding")  # on v3.2's level scale 1 is "Too High"
    ok(JUDGEMENT, "4", "Inadequate")
    assert normalise(JUDGEMENT, "1 Good").problem == '"1 Good" gives both 1 (Outstanding) and Good'
    refused(JUDGEMENT, "5", "is not a judgement from 1 to 4")
    refused(JUDGEMENT, "2-3", "is not a single judgement from 1 to 4")


def test_numbers_missing_from_the_options_are_refused() -> None:
    gappy = Kind("gappy", "choice", noun="band", options=(
        Option("Low", ("low",), number=1), Option("High", ("high",), number=3)))
    refused(gappy, "2", "is not a band from 1 to 3")
    ok(gappy, "3", "High")


def test_the_longest_spelling_wins_over_a_word_inside_it() -> None:
    ok(JUDGEMENT, "Requires improvement to be good", "Requires improvement")
    ok(JUDGEMENT, "requires\n  improvement", "Requires improvement")


def test_two_options_are_named_in_option_order() -> None:
    assert normalise(JUDGEMENT, "Good/Outstanding").problem == (
        '"Good/Outstanding" names more than one judgement (Outstanding, Good)')


def test_a_negation_refuses_the_text() -> None:
    assert normalise(JUDGEMENT, "not yet good").problem == (
        '"not yet good" is negated; expected one judgement: Outstanding, Good, '
        "Requires improvement or Inadequate")
    ok(OUTCOME, "not met", "Met")  # negations are the kind's: this one lists none


def test_spellings_never_match_inside_a_longer_word() -> None:
    refused(JUDGEMENT, "goodness knows", "is not a judgement (expected Outstanding, Good, "
                                         "Requires improvement or Inadequate)")
    ok(OUTCOME, "Unmet", "Unmet")
    refused(OUTCOME, "metrics", "is not an outcome")  # and the article follows the noun


def test_misspellings_come_from_the_kind() -> None:
    result = normalise(JUDGEMENT, "Inadequte")
    assert (result.value, result.level) == ("Inadequate", "warning")
    assert result.problem == ('"Inadequte" was read as "Inadequate" ("inadequte" looks like a '
                              "misspelling); please check")
    refused(JUDGEMENT, "Outstandng")  # v3.2 lists it; this kind does not


# -- yes_no: Yes / Partly / No, and other words for yes and no -----------------------------------


@pytest.mark.parametrize("text, value", [
    ("Yes", "Yes"), ("n", "No"), ("Partly", "Partly"), ("partially met", "Partly"),
    ("In part", "Partly"), ("Answer: partly", "Partly"), ("No - see notes", "No"),
])
def test_yes_partly_no_accepted(text: str, value: str) -> None:
    ok(MET, text, value)


@pytest.mark.parametrize("text, fragment", [
    ("Yes, partly", "gives more than one answer"), ("No, in part", "more than one answer"),
    ("Y/N", "gives both yes and no"), ("in particular", "is not an answer"),
    ("With some work", "is not an answer"),  # v3.2's middle answer is not this kind's
])
def test_yes_partly_no_refused(text: str, fragment: str) -> None:
    refused(MET, text, fragment, "(expected Yes, Partly or No)")


def test_yes_and_no_may_be_any_words() -> None:
    ok(AGREE, "Agree - with the plan", "Agree")
    ok(AGREE, "disagree", "Disagree")
    refused(AGREE, "Agree/Disagree", "gives both agree and disagree",
            "(expected Agree or Disagree)")
    refused(AGREE, "Agree, mostly", "is not a clear agree or disagree")
    refused(AGREE, "Yes", "is not an answer")
    refused(AGREE, "agreed", "is not an answer")


@fast
@given(st.sampled_from(["yes", "y", "no", "n", "partly", "partially", "in part"]),
       st.integers(0, 3), st.sampled_from(["", ".", " - see notes"]))
def test_every_yes_partly_no_reads_back(word: str, how: int, tail: str) -> None:
    expected = {"y": "Yes", "n": "No"}.get(word[0], "Partly")
    assert normalise(MET, _case(word, how) + tail) == Normalised(expected)


# -- checkbox ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, value", [
    ("☒", True), ("x", True), ("X", True), ("[x]", True), ("yes", True), ("✓", True),
    ("☐", False), ("no", False), ("[ ]", False),
])
def test_checkbox_text(text: str, value: bool) -> None:
    ok(CONSENT, text, value)


def test_a_check_box_controls_state_wins_over_its_text() -> None:
    assert normalise(CONSENT, "☐", checked=True) == Normalised(True)
    assert normalise(CONSENT, "☒", checked=False) == Normalised(False)
    assert normalise(CONSENT, None, checked=False) == Normalised(False)
    assert normalise(CONSENT, None) == Normalised(None)
    assert normalise(JUDGEMENT, "Good", checked=True) == Normalised("Good")  # other types ignore it


def test_checkbox_text_that_is_neither_is_a_problem() -> None:
    refused(CONSENT, "maybe", "is not a ticked or empty box")
    ok(CONSENT, "N/A", NA)


# -- multi_choice: other codes -------------------------------------------------------------------


@fast
@given(st.lists(st.sampled_from(SUPPORTS), min_size=1, max_size=3, unique=True),
       st.sampled_from([" & ", "/", ", ", " and ", " "]), st.integers(0, 2))
def test_any_set_of_codes_comes_back_in_option_order(codes: list[str], joiner: str,
                                                     how: int) -> None:
    expected = [code for code in SUPPORTS if code in codes]
    assert normalise(SUPPORT, _case(joiner.join(codes), how)) == Normalised(expected)


@pytest.mark.parametrize("text, value", [
    ("Youth offending team and S.E.N.", ["SEN", "YOT"]), ("SEND", ["SEN"]),
    ("Unaccompanied asylum seeking; special educational needs", ["SEN", "UASC"]),
    ("Support type: YOT with SEN", ["SEN", "YOT"]),
])
def test_long_names_and_spellings(text: str, value: list[str]) -> None:
    ok(SUPPORT, text, value)


def test_unknown_codes_are_kept_in_a_warning() -> None:
    result = normalise(SUPPORT, "UASC, CP")  # a v3.2 code means nothing here
    assert (result.value, result.level) == (["UASC"], "warning")
    assert result.problem == ('"UASC, CP": "CP" is not a support type (SEN, YOT or UASC); '
                              "read as UASC")


def test_nothing_known_is_refused_with_an_example_made_from_the_options() -> None:
    assert normalise(SUPPORT, "LAC").problem == (
        '"LAC" is not a support type (expected SEN, YOT or UASC, e.g. "SEN & YOT")')


def test_each_call_gets_its_own_list() -> None:
    first = normalise(SUPPORT, "SEN & YOT").value
    assert isinstance(first, list)
    first.append("changed")
    assert normalise(SUPPORT, "SEN & YOT").value == ["SEN", "YOT"]


# -- the common rules ----------------------------------------------------------------------------


def test_kinds_are_told_apart_by_their_data_not_their_name() -> None:
    """The cache is keyed on the whole kind: two forms may both call a kind "grade"."""
    one = Kind("grade", "choice", noun="grade", options=(Option("A", ("a",)), Option("B", ("b",))))
    two = Kind("grade", "choice", noun="grade", options=(Option("B", ("b",)), Option("C", ("c",))))
    ok(one, "A", "A")
    refused(two, "A", "is not a grade (expected B or C)")
    assert bundled_form().kinds["grade"] != one


@pytest.mark.parametrize("kind", [k for k in NEW_KINDS if not k.is_text])
def test_not_applicable_for_every_type(kind: Kind) -> None:
    ok(kind, "N/A - not relevant", NA)


def test_text_kinds_keep_the_text() -> None:
    assert normalise(Kind("notes", "text"), "N/A") == Normalised("N/A")


def _allowed(kind: Kind, value: object) -> bool:
    if value == NA:
        return True
    if kind.type == "multi_choice":
        return isinstance(value, list) and bool(value) and value == [
            v for v in kind.values if v in value]
    if kind.type == "number":
        return type(value) is int and str(value) in kind.values
    if kind.type == "checkbox":
        return type(value) is bool
    return value in kind.values


VOCABULARY = ("1", "2", "4", "11", "/", "-", ",", " ", "and", "or", "not", "yes", "no", "Good",
              "Outstanding", "requires improvement to be good", "partly", "SEN", "YOT", "CP",
              "☒", "x", "N/A", "agree", "disagree", "mostly", "out of", "10", "(", ")")


@fast
@given(st.sampled_from(NEW_KINDS),
       st.one_of(st.text(max_size=40), st.lists(st.sampled_from(VOCABULARY), max_size=6).map(
           " ".join), st.lists(st.sampled_from(VOCABULARY), max_size=6).map("".join)))
def test_any_text_gives_an_allowed_value_or_a_problem(kind: Kind, text: str) -> None:
    result = normalise(kind, text)
    if not text.strip():
        assert result == Normalised(None)
    elif result.level == "error" and result.problem:
        assert result.value is None and len(result.problem) < 300
    else:
        assert result.level in ("error", "warning")
        assert result.value is not None and _allowed(kind, result.value), result


def test_normalise_spells_no_bundled_vocabulary() -> None:
    """Nothing outside model/forms/ spells a form's wording: no option, code or message of v3.2
    may be written in the normaliser (yes and no aside, which any form may use)."""
    source = Path(normalise_module.__file__).read_text("utf-8").lower()
    kinds = bundled_form().kinds.values()
    words = {o.value for k in kinds if k.type in ("choice", "multi_choice") for o in k.options}
    words |= {k.middle.value for k in kinds if k.middle} | {w for k in kinds
                                                          for w, _ in k.misspellings}
    words |= {k.expected for k in kinds if k.expected} | {k.example for k in kinds if k.example}
    words = {w for w in words if not set(w.lower().split()) <= {"yes", "no", "or"}}
    spelt = sorted(w for w in words if re.search(rf"(?<!\w){re.escape(w.lower())}(?!\w)", source))
    assert spelt == []
