"""Tests for caseaudit_docx.model.normalise: every writing the contract accepts, every refusal, and
properties that must hold for any text an auditor could type."""

from __future__ import annotations

import datetime as dt
from itertools import permutations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseaudit_docx.model.description import bundled_form
from caseaudit_docx.model.kinds import Kind
from caseaudit_docx.model.normalise import NA, Normalised, normalise

# The v3.2 form's kinds, as its bundled description gives them: these tests pin today's
# reading of v3.2 answers, which now comes from that data, not from code.
K = bundled_form().kinds
KINDS = frozenset(K)
YES_NO = ("Yes", "No")
LEVELS = ("Too High", "Appropriate", "Too Little")
GOOD_PRACTICE = ("Yes", "With some work", "No")
CATEGORIES = ("EH", "CIN", "CP", "LAC")
GRADES = ("Inadequate", "Requires Improvement", "Good", "Outstanding")

# No deadline: the first call compiles the regexes and loads dateutil, slow on a busy CI runner.
fast = settings(deadline=None)

VALUED_KINDS = sorted(KINDS - {"text"})
WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NA_WRITINGS = ("N/A", "NA", "n/a", "N.A.", "Not applicable", "not applicable.", " n / a ",
               "(N/A)", "N/A - child is a baby", "Not applicable as no plan yet")


def ok(kind: str, text: str, value: object) -> None:
    assert normalise(K[kind], text) == Normalised(value), text


def refused(kind: str, text: str, *fragments: str) -> str:
    result = normalise(K[kind], text)
    assert result.value is None, text
    assert result.level == "error" and result.problem, text
    assert f'"{" ".join(text.split())}"' in result.problem  # the auditor's text is quoted
    for fragment in fragments:
        assert fragment in result.problem
    return result.problem


def is_allowed(kind: str, value: object) -> bool:
    """Whether ``value`` is one the contract allows for ``kind``."""
    if value == NA:
        return kind != "text"
    if kind in ("score", "rating"):
        low, high = (1, 5) if kind == "score" else (0, 10)
        return type(value) is int and low <= value <= high
    if kind == "category":
        return (isinstance(value, list) and bool(value)
                and value == [code for code in CATEGORIES if code in value])
    if kind == "date":
        return isinstance(value, str) and dt.date.fromisoformat(value).isoformat() == value
    allowed = {"grade": GRADES, "yes_no": YES_NO, "level": LEVELS, "good_practice": GOOD_PRACTICE}
    return kind == "text" or value in allowed[kind]


# -- the common rules ----------------------------------------------------------------------------


def test_the_bundled_kinds_hold_the_v32_vocabulary() -> None:
    v32 = {"text", "score", "grade", "yes_no", "level", "good_practice", "rating", "category",
           "date"}
    assert v32 == KINDS
    assert (K["grade"].values, K["level"].values, K["yes_no"].values) == (GRADES, LEVELS, YES_NO)
    assert (K["good_practice"].values, K["category"].values) == (GOOD_PRACTICE, CATEGORIES)


def test_a_kind_of_unknown_type_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown type 'colour'"):
        normalise(Kind("colour", "colour"), "red")
    with pytest.raises(TypeError, match="needs a Kind"):
        normalise("grade", "Good")  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("text", [None, "", "   ", "\n\t "])
def test_blank_gives_no_value_and_no_problem(kind: str, text: str | None) -> None:
    assert normalise(K[kind], text) == Normalised(None)
    assert normalise(K[kind], text, date_hint="2019-03-12") == Normalised(None)


def test_text_is_kept_as_is() -> None:
    written = "Seen twice;\n4 - see notes"
    assert normalise(K["text"], written) == Normalised(written)
    assert normalise(K["text"], "N/A") == Normalised("N/A")


@pytest.mark.parametrize("kind", VALUED_KINDS)
@pytest.mark.parametrize("text", NA_WRITINGS)
def test_not_applicable(kind: str, text: str) -> None:
    ok(kind, text, NA)


@pytest.mark.parametrize("text", ["Score: N/A", "Grade - n/a"])
def test_not_applicable_after_a_label(text: str) -> None:
    ok("score" if "Score" in text else "grade", text, NA)


