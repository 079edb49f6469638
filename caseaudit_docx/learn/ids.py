"""Rules that name things: section keys, row keys and field ids, readable and stable.

An id is made from what a reader sees, so the same blank always gives the same ids and a
person can tell from an id where its field is: a numbered question's answers are its number
and their column heading ("q1.notes", "q1.score", "1_1.judgement"); a value under or beside a
label is that label ("case_number"); a section is its heading ("narrative_history").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from caseaudit_docx.model.form import Answer, Label, Row, Section, Table, grid_cells
from caseaudit_docx.model.kinds import Kind

from .draft import beside_rows
from .vocabulary import Vocabulary
from .wording import Number, question_number, slug

#: Words a section key or row key leaves out ("The Child’s Plan" -> "child_plan").
STOP_WORDS = frozenset({"the", "a", "an", "of", "and", "or", "to", "for", "in", "on", "with",
                        "from", "this", "that", "what", "are", "is", "be", "any", "where"})


def unique(key: str, used: set[str]) -> str:
    """``key``, or ``key_2``, ``key_3``… the first not yet ``used`` (then marked used)."""
    out, n = key, 2
    while out in used:
        out, n = f"{key}_{n}", n + 1
    used.add(out)
    return out


def section_key(title: str) -> str:
    """A section's key from its heading: its first three words that matter."""
    return slug(title, drop=STOP_WORDS, limit=3) or "section"


def number_key(number: Number, parent: str | None, section: str) -> str:
    """The question-number rule's key: "Q12." -> "q12", "1.1" -> "1_1"; a lettered row under a
    numbered question is that question's ("A." under Q5 -> "q5a"); a bare "1." or "A:" on its
    own is its section's ("actions_1")."""
    if number.style == "q":
        return number.printed[0].lower() + number.text
    if number.style == "dotted":
        return number.text.replace(".", "_")
    if number.style == "letter" and parent:
        return f"{parent}{number.text}"
    return f"{section}_{number.text}"


def row_keys(table: Table, section: str, used: set[str]) -> list[str]:
    """A key for every row of ``table``: from its question number or wording, or for rows of
    printed labels and rows of values, from the section and what the row prints."""
    keys: list[str] = []
    parent: str | None = None
    for index, row in enumerate(table.rows):
        number = question_number(row.label) if row.label else None
        if number is not None:
            key = number_key(number, parent, section)
            if number.style != "letter":
                parent = key
        elif row.label:
            key = slug(row.label, drop=STOP_WORDS, limit=4) or f"{section}_row"
        elif row.answers:
            key = f"{keys[-1]}.values" if index and not table.rows[index - 1].answers else (
                f"{section}.values")
        else:
            first = next((c.text for c in row.cells if isinstance(c, Label) and c.text.strip()),
                         "")
            key = f"{section}.{slug(first, drop=STOP_WORDS, limit=3) or 'labels'}"
        keys.append(unique(key, used))
    return keys


def field_suffix(heading: Sequence[str], kind: Kind, vocab: Vocabulary) -> str:
    """The column-heading rule: "Auditor notes" -> "notes"; a heading of generic words only
    ("Auditor’s response") takes the kind's noun ("score"), else "answer"."""
    first = heading[0] if heading else ""
    kept = slug(first, drop=vocab.drop_words, limit=3)
    if not kept or set(kept.split("_")) <= vocab.generic_words:
        return kind.noun.replace(" ", "_") if kind.noun and not kind.is_text else "answer"
    return kept


def label_id(lines: Sequence[str], vocab: Vocabulary) -> str:
    """The header-label rule: a value under or beside a label is named by it, snake_case:
    "Case Number" -> "case_number", "Category of Case (EH, CIN, CP & LAC)" ->
    "category_of_case"."""
    return slug(lines[0] if lines else "", limit=5) or "value"


def field_ids(table: Table, keys: Sequence[str], kinds: dict[str, Kind], headings: dict[str, str],
              vocab: Vocabulary, used: set[str]) -> dict[str, str]:
    """Provisional id -> field id for the answers of ``table``.

    ``headings`` gives each provisional answer's column heading (first paragraph); ``kinds``
    its kind. A row with a question number: number and heading. A row of values: the label
    above each. A row whose labels stand beside single values: each label.
    """
    out: dict[str, str] = {}
    for index, row in enumerate(table.rows):
        answers = row.answers
        if not answers:
            continue
        number = question_number(row.label) if row.label else None
        pairs = beside_labels(row)
        if number is None and row.label is None:
            above = table.rows[index - 1] if index else None
            grid = grid_cells(above) if above is not None else []
            column = 0
            for cell in row.cells:
                over = grid[column] if column < len(grid) else None
                if isinstance(cell, Answer):
                    lines = over.lines if isinstance(over, Label) else ()
                    out[cell.field] = unique(
                        label_id(lines, vocab) if any(s.strip() for s in lines) else keys[index],
                        used)
                column += cell.span
        elif number is None and pairs and len(pairs) == len(answers):
            for answer, label in pairs:
                out[answer.field] = unique(label_id(label.lines, vocab), used)
        else:
            taken: set[str] = set()
            for answer in answers:
                suffix = field_suffix([headings.get(answer.field, "")], kinds[answer.field],
                                      vocab)
                out[answer.field] = unique(f"{keys[index]}.{unique(suffix, taken)}", used)
    return out


def beside_labels(row: Row) -> list[tuple[Answer, Label]]:
    """The label-beside-value rule: each answer with the printed label just left of it
    ("Case reference" | value), when every answer of the row has one."""
    out = []
    for before, cell in zip(row.cells, row.cells[1:]):
        if isinstance(cell, Answer) and isinstance(before, Label) and before.text.strip():
            out.append((cell, before))
    return out


def table_sections(tables_and_headings: Iterable[tuple[Table, str | None]],
                   vocab: Vocabulary) -> tuple[list[str], list[Section]]:
    """The section rule: a heading paragraph names the section of the table after it; else a
    table is the section its heading row names (its first cell). Tables of labels and values
    before the first table of questions are the form's header; a table without a heading
    carries on the section before it. Rows of labels beside their values ask nothing: such a
    table before the first table of questions is the header too."""
    keys: list[str] = []
    sections: dict[str, Section] = {}
    titles: dict[str, str] = {}
    questions_seen = False
    for table, heading in tables_and_headings:
        beside = beside_rows(table)
        asks = any(r.label for i, r in enumerate(table.rows) if i not in beside)
        first = table.rows[0].cells[0] if table.rows and table.rows[0].cells else None
        title = heading
        if title is None and isinstance(first, Label) and (first.shaded or first.bold) and (
                asks or questions_seen):
            title = first.lines[0].strip() if first.lines else ""
        if not title and not questions_seen and not asks:
            key, title = vocab.header_key, vocab.header_title
        elif not title:
            key = keys[-1] if keys else vocab.header_key
            title = sections[key].title if key in sections else vocab.header_title
        else:
            key = titles.get(title) or unique(section_key(title), set(sections))
        titles.setdefault(title, key)
        sections.setdefault(key, Section(key, title))
        keys.append(key)
        questions_seen = questions_seen or asks
    return keys, list(sections.values())
