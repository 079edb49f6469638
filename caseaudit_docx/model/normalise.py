"""Turn what an auditor typed into a field's value, or say plainly why it cannot be done.

This is the only place that reads meaning into free text (``shared/spec/fields.md``, "Kinds and
their normalised value"). It is pure: no I/O, no clock, no locale, so the same form always gives
the same record. Trouble with one field is data, never an exception: :func:`normalise` returns a
:class:`Normalised` whose ``problem`` is a message a quality lead can send to the auditor.

The rule throughout is *read generously, never guess*. Labels, brackets, case and explanatory
words are tolerated ("Score: 4", "(4)", "Good - strong plan"); anything that could mean two values
("3-4", "Good/Outstanding", "Y/N", two dates) gives no value and a problem.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial

from dateutil import parser as date_parser

from caseaudit_docx.model.kinds import Kind
from caseaudit_docx.model.record import ERROR, WARNING

NA = "n/a"
KINDS: frozenset[str] = frozenset(("text", "score", "grade", "yes_no", "level", "good_practice", "rating", "category", "date"))
YES_NO: tuple[str, ...] = ("Yes", "No")
LEVELS: tuple[str, ...] = ("Too High", "Appropriate", "Too Little")
GOOD_PRACTICE: tuple[str, ...] = ("Yes", "With some work", "No")
CATEGORIES: tuple[str, ...] = ("EH", "CIN", "CP", "LAC")
GRADES: tuple[str, ...] = ("Inadequate", "Requires Improvement", "Good", "Outstanding")


@dataclass(frozen=True)
class Normalised:
    """A field's value plus, when the text needed a second look, a message about it.

    Invariants callers may rely on (for non-blank text): an ``"error"`` problem means
    ``value is None``; a ``"warning"`` problem means a value was kept but the auditor should
    check what was assumed; no problem means a value was found.
    """

    value: object | None
    problem: str | None = None
    level: str = ERROR


def normalise(kind: Kind | str, text: str | None, *, date_hint: str | None = None
              ) -> Normalised:
    """Normalise ``text`` as ``kind``; ``date_hint`` is a Word date picker's stored date.

    An unknown kind is a programming error (``ValueError``), not a problem with the form.
    """
    kind = kind.name if isinstance(kind, Kind) else str(kind)
    if kind not in KINDS:
        raise ValueError(f"unknown field kind {kind!r}; expected one of {sorted(KINDS)}")
    if text is None or not text.strip():
        return Normalised(None)
    if kind == "text":
        return Normalised(text)
    result = _normalise_cached(kind, text, date_hint)
    if isinstance(result.value, list):  # a cached list must not be shared between records
        return Normalised(list(result.value), result.problem, result.level)
    return result


@lru_cache(maxsize=8192)
def _normalise_cached(kind: str, text: str, date_hint: str | None) -> Normalised:
    """The same few answers ("4", "Good", "Yes") recur on every form of a batch, and the
    functions here are pure, so each distinct answer is read once."""
    if kind == "date":
        return _read_date(text, date_hint)
    if _is_na(text):
        return Normalised(NA)
    return _READERS[kind](text.strip())


# -- shared helpers ------------------------------------------------------------------------------

# "N/A", "NA", "N.A.", "Not applicable", optionally followed by an explanation ("N/A - baby").
_NA_RE = re.compile(r"^\W*(?:n\s*/\s*a|n\.a\.?|na|not\s+applicable)(?![\w/])", re.I)
# A leading label auditors write before the answer: "Score: 4", "Grade - Good", "Rating of 8".
_LABEL_RE = re.compile(
    r"^(?:(?:auditor|practitioner|overall)(?:'|’)?s?\s+)?"
    r"(?:score[sd]?|rating|rated|response|answer|grade[sd]?|grading|level|category)\b"
    r"[\s:=\-–—]*(?:(?:of|is|as|at)\b[\s:=\-–—]*)?",
    re.I,
)


def _strip_label(text: str) -> str:
    return _LABEL_RE.sub("", text, count=1).strip()


def _is_na(text: str) -> bool:
    stripped = text.strip()
    return bool(_NA_RE.match(stripped) or _NA_RE.match(_strip_label(stripped)))


def _q(text: str) -> str:
    """Quote the auditor's text for a message: one line, and short enough to read."""
    flat = " ".join(text.split())
    return f'"{flat[:57]}…"' if len(flat) > 60 else f'"{flat}"'


def _error(message: str) -> Normalised:
    return Normalised(None, message, ERROR)


# -- numbers: score, rating, level ---------------------------------------------------------------

