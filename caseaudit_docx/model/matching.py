"""Matching printed wording to the form model: one normaliser, one similarity test, and the
one rule of which value sits under which label.

Printed labels are compared by :func:`label_key` (case, spaces, punctuation and apostrophes
ignored: "The Child’s Plan " and "the childs plan." are the same label) or by its spaceless
:func:`compact` form, and judged "the same wording, slightly changed" by :func:`alike`. Both
extraction's layout locator (:mod:`caseaudit_docx.extract.locate`) and the header matching
below use them, so a label that one stage recognises the other recognises too.

Two things name the header fields (case number, child, auditor, …) in words rather than ids: the
column headings of a case list exported from the case management system, and the printed labels
above the value cells in a council's own copy of the form. Both are matched here, from the form
model, never from strings spelled out in code, so a new form version brings its own labels.

Where a row of labels sits over a row of values (the header tables), :func:`values_under` says
which value cell is each label's; the locator (reading) and :mod:`caseaudit_docx.oxml.fill`
(writing) both ask it, so a value is read from the cell it would be written to.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from caseaudit_docx.model.form import Answer, Field, Form, Label, derived

#: How alike a printed label must be to the model's (difflib ratio of the compacted texts).
LABEL_SIMILARITY = 0.85

_NOT_ALNUM = re.compile(r"[\W_]+")
_APOSTROPHES = str.maketrans("", "", "'\u2019\u02bc")  # "Child's", "Child’s", "Childʼs"


@lru_cache(maxsize=32_768)
def label_key(text: str) -> str:
    """What identifies a printed label: NFKC, case folded, apostrophes dropped, every run of
    other non-alphanumerics one space: "The Child’s Plan  (CP)" -> "the childs plan cp".
    Letters of any script are kept (a name is not a heading to be guessed at). Labels repeat
    on every form of a batch, so the keys are remembered."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
    return _NOT_ALNUM.sub(" ", folded).strip()


def compact(text: str) -> str:
    """:func:`label_key` without its spaces: "Name of Practitioner(s)" -> "nameofpractitioners",
    so that "Case No." and "CASE_NO" agree however a heading was split into words."""
    return label_key(text).replace(" ", "")


def alike(a: str, b: str, cutoff: float = LABEL_SIMILARITY, *, shared_words: float = 0.0
          ) -> bool:
    """Whether two normalised labels are the same wording with small changes: equal, or
    difflib's ratio at least ``cutoff`` (its cheap upper bound, ``quick_ratio``, first).

    ``shared_words`` > 0 also asks for that share of the words in common before difflib runs:
    for labels of many words a reworded label keeps most of them, and counting words costs far
    less than difflib, which matters when every row of a batch is compared with every label.
    """
    if a == b:
        return True
    if shared_words:
        words_a, words_b = set(a.split()), set(b.split())
        if len(words_a & words_b) < shared_words * len(words_a | words_b):
            return False
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return matcher.quick_ratio() >= cutoff and matcher.ratio() >= cutoff


#: A cell of a table row on the grid: (first grid column, grid columns spanned).
GridCell = tuple[int, int]


def grid_cells(spans: Iterable[int], start: int = 0) -> list[GridCell]:
    """The grid place of each of a row's cells, given their spans (and the columns skipped
    before the first, ``w:gridBefore``)."""
    out = []
    for span in spans:
        out.append((start, span))
        start += span
    return out


def values_under(labels: Mapping[str, int], label_cells: Sequence[GridCell],
                 value_cells: Sequence[GridCell]) -> dict[str, int]:
    """Field id -> index of its value cell, given ``labels`` (field id -> index of the cell
    printing its label) and both rows' grid places.

    A value sits under its label: the value cell covering the grid column the label starts in,
    so merged or split cells line up as the page shows them. One value cell is one field's:
    the leftmost label claiming it keeps it.
    """
    out: dict[str, int] = {}
    taken: set[int] = set()
    for field_id, index in sorted(labels.items(), key=lambda item: item[1]):
        if not 0 <= index < len(label_cells):
            continue
        column = label_cells[index][0]
        under = next((i for i, (start, span) in enumerate(value_cells)
                      if start <= column < start + span), None)
        if under is not None and under not in taken:
            out[field_id] = under
            taken.add(under)
    return out


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
    close = [lab.field for lab in labels if any(alike(key, name) for name in lab.names)]
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