# -- score and rating ----------------------------------------------------------------------------


@pytest.mark.parametrize("text, value", [
    ("4", 4), ("4/5", 4), ("4 / 5", 4), ("4 out of 5", 4), ("four", 4), ("Four", 4),
    ("5 Yes, completely", 5), ("1 No, not at all", 1), ("3 - partially", 3), ("Score: 4", 4),
    ("(4)", 4), ("[2]", 2), ("4 - mostly yes", 4), ("4.", 4), ("Mostly yes (4)", 4),
    ("Auditor's score: 2", 2), ("Scored 3/5 - some gaps", 3), ("4 - one visit missed", 4),
    ("4\nsee notes", 4),
])
def test_score_accepted(text: str, value: int) -> None:
    ok("score", text, value)


@pytest.mark.parametrize("text", ["0", "6", "zero", "ten", "12", "99999999999999999999999"])
def test_score_out_of_range(text: str) -> None:
    refused("score", text, "is not a score from 1 to 5")


@pytest.mark.parametrize("text", ["7/10", "3/4", "4/05", "1/2"])
def test_score_only_out_of_five(text: str) -> None:
    refused("score", text, 'only "N/5" is read as out of 5')


@pytest.mark.parametrize("text", ["3-4", "3 - 4", "3–4", "3 or 4", "3 and 4", "4, 5",
                                  "three to four", "3 or four", "4 - five", "4/5/2019"])
def test_score_ambiguous(text: str) -> None:
    refused("score", text, "is not a single score from 1 to 5")


def test_score_message_reads_as_the_contract_says() -> None:
    assert normalise(K["score"], "3-4").problem == '"3-4" is not a single score from 1 to 5'
    for text in ("2.5", "3½", "3 ¾"):
        refused("score", text, "is not a whole score")


@pytest.mark.parametrize("text", ["see notes", "Yes, completely", "mostly 4", "see page 5", "-"])
def test_score_missing(text: str) -> None:
    refused("score", text, "is not a score from 1 to 5")


@pytest.mark.parametrize("text, value", [
    ("7", 7), ("7/10", 7), ("seven", 7), ("Rating 8", 8), ("0", 0), ("10", 10),
    ("8 out of 10", 8), ("Ten", 10), ("9 - very helpful", 9),
])
def test_rating_accepted(text: str, value: int) -> None:
    ok("rating", text, value)


@pytest.mark.parametrize("text, fragment", [
    ("11", "is not a rating from 0 to 10"), ("7.5", "is not a whole rating"),
    ("6-7", "is not a single rating"), ("4/5", 'only "N/10"'), ("great", "is not a rating"),
])
def test_rating_refused(text: str, fragment: str) -> None:
    refused("rating", text, fragment)


# -- grade ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, value", [
    ("Inadequate", "Inadequate"), ("Good", "Good"), ("Outstanding", "Outstanding"),
    ("Requires Improvement", "Requires Improvement"), ("RI", "Requires Improvement"),
    ("R.I.", "Requires Improvement"), ("Req. Improvement", "Requires Improvement"),
    ("Req Improvement", "Requires Improvement"), ("requires improvement", "Requires Improvement"),
    ("Requires improvement to be good", "Requires Improvement"),
    ("Good - strong plan", "Good"), ("Grade: Outstanding", "Outstanding"),
    ("GOOD.", "Good"), ("good, good analysis", "Good"),
])
def test_grade_accepted(text: str, value: str) -> None:
    ok("grade", text, value)


@pytest.mark.parametrize("text", ["Good/Outstanding", "Good to Outstanding", "RI/Good",
                                  "Inadequate or RI", "Good - outstanding voice work"])
def test_grade_ambiguous(text: str) -> None:
    refused("grade", text, "names more than one grade")


@pytest.mark.parametrize("text, fragment", [
    ("Adequate", "is not a grade"), ("see notes", "is not a grade"),
    ("Improvement needed", "is not a grade"), ("Not good", "is negated"),
    ("not yet outstanding", "is negated"),
])
def test_grade_refused(text: str, fragment: str) -> None:
    refused("grade", text, fragment)


