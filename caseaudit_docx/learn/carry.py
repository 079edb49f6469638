"""``--based-on``: an earlier version's description lends its names to what has not changed.

A council revises its form: questions are reworded, added, removed and renumbered. Records of
both versions should still line up, so every learned field whose question wording and column
match a field of the earlier description takes that field whole (id, kind, alias, synonyms,
wording overrides); rows keep their keys, tables their sections, and the form its roles,
report and variables. Questions are matched by wording, never by number ("Q12" may now be
"Q13"). A field the earlier form did not have gets a new id, and a note says so; a field of the
earlier form the blank no longer has is noted too. The version is the one the blank's title
prints when it prints one (a revision is a new version; its key must not clash with the
earlier form's), else the earlier form's.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import replace

from caseaudit_docx.model.form import (
    Answer,
    Block,
    Field,
    Form,
    Label,
    Paragraph,
    Report,
    Roles,
    Row,
    Section,
    Table,
)
from caseaudit_docx.model.kinds import Kind
from caseaudit_docx.model.matching import alike, label_key

from .ids import unique
from .wording import printed_version, wording_key

RowPlace = tuple[int, int]  # (table index, row index) among a form's tables


def row_signature(table: Table, index: int) -> tuple[str, str]:
    """What identifies a row across versions: a question's wording; a row of labels its
    labels; a row of values the row of labels above it."""
    row = table.rows[index]
    if row.label:
        return ("question", wording_key(row.label))
    texts = [label_key(c.text) for c in row.cells if isinstance(c, Label)]
    if any(texts):
        return ("labels", "|".join(texts))
    return ("values", "|".join(row_signature(table, index - 1)) if index else "")


def match_rows(form: Form, earlier: Form) -> dict[RowPlace, RowPlace]:
    """Each row of ``form`` with the earlier form's row it is, by signature, else (questions
    only) by wording alike enough, each earlier row used once."""
    pool: dict[tuple[str, str], list[RowPlace]] = defaultdict(list)
    for t, table in enumerate(earlier.tables):
        for r in range(len(table.rows)):
            pool[row_signature(table, r)].append((t, r))
    out: dict[RowPlace, RowPlace] = {}
    unmatched: list[tuple[RowPlace, tuple[str, str]]] = []
    for t, table in enumerate(form.tables):
        for r in range(len(table.rows)):
            signature = row_signature(table, r)
            if pool.get(signature):
                out[(t, r)] = pool[signature].pop(0)
            elif signature[0] == "question":
                unmatched.append(((t, r), signature))
    left = [(place, sig) for sig, places in pool.items() if sig[0] == "question"
            for place in places]
    for place, signature in unmatched:
        found = next((p for p, s in left if alike(s[1], signature[1], 0.9, shared_words=0.6)),
                     None)
        if found is not None:
            out[place] = found
            left = [(p, s) for p, s in left if p != found]
    return out


def carry_over(form: Form, earlier: Form, *, name: str | None = None,
               version: str | None = None, tagged: Collection[str] = ()
               ) -> tuple[Form, list[str]]:
    """``form`` (learned from a blank) with the earlier form's names where they match.

    ``tagged`` are the field ids the blank's own control tags gave: those are the earlier
    form's fields of that id, whatever their wording. ``version`` (given) wins over the
    version the title prints, which wins over the earlier form's.
    """
    notes: list[str] = []
    printed = printed_version(form.title)
    if version is None and printed and printed != earlier.version:
        version = printed
        notes.append(f"version {printed!r} is the one the blank's title prints (the earlier "
                     f"form is {earlier.version!r}); give --version to choose another")
    rows = match_rows(form, earlier)
    fields = _match_fields(form, earlier, rows, set(tagged))
    kinds = dict(earlier.kinds)
    used_ids = set(earlier.field_ids)  # a new question never takes a removed one's id
    used_keys = {r.key for t in earlier.tables for r in t.rows}
    renamed: dict[str, str] = {}
    blocks: list[Block] = []
    sections: list[Section] = []
    earlier_tables = earlier.tables
    t = -1
    for block in form.blocks:
        if isinstance(block, Paragraph):
            blocks.append(block)
            continue
        t += 1
        places = [rows[(t, r)] for r in range(len(block.rows)) if (t, r) in rows]
        section = _section_of(block, places, earlier, form, sections)
        new_rows = []
        for r, row in enumerate(block.rows):
            key = (earlier_tables[rows[(t, r)][0]].rows[rows[(t, r)][1]].key
                   if (t, r) in rows else unique(row.key, used_keys))
            cells = []
            for cell in row.cells:
                if isinstance(cell, Answer):
                    cell = _carried(cell, fields.get(cell.field), earlier, form, kinds,
                                    used_ids, renamed, notes)
                cells.append(cell)
            new_rows.append(Row(key, tuple(cells), row.label))
        blocks.append(Table(section, tuple(new_rows), block.widths_cm))
    present = {renamed.get(f, f) for f in form.field_ids}
    for gone in (f for f in earlier.fields if f.id not in present):
        notes.append(f"field {gone.id!r} ({gone.question[:50]!r}) is no longer on the blank")
    ordered = _ordered_sections(sections, earlier, present)
    roles, role_notes = _roles(earlier.roles, form.roles, present, renamed)
    notes.extend(role_notes)
    variables = earlier.variables + tuple(
        v for v in form.variables
        if v.template_variable not in {e.template_variable for e in earlier.variables})
    carried = replace(
        form, name=name or earlier.name, version=version or earlier.version,
        title=form.title or earlier.title, sections=ordered, blocks=tuple(blocks), kinds=kinds,
        roles=roles, report=_report(earlier.report, present, {s.key for s in ordered}),
        variables=variables, placeholder=form.placeholder or earlier.placeholder,
        description=earlier.description,
    )
    return carried, notes


def _match_fields(form: Form, earlier: Form, rows: dict[RowPlace, RowPlace],
                  tagged: set[str]) -> dict[str, Field]:
    """Learned field id -> the earlier field it is: by tag; in a matched row, by column;
    else anywhere, by question wording and column."""
    out: dict[str, Field] = {}
    taken: set[str] = set()
    for fid in tagged & set(earlier.by_id):
        out[fid] = earlier.by_id[fid]
        taken.add(fid)
    by_row: dict[str, list[Field]] = defaultdict(list)
    for e in earlier.fields:
        by_row[e.row_key].append(e)
    anywhere = {(wording_key(e.question), label_key(e.column)): e for e in earlier.fields}
    learned_rows = {r.key: (t, i) for t, table in enumerate(form.tables)
                    for i, r in enumerate(table.rows)}
    earlier_tables = earlier.tables
    for f in form.fields:
        if f.id in out:
            continue
        place = rows.get(learned_rows[f.row_key])
        found = None
        if place is not None:
            key = earlier_tables[place[0]].rows[place[1]].key
            found = next((e for e in by_row[key] if e.id not in taken
                          and label_key(e.column) == label_key(f.column)), None)
        if found is None:
            candidate = anywhere.get((wording_key(f.question), label_key(f.column)))
            found = candidate if candidate is not None and candidate.id not in taken else None
        if found is not None:
            out[f.id] = found
            taken.add(found.id)
    return out


def _carried(cell: Answer, match: Field | None, earlier: Form, form: Form,
             kinds: dict[str, Kind], used_ids: set[str], renamed: dict[str, str],
             notes: list[str]) -> Answer:
    learned = form.by_id[cell.field]
    if match is None:
        new_id = unique(cell.field, used_ids)
        renamed[cell.field] = new_id
        kind = _kind_name(form.kinds[cell.kind], kinds)
        notes.append(f"new field {new_id!r}: {learned.question[:60]!r}"
                     + (f" / {learned.column[:30]!r}" if learned.column else ""))
        return replace(cell, field=new_id, kind=kind,
                       alias=new_id if cell.alias == cell.field else cell.alias)
    renamed[cell.field] = match.id
    before = _answer_of(earlier, match.id)
    guessed = form.kinds[cell.kind]
    kept = earlier.kinds[before.kind]
    if not guessed.is_text and (guessed.type, guessed.values) != (kept.type, kept.values):
        notes.append(f"field {match.id!r}: the blank suggests {guessed.type} "
                     f"({guessed.listed}); the earlier kind {kept.name!r} is kept")
    date_format = cell.date_format if cell.control_type == "date" else before.date_format
    return replace(before, control=cell.control, span=cell.span,
                   control_type=cell.control_type, date_format=date_format)


def _answer_of(form: Form, field_id: str) -> Answer:
    return next(c for t in form.tables for r in t.rows for c in r.answers if c.field == field_id)


def _kind_name(kind: Kind, kinds: dict[str, Kind]) -> str:
    """The name of ``kind`` among ``kinds``: an equal kind's, else a new entry."""
    same = next((k for k in kinds.values() if replace(kind, name=k.name) == k), None)
    if same is not None:
        return same.name
    name = unique(kind.name, set(kinds))
    kinds[name] = replace(kind, name=name)
    return name