_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_WORD = "(?:" + "|".join(_WORDS) + ")"
_NUM = rf"(?:\d+(?:\.\d+)?|{_WORD})"
# The answer starts with the number, optionally bracketed and "out of" something: "(4/5) mostly".
_LEADING_NUM_RE = re.compile(
    rf"^[(\[]?\s*(?P<num>{_NUM})(?!\w|\.\d)\s*"
    rf"(?:(?:/|out\s+of)\s*(?P<den>\d+(?:\.\d+)?)(?!\w))?\s*[)\]]?(?P<rest>.*)$",
    re.I | re.S | re.A,
)
# ...or ends with it in brackets: "Mostly yes (4)". A bare number elsewhere ("see page 5") is not
# read: it is as likely a page, a count or a date as an answer.
_TRAILING_NUM_RE = re.compile(rf"[(\[]\s*(?P<inner>{_NUM}[^()\[\]]*)[)\]]\W*$", re.I | re.A)
_FRACTION_RE = re.compile(r"\s*[\u00bc-\u00be\u2150-\u215e]")  # "3½", "3 ¾"
# A second number straight after the first means a range or a choice: "3-4", "3 or 4", "4, 5".
_SECOND_NUM_RE = re.compile(
    rf"^\W*(?:\d|(?:or|and|to)\W+(?:\d|{_WORD}(?!\w))|{_WORD}\W*$)", re.I | re.A
)


def _read_number(text: str, low: int, high: int, out_of: int | None, noun: str) -> Normalised:
    """Read one whole number from ``low`` to ``high`` (``noun`` names it in messages).

    Only "N/<out_of>" is read as a fraction: "3/4" on a 1-5 scale could be "3 out of 4" or
    "3 or 4", so it is refused rather than guessed.
    """
    body = _strip_label(text)
    match = _LEADING_NUM_RE.match(body)
    if match is None and (trailing := _TRAILING_NUM_RE.search(body)):
        match = _LEADING_NUM_RE.match(trailing["inner"])
    if match is None:
        return _error(f"{_q(text)} is not a {noun} (write the number first, e.g. \"{high - 1}\")")
    num, den, rest = match["num"].lower(), match["den"], match["rest"]
    if "." in num or _FRACTION_RE.match(rest):
        return _error(f"{_q(text)} is not a whole {noun}")
    if den is not None and (out_of is None or den != str(out_of)):
        hint = f' (only "N/{out_of}" is read as out of {out_of})' if out_of else ""
        return _error(f"{_q(text)} is not a single {noun}{hint}")
    if _SECOND_NUM_RE.match(rest):
        return _error(f"{_q(text)} is not a single {noun}")
    # A long digit run is out of range anyway; not parsing it keeps int() clear of huge input.
    value = _WORDS.index(num) if num in _WORDS else int(num) if len(num) <= 4 else None
    if value is None or not low <= value <= high:
        return _error(f"{_q(text)} is not a {noun}")
    return Normalised(value)


_LEVEL_RE = re.compile(r"\b(too\s+high|appropriate|too\s+little)\b", re.I)
_LEVEL_NOT_RE = re.compile(r"\bnot\s+(?:too\s+(?:high|little)|appropriate)\b", re.I)
_LEVEL_EXPECTED = '1 Too High, 2 Appropriate or 3 Too Little'


def _read_level(text: str) -> Normalised:
    """A level is a number 1-3, its words, or both; number and words must agree."""
    if _LEVEL_NOT_RE.search(text):
        return _error(f"{_q(text)} is negated; expected {_LEVEL_EXPECTED}")
    said = {" ".join(words.split()).title() for words in _LEVEL_RE.findall(text)}
    named = [level for level in LEVELS if level in said]
    if len(named) > 1:
        return _error(f"{_q(text)} names more than one level ({', '.join(named)})")
    body = _strip_label(text)
    if _LEADING_NUM_RE.match(body) or _TRAILING_NUM_RE.search(body):
        read = _read_number(text, 1, 3, None, "level from 1 to 3")
        if not isinstance(read.value, int):
            return read
        by_number = LEVELS[read.value - 1]
        if named and named[0] != by_number:
            return _error(f"{_q(text)} gives both {read.value} ({by_number}) and {named[0]}")
        return Normalised(by_number)
    if named:
        return Normalised(named[0])
    return _error(f"{_q(text)} is not a level (expected {_LEVEL_EXPECTED})")


# -- words: grade, yes_no, good_practice -------------------------------------------------------