def test_negated_messages_name_the_kind_and_list_its_options() -> None:
    assert normalise(K["grade"], "Not good").problem == (
        '"Not good" is negated; expected one grade: Inadequate, Requires Improvement, Good or '
        "Outstanding")
    # Was "is negated; expected 1 Too High, ..." before kinds were data: one form for all kinds.
    assert normalise(K["level"], "Not appropriate").problem == (
        '"Not appropriate" is negated; expected one level: 1 Too High, 2 Appropriate or '
        "3 Too Little")


def test_a_negation_before_a_pattern_option_is_negated_too() -> None:
    refused("grade", "not requires improvement", "is negated")
    refused("grade", "Requires improvement, not yet good", "is negated")


@pytest.mark.parametrize("text, value", [
    ("Outstandng", "Outstanding"), ("Inadequte", "Inadequate"),
    ("Requires Improvment", "Requires Improvement"),
])
def test_grade_misspelling_is_read_with_a_warning(text: str, value: str) -> None:
    result = normalise(K["grade"], text)
    assert (result.value, result.level) == (value, "warning")
    assert f'"{text}" was read as "{value}"' in (result.problem or "")


def test_grade_misspellings_of_two_grades_are_not_guessed() -> None:
    refused("grade", "Outstandng or Inadequte", "is not a grade")


# -- yes_no, level, good_practice ----------------------------------------------------------------


@pytest.mark.parametrize("text, value", [
    ("yes", "Yes"), ("Yes", "Yes"), ("Y", "Yes"), ("no", "No"), ("N", "No"), ("No.", "No"),
    ("Yes - thresholds applied", "Yes"), ("Yes, no concerns", "Yes"), ("Answer: no", "No"),
    ("N, step-down was delayed", "No"),
])
def test_yes_no_accepted(text: str, value: str) -> None:
    ok("yes_no", text, value)


@pytest.mark.parametrize("text, fragment", [
    ("yes and no", "gives both yes and no"), ("Y/N", "gives both yes and no"),
    ("Yes/No", "gives both yes and no"), ("no or yes", "gives both yes and no"),
    ("yes - no", "gives both yes and no"), ("Yes, partly", "is not a clear yes or no"),
    ("maybe", "is not an answer"), ("Nope", "is not an answer"), ("not really", "not an answer"),
])
def test_yes_no_refused(text: str, fragment: str) -> None:
    refused("yes_no", text, fragment, "expected Yes or No")


@pytest.mark.parametrize("text, value", [
    ("1", "Too High"), ("Too High", "Too High"), ("1 Too High", "Too High"),
    ("2 Appropriate", "Appropriate"), ("3 Too little", "Too Little"),
    ("Appropriate", "Appropriate"),
    ("too little", "Too Little"), ("Level 2", "Appropriate"), ("Too high (1)", "Too High"),
    ("Appropriate - 2 visits a week", "Appropriate"),
])
def test_level_accepted(text: str, value: str) -> None:
    ok("level", text, value)


@pytest.mark.parametrize("text, fragment", [
    ("0", "is not a level from 1 to 3"), ("4", "is not a level from 1 to 3"),
    ("4 Appropriate", "is not a level from 1 to 3"), ("1-2", "is not a single level"),
    ("1/2", "is not a single level"), ("Too high/Appropriate", "more than one level"),
    ("1 Appropriate", "gives both 1 (Too High) and Appropriate"), ("Not appropriate", "negated"),
    ("Inappropriate", "is not a level"), ("fine", "is not a level"),
])
def test_level_refused(text: str, fragment: str) -> None:
    refused("level", text, fragment)


@pytest.mark.parametrize("text, value", [
    ("Yes", "Yes"), ("No", "No"), ("With some work", "With some work"),
    ("with some work needed", "With some work"), ("some work", "With some work"),
    ("y - the plan", "Yes"),
])
def test_good_practice_accepted(text: str, value: str) -> None:
    ok("good_practice", text, value)


@pytest.mark.parametrize("text, fragment", [
    ("Yes, with some work", "more than one answer"), ("No - some work first", "more than one"),
    ("Y/N", "gives both yes and no"), ("possibly", "is not an answer"),
])
def test_good_practice_refused(text: str, fragment: str) -> None:
    refused("good_practice", text, fragment, '"Yes", "With some work" or "No"')


