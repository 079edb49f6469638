"""Matching what people write above a value to the form's header field ids.

Two things name the header fields (case number, child, auditor, …) in words rather than ids: the
column headings of a case list exported from the case management system, and the printed labels
above the value cells in a council's own copy of the form. Both are matched here, from the form
model, never from strings spelled out in code, so a new
form version brings its own labels. Comparison ignores case, spaces and punctuation: "Case No.",
"CASE_NUMBER" and "case number" are the same heading.

Also here: :func:`alike`, the one test of "the same wording, slightly changed" that this
module and extraction's layout locator (:mod:`caseaudit_docx.extract.locate`) both use.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from caseaudit_docx.model.form import Answer, Field, Form, Label, derived

#: How alike a printed label must be to the model's (difflib ratio of the compacted texts).
LABEL_SIMILARITY = 0.85

_NOT_ALNUM = re.compile(r"[\W_]+")


def compact(text: str) -> str:
    """Text reduced to lower-case letters and digits: "Name of Practitioner(s)" ->
    "nameofpractitioners". Accents are kept (a name is not a heading to be guessed at)."""
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text).casefold())


def header_fields(form: Form) -> tuple[Field, ...]:
    """The fields generation fills and a case list gives (the form's ``prefill`` role)."""
    return form.prefill_fields


@dataclass(frozen=True)
class HeaderLabel:
    """A header field and every printed form of its label, compacted."""

    field: str
    names: tuple[str, ...]


@derived
def header_labels(form: Form) -> tuple[HeaderLabel, ...]:
    """Each header field with its label as printed: whole, and its first line only, since
    "Category of Case" may lose its "(EH, CIN, CP & LAC)" line. Ids and aliases are left out
    on purpose: a cell printed "Auditor" elsewhere on the form must not pass for a header label.
    Worked out once per form object."""
    wanted = {f.id: f for f in header_fields(form)}
    found: dict[str, list[str]] = {fid: [] for fid in wanted}
    for table in form.tables:
        for above, below in zip(table.rows, table.rows[1:]):
            for label, answer in zip(above.cells, below.cells):
                if (isinstance(label, Label) and isinstance(answer, Answer)
                        and answer.field in wanted):
                    found[answer.field] += [label.text, label.lines[0]]
    out = []
    for fid, fld in wanted.items():
        names = [*found[fid], fld.question]
        out.append(HeaderLabel(fid, tuple(dict.fromkeys(c for c in map(compact, names) if c))))
    return tuple(out)


def alike(a: str, b: str, cutoff: float) -> bool:
    """Whether two normalised labels are the same wording with small changes: difflib's
    ratio at least ``cutoff`` (its cheap upper bound, ``quick_ratio``, checked first)."""
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return matcher.quick_ratio() >= cutoff and matcher.ratio() >= cutoff


def _similar(a: str, b: str) -> bool:
    return alike(a, b, LABEL_SIMILARITY)


def match_header_label(text: str, form: Form) -> str | None:
    """The header field whose printed label ``text`` is, or None. Exact (after compacting)
    first, then a close spelling ("Date of meeting with practitioner")."""
    key = compact(text)
    if not key:
        return None
    labels = header_labels(form)
    for label in labels:
        if key in label.names:
            return label.field
    close = [lab.field for lab in labels if any(_similar(key, name) for name in lab.names)]
    return close[0] if len(close) == 1 else None


def match_header_labels(texts: Sequence[str], form: Form) -> dict[str, int]:
    """Field id -> index of the cell among ``texts`` (one table row's printed cells) that
    carries that field's label. A field matched by two cells keeps the first."""
    out: dict[str, int] = {}
    for index, text in enumerate(texts):
        fid = match_header_label(text, form)
        if fid is not None and fid not in out:
            out[fid] = index
    return out