_RI_RES = (
    re.compile(r"(?<![a-z])(?:requires?|required|req\.?|needs?)\s*improvements?"
               r"(?:\s+to\s+be\s+good)?(?![a-z])", re.I),
    re.compile(r"(?<![a-z])r\.?\s?i(?![a-z])\.?(?:\s+to\s+be\s+good)?", re.I),
)
_GRADE_RE = re.compile(r"\b(inadequate|good|outstanding)\b", re.I)
_GRADE_NOT_RE = re.compile(r"\bnot\s+(?:yet\s+)?(?:good|outstanding|inadequate)\b", re.I)
# Close-spelling targets; "good" is too short to match safely ("food", "goal"). The 0.9 cutoff
# keeps "adequate" (0.89 against "inadequate", the opposite meaning) from being read as a grade.
_FUZZY_GRADES = {"inadequate": "Inadequate", "outstanding": "Outstanding",
                 "improvement": "Requires Improvement"}
_GRADE_EXPECTED = "Inadequate, Requires Improvement, Good or Outstanding"


def _read_grade(text: str) -> Normalised:
    """One of the four grades; a text naming two ("Good/Outstanding") is never resolved."""
    rest, found = text, []
    for pattern in _RI_RES:  # first, so "Requires improvement to be good" is not also Good
        if pattern.search(rest):
            found.append("Requires Improvement")
            rest = pattern.sub(" ", rest)
    if _GRADE_NOT_RE.search(rest):
        return _error(f"{_q(text)} is negated; expected one grade: {_GRADE_EXPECTED}")
    found += [word.title() for word in _GRADE_RE.findall(rest)]
    grades = [grade for grade in GRADES if grade in found]
    if len(grades) > 1:
        return _error(f"{_q(text)} names more than one grade ({', '.join(grades)})")
    if grades:
        return Normalised(grades[0])
    close = {
        (word, _FUZZY_GRADES[match[0]])
        for word in re.findall(r"[a-z]{6,}", text.lower())
        if word not in _FUZZY_GRADES
        and (match := difflib.get_close_matches(word, list(_FUZZY_GRADES), n=1, cutoff=0.9))
    }
    if len({grade for _, grade in close}) == 1:
        word, grade = sorted(close)[0]
        return Normalised(grade, f'{_q(text)} was read as "{grade}" ("{word}" looks like a '
                                 "misspelling); please check", WARNING)
    return _error(f"{_q(text)} is not a grade (expected {_GRADE_EXPECTED})")


_YES_NO_RE = re.compile(r"^\W*(?P<word>yes|y|no|n)(?![a-z])(?P<rest>.*)$", re.I | re.S)
_QUALIFIED_RE = re.compile(
    r"^\W*(?:partly|partially|in\s+part|mostly|somewhat|sometimes|not\s+(?:fully|entirely|"
    r"always|sure|clear)|unclear|unsure)(?![a-z])", re.I)


def _yes_or_no(text: str) -> tuple[str | None, str | None]:
    """("Yes"|"No", None) for a clear answer, else (None, why); ("", None) when none is given."""
    match = _YES_NO_RE.match(_strip_label(text))
    if match is None:
        return "", None
    answer = "Yes" if match["word"].lower().startswith("y") else "No"
    other = "no|n" if answer == "Yes" else "yes|y"
    rest = match["rest"]
    both = (rf"^\s*(?:/|\\|&|\+|\bor\b|\band\b|\bbut\b|\bnor\b)\s*(?:{other})(?![a-z])",
            rf"^\W*(?:{other})\W*$")  # "yes and no", "Y/N", "yes - no"; not "Yes, no concerns"
    if any(re.match(pattern, rest, re.I) for pattern in both):
        return None, "gives both yes and no"
    if _QUALIFIED_RE.match(rest):
        return None, "is not a clear yes or no"
    return answer, None


def _read_yes_no(text: str) -> Normalised:
    answer, why = _yes_or_no(text)
    if answer:
        return Normalised(answer)
    return _error(f"{_q(text)} {why or 'is not an answer'} (expected Yes or No)")


_SOME_WORK_RE = re.compile(r"(?<![a-z])some\s+work(?![a-z])", re.I)
_GOOD_PRACTICE_EXPECTED = '"Yes", "With some work" or "No"'


def _read_good_practice(text: str) -> Normalised:
    """Yes / With some work / No; "Yes, with some work" mixes two answers and is refused."""
    answer, why = _yes_or_no(text)
    if _SOME_WORK_RE.search(text):
        if answer or why:
            return _error(f"{_q(text)} gives more than one answer "
                          f"(expected {_GOOD_PRACTICE_EXPECTED})")
        return Normalised("With some work")
    if answer:
        return Normalised(answer)
    return _error(f"{_q(text)} {why or 'is not an answer'} (expected {_GOOD_PRACTICE_EXPECTED})")


