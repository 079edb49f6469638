"""What the page says about each answer cell: the labels around it, and the kind they give.

The kind of an answer is asked of the evidence in this order: its control (a check box, a date
picker, a list), the column heading nearest above it (the one its field's ``column`` is), the
row's own wording (its question), then the labels further up its column. The first with an
opinion wins; none gives free text, with a note unless the heading names free text.

A label naming the field itself (the label over or beside its value, a column heading) may
make it a date by its wording ("Review date", "By when"); a question row's wording speaks of
the question, so under a heading that names free text ("Comments", "Notes") its "by when?"
does not make the comments a date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from caseaudit_docx.model.form import Answer, Label, Table, grid_cells
from caseaudit_docx.model.kinds import Kind
from caseaudit_docx.oxml.layout import ControlLayout

from .draft import beside_rows
from .kinds import WORDING_RULES, is_free_text, kind_from_control, kind_from_hint
from .vocabulary import Vocabulary


@dataclass(frozen=True)
class Evidence:
    """The printed labels an answer is read with: its heading (nearest shaded or bold label
    above, else the nearest label), its row's wording (for a value beside its label, that
    label), and every label above, nearest first."""

    heading: tuple[str, ...]
    question: tuple[str, ...]
    above: tuple[tuple[str, ...], ...]
    own: bool = False  # ``question`` is the field's own label (a value beside its label)


def labels_above(table: Table, row_index: int, column: int) -> list[Label]:
    """The non-empty labels above a grid column, nearest first."""
    out = []
    for index in range(row_index - 1, -1, -1):
        grid = grid_cells(table.rows[index])
        cell = grid[column] if column < len(grid) else None
        if isinstance(cell, Label) and cell.text.strip():
            out.append(cell)
    return out


def evidence_of(table: Table) -> dict[str, Evidence]:
    """Provisional answer id -> its evidence, for every answer of ``table``."""
    out = {}
    beside = beside_rows(table)
    for index, row in enumerate(table.rows):
        column = 0
        for cell in row.cells:
            if isinstance(cell, Answer):
                above = labels_above(table, index, column)
                heading = next((a for a in above if a.shaded or a.bold),
                               above[0] if above else None)
                wording = cell.question or row.label
                question = (wording,) if wording else ()
                out[cell.field] = Evidence(
                    heading.lines if heading else (), question,
                    tuple(a.lines for a in above if a is not heading),
                    own=index in beside)
            column += cell.span
    return out


def kind_of(control: ControlLayout | None, evidence: Evidence, vocab: Vocabulary
            ) -> tuple[Kind, bool]:
    """The answer's kind, and whether it was told (False: free text by default)."""
    kind = kind_from_control(control, vocab)
    if kind is not None:
        return kind, True
    question_rules = None if evidence.own or not is_free_text(evidence.heading, vocab) else (
        WORDING_RULES)
    asked = ((evidence.heading, None), (evidence.question, question_rules),
             *((lines, None) for lines in evidence.above))
    for lines, rules in asked:
        if lines:
            kind = kind_from_hint(lines, vocab, rules)
            if kind is not None:
                return kind, True
    return vocab.text, False


def assign_kinds(tables: list[Table], controls: Mapping[str, ControlLayout | None],
                 vocab: Vocabulary) -> tuple[dict[str, Kind], dict[str, Evidence], list[str]]:
    """Every provisional answer's kind and evidence, with a note for each answer whose kind
    could not be told and whose heading does not name free text."""
    kinds: dict[str, Kind] = {}
    evidence: dict[str, Evidence] = {}
    notes: list[str] = []
    for table in tables:
        for fid, found in evidence_of(table).items():
            evidence[fid] = found
            kind, told = kind_of(controls.get(fid), found, vocab)
            kinds[fid] = kind
            free = is_free_text(found.heading, vocab) or is_free_text(found.question, vocab)
            if not told and not free:
                where = " ".join(found.question or found.heading)[:60] or "(no label)"
                notes.append(f"row {where!r} has an answer cell whose kind could not be told "
                             f"from its heading; it is text")
    return kinds, evidence, notes
