"""``--redact``: the names an audit holds, left out of every text of that audit.

One rule for every sheet (and the Summary, which imports :func:`scrub_for`). Which fields hold
names is form data: the ``redact`` role lists the fields left out of the sheets altogether (the
child's name), ``redact_names`` the fields whose names are also removed from free text.

- A field left out altogether (``redact``) holds nothing but a name: its whole text (any case,
  any spacing) and each part of it as written, two letters or more ("May" is caught, "may" is
  not: a part is matched with its own capital), are replaced.
- Any other ``redact_names`` field is free text about people, such as "Who answered these
  questions?": "Mum (Jane Fictional) and her partner Sam". Its names are the words that look
  like names: a capital first letter, two letters or more, and not one of the words
  :data:`NOT_NAMES` (relationship words and the little words that start a sentence). Each is
  replaced as a whole word, ignoring case. The words of the field's own question are not names
  either (a copy of the label typed into the answer). A relative named by role only ("Mum") is
  kept: the role says nothing about who they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from caseaudit_docx.model.form import Form
from caseaudit_docx.model.record import Record

__all__ = ["CHILD_MARK", "NAME_MARK", "NOT_NAMES", "Redactor", "keep", "names_in",
           "redacted_fields", "scrub_for"]

CHILD_MARK = "[child]"
NAME_MARK = "[name]"

#: Capitalised words of a "who answered" answer that are not names: how people are related,
#: and the small words a sentence may start with. Compared ignoring case.
NOT_NAMES = frozenset((
    "mum", "mummy", "mother", "mom", "dad", "daddy", "father", "parent", "parents", "step",
    "stepmum", "stepdad", "stepmother", "stepfather", "step-parent", "step-mum", "step-dad",
    "grandmother", "grandfather", "grandma", "grandad", "granddad", "grandparent",
    "grandparents", "nan", "nana", "nanna", "gran", "grandpa", "aunt", "auntie", "aunty",
    "uncle", "sister", "brother", "cousin", "partner", "husband", "wife", "boyfriend",
    "girlfriend", "carer", "carers", "foster", "guardian", "guardians", "special", "kinship",
    "family", "friend", "birth", "adoptive", "adopted", "maternal", "paternal", "both", "and",
    "or", "with", "her", "his", "their", "the", "a", "an", "of", "to", "by", "for", "on", "in",
    "at", "mr", "mrs", "ms", "miss", "mx", "dr", "not", "no", "none", "only", "also", "but",
    "child", "children", "young", "person", "he", "she", "they", "we", "it", "is", "was",
    "were", "spoke", "phone", "call", "telephone", "visit",
    "home", "n/a", "unknown", "same", "as", "above", "other", "see", "notes",
))

_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def names_in(text: str | None, question: str = "") -> list[str]:
    """The name-like words of a free-text answer (see the module), in order, each once; the
    words of its ``question`` are not names."""
    wording = {w.strip("'’-").casefold() for w in _WORD.findall(question)}
    found: dict[str, None] = {}
    for word in _WORD.findall(text or ""):
        word = word.strip("'’-")
        folded = word.casefold()
        if len(word) >= 2 and word[0].isupper() and folded not in NOT_NAMES \
                and folded not in wording:
            found.setdefault(word, None)
    return list(found)


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+")
                    for w in sorted(set(words), key=len, reverse=True))


class Redactor:
    """Replaces the names of one audit in any text (see the module for the rule)."""

    def __init__(self, *names: str | None, others: Iterable[str] = ()) -> None:
        wholes = [w for w in (" ".join((n or "").split()) for n in names) if w]
        parts = {p for w in wholes for p in re.split(r"[\s,.'’()-]+", w) if len(p) >= 2}
        self._whole = re.compile(_alternation(wholes), re.I) if wholes else None
        self._parts = re.compile(r"\b(?:" + _alternation(parts) + r")\b") if parts else None
        other = [o for o in others if o not in parts]
        self._others = re.compile(r"\b(?:" + _alternation(other) + r")\b", re.I) \
            if other else None

    def __call__(self, value: Any) -> Any:
        if isinstance(value, str):
            if self._whole is not None:
                value = self._whole.sub(CHILD_MARK, value)
            if self._parts is not None:
                value = self._parts.sub(CHILD_MARK, value)
            if self._others is not None:
                value = self._others.sub(NAME_MARK, value)
        return value


def keep(value: Any) -> Any:
    """The scrub of an unredacted report: every value as it is."""
    return value


def _text(record: Record, field_id: str) -> str | None:
    found = record.fields.get(field_id)
    return found.text if found else None


def scrub_for(form: Form, record: Record, redact: bool) -> Callable[[Any], Any]:
    """The scrub of one audit: with ``redact``, the names its ``redact_names`` fields hold
    (else its child's) are left out of every text."""
    if not redact:
        return keep
    roles = form.roles
    names = roles.redact_names or ((roles.child,) if roles.child else ())
    whole = set(roles.redact) | ({roles.child} if roles.child else set())
    return Redactor(*(_text(record, f) for f in names if f in whole),
                    others=[n for f in names if f not in whole
                            for n in names_in(_text(record, f), _question(form, f))])


def _question(form: Form, field_id: str) -> str:
    try:
        return form.field(field_id).question or ""
    except KeyError:  # a field of another version of the form
        return ""


def redacted_fields(form: Form, redact: bool) -> frozenset[str]:
    """The fields ``--redact`` leaves out of every sheet (the form's ``redact`` role)."""
    return frozenset(form.roles.redact) if redact else frozenset()
