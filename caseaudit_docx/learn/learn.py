"""Learn a form description from a blank Word template: ``learn_form``.

The blank is read into a plain layout (:mod:`caseaudit_docx.oxml.layout`), each cell judged
label or answer (:mod:`.draft`), each answer given a kind from its control and printed hints
(:mod:`.evidence`, :mod:`.kinds`), then everything named (:mod:`.ids`, :mod:`.roles`). With
``based_on`` an earlier version's description lends its ids, kinds, roles and report to every
field whose wording still matches (:mod:`.carry`). Every decision the learner could not make
is a note, never a silent guess; the result always loads back as a description.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from caseaudit_docx.errors import FormError
from caseaudit_docx.model.description import form_from_json, form_to_json
from caseaudit_docx.model.form import Answer, Block, Form, Paragraph, Roles, Row, Table, Variable
from caseaudit_docx.model.kinds import TEXT, Kind
from caseaudit_docx.oxml.layout import Layout, read_layout
from caseaudit_docx.oxml.package import DocxPackage, read_package, read_package_bytes

from .carry import carry_over
from .draft import Draft, draft_blocks
from .evidence import assign_kinds
from .ids import field_ids, row_keys, table_sections, unique
from .roles import guess_roles
from .vocabulary import Vocabulary, vocabulary
from .wording import printed_version, slug, without_version


@dataclass(frozen=True)
class Learned:
    """A learned form description, and what the learner found and could not decide."""

    form: Form
    notes: tuple[str, ...] = ()


def open_blank(blank: str | Path | bytes) -> DocxPackage:
    """The blank's package, read with the same safety checks as any returned form."""
    if isinstance(blank, bytes):
        return read_package_bytes(blank, "blank.docx", blank=True)
    return read_package(blank, blank=True)


def learn_form(blank: str | Path | bytes, *, based_on: Form | None = None,
               name: str | None = None, version: str | None = None) -> Learned:
    """A form description of ``blank`` (a path or the .docx's bytes).

    ``based_on`` is the earlier version's description: fields whose question wording and
    column still match keep its ids, kinds, aliases and synonyms, and the form keeps its
    roles, report, variables and section keys. ``name`` defaults to the earlier form's, else
    to the title's words; ``version`` to the version number the title prints, else the
    earlier form's, else "1".
    """
    layout = read_layout(open_blank(blank))
    try:
        return learn_layout(layout, based_on=based_on, name=name, version=version)
    except FormError as exc:
        if exc.path is not None or isinstance(blank, bytes):
            raise
        raise FormError(exc.message, path=blank) from None


def learn_layout(layout: Layout, *, based_on: Form | None = None, name: str | None = None,
                 version: str | None = None, vocab: Vocabulary | None = None,
                 variables: Sequence[Variable] = ()) -> Learned:
    """:func:`learn_form` for a layout already read. ``variables`` name the docxtpl
    variables the blank may hold (``based_on``'s are always known)."""
    vocab = vocab or vocabulary()
    known = (*variables, *(based_on.variables if based_on else ()))
    names = {v.template_variable: v.name for v in known}
    draft = draft_blocks(layout, names)
    form, notes = _standalone(draft, vocab, name, version)
    if based_on is not None:
        tagged = {c.tag for c in draft.controls.values() if c is not None and c.tag}
        form, carried = carry_over(form, based_on, name=name, version=version, tagged=tagged)
        notes.extend(carried)
    checked = form_from_json(form_to_json(form), where="learned form")
    return Learned(checked, tuple(dict.fromkeys(notes)))


