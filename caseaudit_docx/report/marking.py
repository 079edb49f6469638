"""The protective marking printed on every page of a report (``--marking``).

It goes into page headers and footers (Excel allows 255 characters there, with codes of its
own after "&"), into workbook properties and into the HTML page's print margins, so it is
checked once, where a report starts: one line, printable characters, at most
:data:`MARKING_MAX` of them. Anything else is an :class:`~caseaudit_docx.errors.InputError`
rather than a footer silently left out or a page broken by a stray line break.
"""

from __future__ import annotations

from caseaudit_docx.errors import InputError

__all__ = ["DEFAULT_MARKING", "MARKING_MAX", "check_marking"]

#: The UK government's marking for personal information about children and families.
DEFAULT_MARKING = "OFFICIAL-SENSITIVE"
#: Longer markings would crowd the footer beside the page numbers.
MARKING_MAX = 100


def check_marking(marking: str) -> str:
    """``marking`` with its outer spaces removed, or an InputError saying what is wrong."""
    text = marking.strip()
    if not text:
        raise InputError("--marking: the protective marking is empty")
    if not text.isprintable():
        raise InputError("--marking: the protective marking must be one line of printable "
                         "text")
    if len(text) > MARKING_MAX:
        raise InputError(f"--marking: the protective marking is {len(text)} characters long; "
                         f"at most {MARKING_MAX} fit a page's footer")
    return text