# -- category ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, value", [
    ("CP & LAC", ["CP", "LAC"]), ("CIN/CP", ["CIN", "CP"]), ("cp, lac", ["CP", "LAC"]),
    ("LAC CP EH", ["EH", "CP", "LAC"]), ("CP and CP", ["CP"]), ("C.P.", ["CP"]),
    ("Child in Need", ["CIN"]), ("Children in need", ["CIN"]), ("Child Protection", ["CP"]),
    ("Child Protection Plan", ["CP"]), ("Looked After Child", ["LAC"]),
    ("Looked after children", ["LAC"]), ("CLA", ["LAC"]), ("Child Looked After", ["LAC"]),
    ("Early Help", ["EH"]), ("Early Help; child in need", ["EH", "CIN"]),
    ("Category: CP", ["CP"]),
])
def test_category_accepted(text: str, value: list[str]) -> None:
    ok("category", text, value)


def test_category_keeps_known_codes_and_warns_about_the_rest() -> None:
    result = normalise(K["category"], "CP & PLO")
    assert (result.value, result.level) == (["CP"], "warning")
    assert result.problem == ('"CP & PLO": "PLO" is not a case category (EH, CIN, CP or LAC); '
                              "read as CP")


@pytest.mark.parametrize("text", ["xyz", "PLO", "care leaver"])
def test_category_with_nothing_known_is_refused(text: str) -> None:
    refused("category", text, "is not a case category")


# -- date ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "12/03/2019", "12.3.19", "12-03-2019", "12 March 2019", "12th Mar 2019",
    "Tuesday 12th March 2019", "Tue 12 March 2019", "2019-03-12", "12/3/2019", "12-Mar-19",
    "12th of March, 2019", "March 12, 2019", "12 MARCH 2019", "Visited on 12/03/2019",
    "12/03/2019.", "2019/03/12",
])
def test_date_accepted(text: str) -> None:
    ok("date", text, "2019-03-12")


def test_two_digit_years_pivot_at_70_whatever_today_is() -> None:
    ok("date", "1.1.69", "2069-01-01")
    ok("date", "1.1.70", "1970-01-01")
    ok("date", "1 Jan 00", "2000-01-01")
    ok("date", "1 Jan 99", "1999-01-01")


def test_iso_is_year_month_day_even_when_day_could_be_a_month() -> None:
    ok("date", "2019-12-03", "2019-12-03")  # dateutil with dayfirst=True says 12 March


@pytest.mark.parametrize("text, fragment", [
    ("see notes 5", "is not a date"), ("5", "is not a date"), ("soon", "is not a date"),
    ("March 2019", "is not a complete date"), ("12 March", "is not a complete date"),
    ("12/03", "is not a complete date"), ("31/02/2019", "is not a real date"),
    ("12/13/2019", "is not a real date"), ("29/02/2019", "is not a real date"),
    ("12/03/1019", "unlikely year"), ("12/03/2019 and 14/03/2019", "more than one date"),
    ("1.2.3.4", "is not a complete date"), ("12/03/2019/4", "is not a complete date"),
])
def test_date_refused(text: str, fragment: str) -> None:
    refused("date", text, fragment)


def test_date_written_twice_the_same_is_one_date() -> None:
    ok("date", "12/03/2019 (12 March 2019)", "2019-03-12")


def test_date_with_the_wrong_weekday_keeps_the_date_and_warns() -> None:
    result = normalise(K["date"], "Monday 12th March 2019")
    assert (result.value, result.level) == ("2019-03-12", "warning")
    assert "2019-03-12 was a Tuesday, not a Monday" in (result.problem or "")


@pytest.mark.parametrize("text, hint", [
    ("12/03/2019", "2019-03-12"), ("12 March", "2019-03-12"),  # display format without a year
    ("Tuesday, 12 March 2019", "2019-03-12T00:00:00Z"), ("whenever", "2019-03-12"),
])
def test_date_picker_stored_date_is_the_value(text: str, hint: str) -> None:
    assert normalise(K["date"], text, date_hint=hint) == Normalised("2019-03-12")