# -- category ------------------------------------------------------------------------------------

_CATEGORY_PHRASES = (
    (re.compile(r"\bearly\s+help\b", re.I), "EH"),
    (re.compile(r"\bchild(?:ren)?\s+in\s+need\b", re.I), "CIN"),
    (re.compile(r"\bchild(?:ren)?\s+protection(?:\s+plan)?\b", re.I), "CP"),
    (re.compile(r"\b(?:looked[\s-]+after\s+child(?:ren)?|child(?:ren)?\s+looked[\s-]+after)\b",
                re.I), "LAC"),
)
_CATEGORY_CODES = {"eh": "EH", "cin": "CIN", "cp": "CP", "lac": "LAC", "cla": "LAC"}
_CATEGORY_FILLER = {"and", "plus", "case", "plan"}
_CATEGORY_SPLIT_RE = re.compile(r"[\s&/,;:+|()\[\]–—-]+")


def _read_category(text: str) -> Normalised:
    """Codes and their long names, in any order and separator, come back in form order."""
    found: set[str] = set()
    rest = _strip_label(text)
    for pattern, code in _CATEGORY_PHRASES:
        if pattern.search(rest):
            found.add(code)
            rest = pattern.sub(" ", rest)
    unknown = []
    for token in _CATEGORY_SPLIT_RE.split(rest):
        word = token.replace(".", "").lower()
        if word in _CATEGORY_CODES:
            found.add(_CATEGORY_CODES[word])
        elif word and word not in _CATEGORY_FILLER:
            unknown.append(token)
    codes = [code for code in CATEGORIES if code in found]
    if not codes:
        return _error(f"{_q(text)} is not a case category (expected EH, CIN, CP or LAC, "
                      'e.g. "CP & LAC")')
    if unknown:
        return Normalised(codes, f"{_q(text)}: {_q(' '.join(unknown))} is not a case category "
                                 f"(EH, CIN, CP or LAC); read as {' & '.join(codes)}", WARNING)
    return Normalised(codes)


# -- dates ---------------------------------------------------------------------------------------

_MONTH = ("(?:january|february|march|april|may|june|july|august|september|october|november|"
          "december|sept|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)(?![a-z])")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = "(?:mon|tues?|wed(?:nes)?|weds|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?(?![a-z])"
_END = r"(?!\w|[./-]\d)"  # not part of a longer number: "12/03/2019/4" is no date
# Only complete dates are matched, so dateutil never fills a missing day, month or year from
# today, and never reads a stray number in a sentence ("see notes 5") as a date.
_DATE_RE = re.compile(
    rf"(?<![\w./-])(?P<iy>\d{{4}})(?P<s1>[./-])(?P<im>\d{{1,2}})(?P=s1)(?P<id>\d{{1,2}}){_END}"
    rf"|(?<![\w./-])(?P<nd>\d{{1,2}})(?P<s2>[./-])(?P<nm>\d{{1,2}})(?P=s2)(?P<ny>\d{{4}}|\d{{2}})"
    rf"{_END}"
    rf"|(?<!\w)(?:(?P<wd>{_WEEKDAY})\.?,?\s+(?:the\s+)?)?(?P<td>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"(?:\s+of)?[\s./-]*(?P<tm>{_MONTH})\.?,?[\s./-]*(?P<ty>\d{{4}}|\d{{2}}){_END}"
    rf"|(?<!\w)(?:(?P<wd2>{_WEEKDAY})\.?,?\s+)?(?P<um>{_MONTH})\.?\s+(?P<ud>\d{{1,2}})"
    rf"(?:st|nd|rd|th)?,?\s+(?P<uy>\d{{4}}){_END}",
    re.I | re.A,
)
_PARTIAL_DATE_RE = re.compile(rf"(?<![a-z]){_MONTH}|\d{{1,2}}\s*[./-]\s*\d{{1,2}}", re.I | re.A)
_HINT_RE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:T[\d:.]*(?:Z|[+-]\d{2}:?\d{2})?)?\s*$",
                      re.A)
_DATE_EXAMPLE = "a UK day-first date such as 12/03/2019"


def _two_digit_year(year: int) -> int:
    """00-69 are 2000-2069 and 70-99 are 1970-1999 (the POSIX strptime rule).

    A fixed pivot, because dateutil's own rule slides with today's date ("70" is 2070 until
    2021, then 1970 from 2071 on), and the same form must give the same record every year.
    """
    return year + (2000 if year < 70 else 1900)


