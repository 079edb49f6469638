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
(writing) both ask it, so a value is read from the cell it would be written to. Where labels
stand beside their values ("Case reference" | value | "Worker" | value), the value is the cell
just right of its label (:func:`values_beside`); :func:`label_values` is the one rule for a
document whose layout is not known beforehand: the value cell under the label, else the one
beside it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
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


def values_beside(labels: Mapping[str, int], values: Collection[int]) -> dict[str, int]:
    """Field id -> index of its value cell in the label's own row: the cell just right of the
    label, when it is one a person writes in (``values``: the indices of such cells) and no
    other label's own cell."""
    printed = set(labels.values())
    return {field_id: index + 1 for field_id, index in labels.items()
            if index + 1 in values and index + 1 not in printed}


#: Where :func:`label_values` found a value: in the row below its label, or in its own row.
UNDER, BESIDE = "under", "beside"


def label_values(labels: Mapping[str, int], label_cells: Sequence[GridCell],
                 value_cells: Sequence[GridCell], *, values_below: Collection[int],
                 values_in_row: Collection[int]) -> dict[str, tuple[str, int]]:
    """Field id -> (UNDER or BESIDE, index of its value cell), for a row whose layout is not
    known beforehand: the value cell under the label (:func:`values_under`, in the row below,
    whose cells ``value_cells`` are), else the one beside it (:func:`values_beside`, in the
    label's own row). ``values_below`` and ``values_in_row`` are the indices of the cells of
    each row a person writes in: a printed label under or beside a label is no one's value.
    """
    under = {f: i for f, i in values_under(labels, label_cells, value_cells).items()
             if i in values_below}
    out = {f: (UNDER, i) for f, i in under.items()}
    rest = {f: i for f, i in labels.items() if f not in out}
    out.update((f, (BESIDE, i)) for f, i in values_beside(rest, values_in_row).items())
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
    """Each header field with its label as printed (over its value, or just left of it): whole,
    and its first line only, since "Category of Case" may lose its "(EH, CIN, CP & LAC)" line.
    Ids and aliases are left out on purpose: a cell printed "Auditor" elsewhere on the form
    must not pass for a header label. Worked out once per form object."""
    wanted = {f.id: f for f in header_fields(form)}
    found: dict[str, list[str]] = {fid: [] for fid in wanted}
    for table in form.tables:
        pairs = [p for above, below in zip(table.rows, table.rows[1:])
                 for p in zip(above.cells, below.cells)]
        pairs += [p for row in table.rows for p in zip(row.cells, row.cells[1:])]
        for label, answer in pairs:
            if (isinstance(label, Label) and isinstance(answer, Answer)
                    and answer.field in wanted and label.text.strip()):
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