@pytest.mark.parametrize("text, said", [("13/03/2019", "the date 2019-03-13"), ("N/A", "N/A")])
def test_date_picker_disagreeing_with_its_text_warns(text: str, said: str) -> None:
    result = normalise(K["date"], text, date_hint="2019-03-12")
    assert (result.value, result.level) == ("2019-03-12", "warning")
    assert result.problem == (f'"{text}" says {said} but the date picker holds 2019-03-12; '
                              "2019-03-12 was used")


@pytest.mark.parametrize("hint", ["2019-02-31", "garbage", "", "12/03/2019"])
def test_an_unusable_date_hint_is_ignored(hint: str) -> None:
    assert normalise(K["date"], "14/03/2019", date_hint=hint) == Normalised("2019-03-14")


# -- properties ----------------------------------------------------------------------------------

TAILS = ("", " - mostly yes", " Yes, completely", " - partially", ", see notes", " (see para 3)")


@fast
@given(st.integers(1, 5), st.sampled_from(TAILS), st.integers(0, 7))
def test_every_score_writing_reads_back(n: int, tail: str, style: int) -> None:
    writings = (str(n), WORDS[n], WORDS[n].title(), f"{n}/5", f"{n} out of 5", f"Score: {n}",
                f"({n})", f"Scored {n}/5")
    assert normalise(K["score"], writings[style] + tail) == Normalised(n)


@fast
@given(st.integers(0, 10), st.sampled_from(TAILS), st.integers(0, 5))
def test_every_rating_writing_reads_back(n: int, tail: str, style: int) -> None:
    writings = (str(n), WORDS[n], WORDS[n].upper(), f"{n}/10", f"Rating {n}", f"{n} out of 10")
    assert normalise(K["rating"], writings[style] + tail) == Normalised(n)


@fast
@given(st.one_of(st.integers(-1000, 0), st.integers(6, 10**30)))
def test_scores_outside_one_to_five_are_refused(n: int) -> None:
    refused("score", str(n))


@fast
@given(st.integers(1, 5), st.integers(1, 5), st.sampled_from(["-", " - ", " or ", " and ", ", "]))
def test_two_scores_are_never_guessed(a: int, b: int, joiner: str) -> None:
    refused("score", f"{a}{joiner}{b}", "is not a single score")


@fast
@given(st.integers(1, 3), st.integers(0, 4), st.booleans())
def test_every_level_writing_reads_back(n: int, style: int, upper: bool) -> None:
    name = LEVELS[n - 1]
    text = (str(n), name, f"{n} {name}", f"Level {n}", f"{name} ({n})")[style]
    assert normalise(K["level"], text.upper() if upper else text.lower()) == Normalised(name)


def _case(text: str, how: int) -> str:
    return (text, text.lower(), text.upper(), text.title())[how]


@fast
@given(st.sampled_from(GRADES), st.integers(0, 3), st.sampled_from(["", ".", " - see notes"]))
def test_every_grade_reads_back(grade: str, how: int, tail: str) -> None:
    assert normalise(K["grade"], _case(grade, how) + tail) == Normalised(grade)


@fast
@given(st.lists(st.sampled_from(GRADES), min_size=2, max_size=2, unique=True),
       st.sampled_from(["/", " to ", " or ", " & "]))
def test_two_grades_are_never_guessed(grades: list[str], joiner: str) -> None:
    refused("grade", joiner.join(grades), "more than one grade")


@fast
@given(st.sampled_from(["yes", "y", "no", "n"]), st.integers(0, 3),
       st.sampled_from(["", ".", " - thresholds applied", ", see notes"]))
def test_every_yes_no_reads_back(word: str, how: int, tail: str) -> None:
    expected = "Yes" if word.startswith("y") else "No"
    assert normalise(K["yes_no"], _case(word, how) + tail) == Normalised(expected)


@fast
@given(st.sampled_from(GOOD_PRACTICE), st.integers(0, 3), st.sampled_from(["", ".", " needed"]))
def test_every_good_practice_answer_reads_back(answer: str, how: int, tail: str) -> None:
    tail = tail if answer == "With some work" else tail.replace(" needed", "")
    assert normalise(K["good_practice"], _case(answer, how) + tail) == Normalised(answer)