class _UKDates(date_parser.parserinfo):
    """dateutil's English month names with the fixed two-digit-year pivot."""

    def convertyear(self, year: int, century_specified: bool = False) -> int:
        if year < 100 and not century_specified:
            return _two_digit_year(year)
        return int(super().convertyear(year, century_specified))


_UK_DATES = _UKDates()


def _date_from_words(day: str, month: str, year: str) -> dt.date:
    """Let dateutil resolve the month name of a date :data:`_DATE_RE` found complete.

    dateutil only ever sees "day month-name year": it fills a missing part from today, reads
    "2019-12-03" as 12 March with dayfirst=True, and quietly swaps "12/13/2019" to month first,
    so numeric dates are built directly.
    """
    written = date_parser.parse(f"{day} {month} {year}", parserinfo=_UK_DATES, dayfirst=True)
    return written.date()


def _date_from_match(m: re.Match[str]) -> tuple[dt.date, str | None]:
    """The date a match names and the weekday written with it; ValueError if no such date."""
    if m["iy"]:
        return dt.date(int(m["iy"]), int(m["im"]), int(m["id"])), None
    if m["nd"]:
        year = int(m["ny"]) if len(m["ny"]) == 4 else _two_digit_year(int(m["ny"]))
        return dt.date(year, int(m["nm"]), int(m["nd"])), None
    if m["td"]:
        return _date_from_words(m["td"], m["tm"], m["ty"]), m["wd"]
    return _date_from_words(m["ud"], m["um"], m["uy"]), m["wd2"]


def _parse_date(text: str) -> Normalised:
    dates: set[dt.date] = set()
    warnings: list[str] = []
    for match in _DATE_RE.finditer(text):
        try:
            date, weekday = _date_from_match(match)
        except (ValueError, OverflowError):
            return _error(f"{_q(text)} is not a real date (expected {_DATE_EXAMPLE})")
        if not 1900 <= date.year <= 2099:
            return _error(f"{_q(text)} has an unlikely year ({date.year})")
        dates.add(date)
        if weekday and not _WEEKDAYS[date.weekday()].startswith(weekday.lower()[:3]):
            real = _WEEKDAYS[date.weekday()].title()
            warnings.append(f"{_q(text)}: {date.isoformat()} was a {real}, not a {weekday}; "
                            "the date was kept")
    if len(dates) > 1:
        listed = ", ".join(sorted(d.isoformat() for d in dates))
        return _error(f"{_q(text)} gives more than one date ({listed})")
    if dates:
        iso = next(iter(dates)).isoformat()
        return Normalised(iso, warnings[0], WARNING) if warnings else Normalised(iso)
    if _PARTIAL_DATE_RE.search(text):
        return _error(f"{_q(text)} is not a complete date (day, month and year are needed, "
                      f"e.g. 12/03/2019)")
    return _error(f"{_q(text)} is not a date (expected {_DATE_EXAMPLE})")


def _parse_hint(hint: str | None) -> str | None:
    """The picker's stored date ("2019-03-12", or Word's "2019-03-12T00:00:00Z") if it is real."""
    match = _HINT_RE.match(hint or "")
    try:
        return dt.date(*map(int, match.groups())).isoformat() if match else None
    except ValueError:
        return None


def _read_date(text: str, date_hint: str | None) -> Normalised:
    """A date picker's stored date wins over its displayed text, which may omit the year.

    A hint that is not a real date is ignored and the text read instead. When the text reads
    as N/A or as a different date, the stored date is still used and a warning says so.
    """
    text = text.strip()
    hint = _parse_hint(date_hint)
    shown = Normalised(NA) if _is_na(text) else _parse_date(text)
    if hint is None or shown.value in (None, hint):
        return shown if hint is None else Normalised(hint)
    said = "N/A" if shown.value == NA else f"the date {shown.value}"
    return Normalised(hint, f"{_q(text)} says {said} but the date picker holds {hint}; "
                            f"{hint} was used", WARNING)


_READERS: dict[str, Callable[[str], Normalised]] = {
    "score": partial(_read_number, low=1, high=5, out_of=5, noun="score from 1 to 5"),
    "grade": _read_grade,
    "yes_no": _read_yes_no,
    "level": _read_level,
    "good_practice": _read_good_practice,
    "rating": partial(_read_number, low=0, high=10, out_of=10, noun="rating from 0 to 10"),
    "category": _read_category,
}