def _section_of(table: Table, places: list[RowPlace], earlier: Form, form: Form,
                sections: list[Section]) -> str:
    """The earlier section most of the table's matched rows were in, else the learned one."""
    if places:
        votes = Counter(earlier.tables[t].section for t, _ in places)
        key = votes.most_common(1)[0][0]
        found = next(s for s in earlier.sections if s.key == key)
    else:
        learned = next(s for s in form.sections if s.key == table.section)
        taken = {s.key for s in earlier.sections} | {s.key for s in sections}
        found = next((s for s in sections if s.title == learned.title), None) or Section(
            unique(learned.key, taken), learned.title)
    if found not in sections:
        sections.append(found)
    return found.key


def _ordered_sections(used: list[Section], earlier: Form, present: set[str]
                      ) -> tuple[Section, ...]:
    """The earlier form's sections still used, in its order, then the new ones."""
    keys = {s.key for s in used}
    out = [s if s.grade_field is None or s.grade_field in present else replace(s, grade_field=None)
           for s in earlier.sections if s.key in keys]
    return tuple(out + [s for s in used if s.key not in {e.key for e in earlier.sections}])


def _roles(roles: Roles, learned: Roles, present: set[str], renamed: dict[str, str]
           ) -> tuple[Roles, list[str]]:
    notes = []
    single: dict[str, str | None] = {}
    lists: dict[str, tuple[str, ...]] = {}
    for name, value in vars(roles).items():
        if isinstance(value, tuple):
            lists[name] = tuple(f for f in value if f in present)
            continue
        if value is not None and value not in present:
            notes.append(f"roles.{name}: field {value!r} is no longer on the blank")
            value = None
        single[name] = value
    if single["case"] is None:
        single["case"] = renamed.get(learned.case, learned.case)
        notes.append(f"roles.case is now {single['case']!r}; check it")
    return Roles(**single, **lists), notes  # type: ignore[arg-type]


def _report(report: Report, present: set[str], sections: set[str]) -> Report:
    """The earlier report, without the fields and sections the blank no longer has."""
    def kept(ids: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(f for f in ids if f in present)

    panel = report.panel
    if panel is not None:
        panel = None if panel.section not in sections else replace(
            panel, changed=panel.changed if panel.changed in present else None,
            date=panel.date if panel.date in present else None,
            score=panel.score if panel.score in present else None, columns=kept(panel.columns))
    return replace(
        report, audit_columns=kept(report.audit_columns), commentary=kept(report.commentary),
        question_skip=tuple(s for s in report.question_skip if s in sections),
        person_sections=tuple(s for s in report.person_sections if s in sections),
        person_columns=(kept(report.person_columns) if report.person_columns is not None
                        else None),
        groups=tuple(g for g in report.groups if g.section in sections),
        pairs=tuple(p for p in report.pairs if p.first in present and p.second in present),
        averages=tuple(replace(a, fields=kept(a.fields)) for a in report.averages
                       if kept(a.fields)),
        tallies=tuple(t for t in report.tallies if t.field in present), panel=panel,
    )
