"""UK dates as auditors write them, read to ``YYYY-MM-DD``; the date machinery of normalising.

Kept apart from :mod:`caseaudit_docx.model.normalise` because it is the one reading that needs
no vocabulary from a form: a date is a date on every form. Pure, like the rest of normalising:
no clock, no locale, so the same text gives the same date every year.

Results are ``(value, problem, level)`` triples that :class:`~caseaudit_docx.model.normalise.
Normalised` is built from; messages begin with the auditor's text as :func:`quote` writes it,
which normalising uses too, so every message quotes alike.
"""

from __future__ import annotations

import datetime as dt
import re

from dateutil import parser as date_parser

from caseaudit_docx.model.record import ERROR, WARNING

#: ``(value, problem, level)``: a date's ISO text or None, and a message when one is due.
Reading = tuple[str | None, str | None, str]


def quote(text: str) -> str:
    """Quote the auditor's text for a message: one line, and short enough to read."""
    flat = " ".join(text.split())
    return f'"{flat[:57]}…"' if len(flat) > 60 else f'"{flat}"'


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


def parse_date(text: str) -> Reading:
    """The one complete date ``text`` names; two different dates, or none, is a problem."""
    dates: set[dt.date] = set()
    warnings: list[str] = []
    for match in _DATE_RE.finditer(text):
        try:
            date, weekday = _date_from_match(match)
        except (ValueError, OverflowError):
            return None, f"{quote(text)} is not a real date (expected {_DATE_EXAMPLE})", ERROR
        if not 1900 <= date.year <= 2099:
            return None, f"{quote(text)} has an unlikely year ({date.year})", ERROR
        dates.add(date)
        if weekday and not _WEEKDAYS[date.weekday()].startswith(weekday.lower()[:3]):
            real = _WEEKDAYS[date.weekday()].title()
            warnings.append(f"{quote(text)}: {date.isoformat()} was a {real}, not a {weekday}; "
                            "the date was kept")
    if len(dates) > 1:
        listed = ", ".join(sorted(d.isoformat() for d in dates))
        return None, f"{quote(text)} gives more than one date ({listed})", ERROR
    if dates:
        iso = next(iter(dates)).isoformat()
        return (iso, warnings[0], WARNING) if warnings else (iso, None, ERROR)
    if _PARTIAL_DATE_RE.search(text):
        return None, (f"{quote(text)} is not a complete date (day, month and year are needed, "
                      "e.g. 12/03/2019)"), ERROR
    return None, f"{quote(text)} is not a date (expected {_DATE_EXAMPLE})", ERROR


def parse_hint(hint: str | None) -> str | None:
    """The picker's stored date ("2019-03-12", or Word's "2019-03-12T00:00:00Z") if it is real."""
    match = _HINT_RE.match(hint or "")
    try:
        return dt.date(*map(int, match.groups())).isoformat() if match else None
    except ValueError:
        return None
