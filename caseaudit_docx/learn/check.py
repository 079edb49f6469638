"""``check_blank``: where a blank template no longer matches a form description.

A council edits its template between versions; before its forms are read with an old
description, ``caseaudit form check`` says what moved: rows the description has and the blank
lacks, rows whose wording changed, rows the blank has that the description does not, and rows
whose number of answer cells changed. The blank is learned on its own and its rows matched to
the description's as ``--based-on`` matches them.
"""

from __future__ import annotations

from pathlib import Path

from caseaudit_docx.model.form import Form, Label, Table
from caseaudit_docx.oxml.layout import read_layout

from .carry import match_rows, row_signature
from .learn import learn_layout, open_blank


def _shown(table: Table, index: int) -> str:
    row = table.rows[index]
    text = row.label or next((c.text for c in row.cells if isinstance(c, Label)
                              and c.text.strip()), "")
    text = text.replace("\n", " ")
    return text if len(text) <= 70 else text[:69] + "…"


def check_blank(form: Form, blank: str | Path | bytes) -> list[str]:
    """Messages, in the description's page order then the blank's, saying where ``blank``
    differs from ``form``; an empty list when every row still matches."""
    learned = learn_layout(read_layout(open_blank(blank)), variables=form.variables).form
    matched = match_rows(learned, form)
    found = {e: b for b, e in matched.items()}
    messages: list[str] = []
    mine, theirs = learned.tables, form.tables
    for t, table in enumerate(theirs):
        for r, row in enumerate(table.rows):
            place = found.get((t, r))
            if place is None:
                messages.append(f"row {row.key!r} ({_shown(table, r)!r}) is missing from the "
                                f"blank")
                continue
            blank_table = mine[place[0]]
            blank_row = blank_table.rows[place[1]]
            if row_signature(blank_table, place[1]) != row_signature(table, r):
                messages.append(f"row {row.key!r}: the wording changed from "
                                f"{_shown(table, r)!r} to {_shown(blank_table, place[1])!r}")
            elif blank_row.label != row.label and row.label and blank_row.label:
                messages.append(f"row {row.key!r} is renumbered: {row.label[:12]!r}… is now "
                                f"{blank_row.label[:12]!r}…")
            if len(blank_row.answers) != len(row.answers):
                messages.append(f"row {row.key!r}: the description has {len(row.answers)} "
                                f"answer cell(s), the blank {len(blank_row.answers)}")
    for t, table in enumerate(mine):
        for r in range(len(table.rows)):
            if (t, r) not in matched:
                messages.append(f"the blank has a row the description lacks: "
                                f"{_shown(table, r)!r}")
    return messages