def _standalone(draft: Draft, vocab: Vocabulary, name: str | None, version: str | None
                ) -> tuple[Form, list[str]]:
    notes = list(draft.notes)
    tables = [b for b in draft.blocks if isinstance(b, Table)]
    kinds, evidence, kind_notes = assign_kinds(tables, draft.controls, vocab)
    notes.extend(kind_notes)
    keys, sections = table_sections(_with_headings(draft.blocks), vocab)
    used_rows: set[str] = set()
    used_fields = {c.tag for c in draft.controls.values() if c is not None and c.tag}
    ids: dict[str, str] = {}
    row_names: list[list[str]] = []
    headings = {fid: e.heading[0].strip() if e.heading else "" for fid, e in evidence.items()}
    for table, section in zip(tables, keys):
        row_names.append(row_keys(table, section, used_rows))
        untagged = _untagged(table, draft)
        ids.update(field_ids(untagged, row_names[-1], kinds, headings, vocab, used_fields))
    for fid, control in draft.controls.items():
        if control is not None and control.tag:
            ids[fid] = control.tag
    named = _named_kinds(kinds)
    blocks: list[Block] = []
    table_index = 0
    for block in draft.blocks:
        if isinstance(block, Paragraph):
            blocks.append(block)
            continue
        blocks.append(_final_table(block, keys[table_index], row_names[table_index], ids,
                                   kinds, named, draft))
        table_index += 1
    form = Form(
        name=name or _name_of(draft.title), version=version or _version_of(draft.title),
        title=draft.title, sections=tuple(sections), blocks=tuple(blocks),
        kinds={k.name: k for k in named.values()} or {"text": TEXT},
        roles=_placeholder_roles(), variables=_variables(draft),
        placeholder=draft.placeholder,
    )
    if not form.fields:
        raise FormError("has no answer cells (no content controls, no empty cells beside or "
                        "under printed labels): it is not a blank form to learn from")
    roles, role_notes = guess_roles(form.fields, vocab.header_key, vocab)
    notes.extend(role_notes)
    return replace(form, roles=roles), notes


def _with_headings(blocks: tuple[Block, ...]) -> list[tuple[Table, str | None]]:
    """Each table with the heading paragraph just before it (body text between allowed)."""
    out: list[tuple[Table, str | None]] = []
    heading: str | None = None
    for block in blocks:
        if isinstance(block, Paragraph):
            if block.style == "heading":
                heading = block.text
            elif block.style == "title":
                heading = None
            continue
        out.append((block, heading))
        heading = None
    return out


def _untagged(table: Table, draft: Draft) -> Table:
    """``table`` without the answers whose control's tag already names them."""
    def tagged(cell: object) -> bool:
        if not isinstance(cell, Answer):
            return False
        control = draft.controls.get(cell.field)
        return control is not None and bool(control.tag)

    rows = tuple(Row(r.key, tuple(c for c in r.cells if not tagged(c)), r.label)
                 for r in table.rows)
    return Table(table.section, rows, table.widths_cm)


def _named_kinds(kinds: dict[str, Kind]) -> dict[str, Kind]:
    """Provisional id -> kind, with names unique per distinct kind (in page order)."""
    by_name: dict[str, Kind] = {}
    out: dict[str, Kind] = {}
    for fid, kind in kinds.items():
        if kind.name in by_name and by_name[kind.name] != kind:
            same = next((k for k in by_name.values() if k == replace(kind, name=k.name)), None)
            kind = same or replace(kind, name=unique(kind.name, set(by_name)))
        by_name.setdefault(kind.name, kind)
        out[fid] = by_name[kind.name]
    return out


def _final_table(table: Table, section: str, keys: list[str], ids: dict[str, str],
                 kinds: dict[str, Kind], named: dict[str, Kind], draft: Draft) -> Table:
    rows = []
    for row, key in zip(table.rows, keys):
        cells = []
        for cell in row.cells:
            if isinstance(cell, Answer):
                control = draft.controls.get(cell.field)
                field_id = ids[cell.field]
                alias = control.alias if control is not None and control.alias else field_id
                cell = replace(cell, field=field_id, kind=named[cell.field].name, alias=alias)
            cells.append(cell)
        rows.append(Row(key, tuple(cells), row.label))
    return Table(section, tuple(rows), table.widths_cm)


def _variables(draft: Draft) -> tuple[Variable, ...]:
    return tuple(Variable(var, var, default) for var, default in draft.variables)


def _placeholder_roles() -> Roles:
    return Roles(case="")


def _name_of(title: str) -> str:
    words = slug(without_version(title), limit=4).replace("_", "-")
    return words or "form"


def _version_of(title: str) -> str:
    return printed_version(title) or "1"


__all__ = ["Learned", "learn_form", "learn_layout", "open_blank"]