@fast
@given(st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=4, unique=True),
       st.sampled_from([" & ", "/", ", ", " and ", " "]), st.integers(0, 2))
def test_any_set_of_categories_comes_back_in_form_order(codes: list[str], joiner: str,
                                                        how: int) -> None:
    expected = [code for code in CATEGORIES if code in codes]
    assert normalise(K["category"], _case(joiner.join(codes), how)) == Normalised(expected)


def test_every_order_of_all_four_categories() -> None:
    for order in permutations(CATEGORIES):
        assert normalise(K["category"], " & ".join(order)).value == list(CATEGORIES)


def _uk_writings(d: dt.date) -> list[str]:
    month, weekday = MONTHS[d.month - 1], WEEKDAYS[d.weekday()]
    suffix = "th" if 11 <= d.day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(d.day % 10, "th")
    return [
        f"{d.day:02d}/{d.month:02d}/{d.year}", f"{d.day}/{d.month}/{d.year}",
        f"{d.day:02d}-{d.month:02d}-{d.year}", f"{d.day}.{d.month}.{d.year % 100:02d}",
        f"{d.day} {month} {d.year}", f"{d.day}{suffix} {month[:3]} {d.year}",
        f"{weekday} {d.day}{suffix} {month} {d.year}", d.isoformat(),
        f"{month} {d.day}, {d.year}", f"{d.day}-{month[:3]}-{d.year % 100:02d}",
    ]


@fast
@given(st.dates(dt.date(1970, 1, 1), dt.date(2069, 12, 31)), st.integers(0, 9))
def test_every_uk_writing_of_a_date_reads_back_as_iso(date: dt.date, style: int) -> None:
    assert normalise(K["date"], _uk_writings(date)[style]) == Normalised(date.isoformat())


@fast
@given(st.integers(1, 31), st.integers(1, 12), st.integers(1900, 2099))
def test_numeric_dates_are_read_day_first_and_must_exist(day: int, month: int, year: int) -> None:
    try:
        expected: str | None = dt.date(year, month, day).isoformat()
    except ValueError:
        expected = None
    assert normalise(K["date"], f"{day}/{month}/{year}").value == expected


@fast
@given(st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31)), st.text(max_size=30))
def test_a_date_pickers_stored_date_always_wins(date: dt.date, text: str) -> None:
    result = normalise(K["date"], "x" + text, date_hint=date.isoformat())
    assert result.value == date.isoformat()


@fast
@given(st.sampled_from(VALUED_KINDS), st.sampled_from(NA_WRITINGS), st.integers(0, 3),
       st.sampled_from(["", " ", "\n", "."]))
def test_not_applicable_for_every_kind(kind: str, text: str, how: int, around: str) -> None:
    assert normalise(K[kind], around + _case(text, how) + around) == Normalised(NA)


VOCABULARY = ("4", "12", "3", "/", "-", ".", ",", " ", "and", "or", "to", "(", ")", "five",
              "yes", "no", "N/A", "Good", "RI", "Outstanding", "Inadequate", "some work",
              "Too High", "Appropriate", "CP", "LAC", "EH", "March", "2019", "19", "Tuesday",
              "12th", "not", "see notes", "Requires improvement to be good", "out of", "10")


@fast
@given(st.sampled_from(sorted(KINDS)),
       st.one_of(st.text(), st.lists(st.sampled_from(VOCABULARY), max_size=8).map("".join),
                 st.lists(st.sampled_from(VOCABULARY), max_size=8).map(" ".join)),
       st.one_of(st.none(), st.just("2019-03-12"), st.text(max_size=12)))
def test_any_text_gives_an_allowed_value_or_a_problem(kind: str, text: str,
                                                      hint: str | None) -> None:
    result = normalise(K[kind], text, date_hint=hint)
    assert isinstance(result, Normalised)
    assert result.level in ("error", "warning")
    if not text.strip():
        assert result == Normalised(None)
    elif result.problem is None or result.level == "warning":
        assert result.value is not None and is_allowed(kind, result.value)
    else:
        assert result.value is None
        assert len(result.problem) < 300
