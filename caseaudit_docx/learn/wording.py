"""Printed wording as a learner reads it: question numbers, wording keys and readable ids.

A question's number is how people cite it ("Q12", "1.1", "A."), but a new version of a form
renumbers questions; its *wording* is what stays. So questions are matched by
:func:`wording_key` (number left out, case, spaces and punctuation ignored), and ids are made
from numbers and headings by :func:`slug`, readable and the same every time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from caseaudit_docx.model.matching import label_key

# "Q1.", "Q3 ", "Q15.  ", "Q5a", "1.1", "1.1.", "1.", "1)", "A.", "A:", "b)"
_NUMBER = re.compile(
    r"^\s*(?:"
    r"(?P<q>[Qq])\s*(?P<qn>\d{1,3})(?P<ql>[a-zA-Z])?(?![\d.]\d)[.):]?(?=\s|$)"
    r"|(?P<dotted>\d{1,3}(?:\.\d{1,3})+)\.?(?=\s|$)"
    r"|(?P<int>\d{1,3})[.):](?=\s|$)"
    r"|(?P<letter>[A-Za-z])[.):](?=\s|$)"
    r")\s*"
)
_VERSION = re.compile(r"(?<![\d.])(\d+(?:\.\d+)+)(?![\d.])")
_PARENTHESES = re.compile(r"\s*\([^()]*\)")
_VARIABLE = re.compile(
    r"\{\{\s*(?P<var>[A-Za-z_]\w*)\s*(?:\|\s*default\(\s*(?P<q>[\"'])(?P<default>.*?)(?P=q)\s*\))?"
    r"\s*\}\}"
)


@dataclass(frozen=True)
class Number:
    """A question number as printed: ``style`` is "q" (Q12, Q5a), "dotted" (1.1), "integer"
    (1.) or "letter" (A.); ``text`` is the number itself ("12", "5a", "1.1", "1", "a")."""

    style: str
    text: str
    printed: str  # the number with its punctuation, as it starts the label


def question_number(label: str) -> Number | None:
    """The number a label starts with, or ``None``: the question-number rule."""
    found = _NUMBER.match(label)
    if not found:
        return None
    printed = found.group(0).strip()
    if found.group("q"):
        return Number("q", found.group("qn") + (found.group("ql") or "").lower(), printed)
    if found.group("dotted"):
        return Number("dotted", found.group("dotted"), printed)
    if found.group("int"):
        return Number("integer", found.group("int"), printed)
    return Number("letter", found.group("letter").lower(), printed)


def without_number(label: str) -> str:
    found = _NUMBER.match(label)
    return label[found.end():] if found else label


def wording_key(label: str) -> str:
    """What identifies a question across versions: its wording without its number, normalised;
    a label that is only a number ("1.") keeps the number."""
    key = label_key(without_number(label))
    return key or label_key(label)


def printed_version(title: str) -> str | None:
    """The version number a title prints ("Case audit template (3.3 revised March 2024)"
    -> "3.3"), or None."""
    found = _VERSION.search(title)
    return found.group(1) if found else None


def without_version(title: str) -> str:
    return _VERSION.sub("", title)


def without_parentheses(text: str) -> str:
    return _PARENTHESES.sub("", text).strip()


def words(text: str) -> list[str]:
    """The words of a heading for an id: possessive "’s" dropped, parentheses left out."""
    plain = re.sub(r"[’'ʼ]s\b", "", without_parentheses(text))
    return label_key(plain).split()


def slug(text: str, *, drop: frozenset[str] = frozenset(), limit: int = 5) -> str:
    """A readable id part: the first ``limit`` words not in ``drop``, joined by "_"."""
    kept = [w for w in words(text) if w not in drop][:limit]
    return "_".join(kept)


def template_variables(text: str) -> list[tuple[str, str]]:
    """The docxtpl variables a text holds (``{{ council_name | default("X") }}``), as
    (variable, default) pairs."""
    return [(m.group("var"), m.group("default") or "") for m in _VARIABLE.finditer(text)]


def restore_variables(text: str, names: dict[str, str]) -> str:
    """``text`` with each docxtpl variable written as the description's ``{name}``;
    ``names`` maps template variables to variable names."""
    return _VARIABLE.sub(lambda m: "{" + names.get(m.group("var"), m.group("var")) + "}", text)
