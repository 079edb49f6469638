"""Actions done: a recommended action of an audit recorded as done (``caseaudit action done``).

The form's row groups (``report.groups``, the recommended actions) number its actions: by the
number their row keys end in ("action3" is action 3), else by their order. An action is
recorded by audit and number, never by revision, so a later re-ingest or a new revision of
the form keeps it. Only an action the audit's current revision has written can be done: one
whose first text field (its description) holds text, or a row the auditor added beyond the
form's, kept as an extra named by the rows' stem and its number ("action11"), as the Actions
sheet lists it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from caseaudit_docx.errors import InputError
from caseaudit_docx.model.form import Form, Group
from caseaudit_docx.register.pack import FormSource, audit_key, case_label, given_forms
from caseaudit_docx.register.store import Register, register_errors

__all__ = ["ActionDone", "ActionMarked", "actions_done", "added_numbers", "mark_done",
           "mark_undone", "numbered_rows"]


@dataclass(frozen=True)
class ActionDone:
    """An action recorded as done: on which day, and when that was recorded (UTC ISO)."""

    on: dt.date
    recorded_at: str


@dataclass(frozen=True)
class ActionMarked:
    """What ``caseaudit action done`` / ``undone`` did, for its one line."""

    case: str
    auditor: str | None
    start_date: str | None
    number: int
    done: bool
    on: dt.date | None = None
    changed: bool = True  # False: it already was so

    def line(self) -> str:
        audit = (f"{self.case} (auditor {self.auditor or '(none)'}, start "
                 f"{self.start_date or '(none)'})")
        if self.done:
            day = self.on.strftime("%d/%m/%Y") if self.on else "?"
            return f"action {self.number} of {audit} recorded as done on {day}"
        if not self.changed:
            return f"action {self.number} of {audit} was not recorded as done; nothing to undo"
        return f"action {self.number} of {audit} is no longer recorded as done"


def _rows_and_stem(form: Form, group: Group
                   ) -> tuple[list[tuple[int, tuple[str, ...]]], str]:
    """:func:`numbered_rows`, and the stem naming rows added beyond them: what every row's
    key has before its number ("action"), else the group's name."""
    rows = [(row.key, tuple(a.field for a in row.answers))
            for table in form.tables if table.section == group.section
            for row in table.rows if row.answers]
    numbered = [re.fullmatch(r"(.*?)(\d+)", key) for key, _ in rows]
    stems = {m.group(1) if m else None for m in numbered}
    single = len(stems) == 1 and None not in stems
    stem = str(next(iter(stems))) if single else group.name
    return ([(int(match.group(2)) if single and match else index, ids)
             for index, ((_key, ids), match) in enumerate(zip(rows, numbered), 1)], stem)


def numbered_rows(form: Form, group: Group) -> list[tuple[int, tuple[str, ...]]]:
    """The rows of a row group, (number, field ids): the number a row's key ends in when
    every row's key is one stem and a number ("action1" ... "action10"), else its place."""
    return _rows_and_stem(form, group)[0]


def added_numbers(form: Form, group: Group, extras: Mapping[str, str]) -> list[int]:
    """The numbers of the rows a revision added beyond the group's (``extras`` named by the
    group's stem and a number, "action11"), in order."""
    _rows, stem = _rows_and_stem(form, group)
    pattern = re.compile(re.escape(stem) + r"(\d+)")
    return sorted(int(m.group(1)) for name, text in extras.items()
                  if text.strip() and (m := pattern.fullmatch(name)))


def actions_done(register: Register) -> dict[tuple[int, int], ActionDone]:
    """Every action recorded as done, by (audit id, action number)."""
    return {(int(audit_id), int(number)): ActionDone(dt.date.fromisoformat(on), recorded_at)
            for audit_id, number, on, recorded_at in register.conn.execute(
                "SELECT audit_id, number, done_on, recorded_at FROM actions_done")}


@dataclass(frozen=True)
class _Audit:
    audit_id: int
    revision_id: int
    case: str
    auditor: str | None
    start_date: str | None
    form_key: tuple[str, str]

    def describe(self) -> str:
        return f"auditor {self.auditor or '(none)'}, start {self.start_date or '(none)'}"


def _choose_audit(register: Register, case: str, auditor: str | None, start: str | None,
                  form: Form) -> _Audit:
    """The one current audit of ``case`` (narrowed by auditor and start), or a one-line error:
    an unknown case, or several audits to choose from (listed)."""
    case_key, auditor_key, start_key = audit_key(case, auditor, start)
    rows = register.conn.execute(
        "SELECT a.id, a.current_revision_id, a.case_text, a.auditor_text, a.start_date,"
        " a.auditor_key, a.start_key, r.template_name, r.template_version FROM audits a"
        " JOIN revisions r ON r.id = a.current_revision_id"
        " WHERE a.case_key = ? COLLATE NOCASE ORDER BY a.start_key, a.id", (case_key,)).fetchall()
    label = case_label(form)
    if not rows:
        raise InputError(f"no audit with {label} {case.strip()!r} in the register",
                         path=register.path)
    audits = [_Audit(row[0], row[1], row[2], row[3], row[4], (row[7], row[8])) for row in rows
              if (not auditor or row[5] == auditor_key) and (not start or row[6] == start_key)]
    if not audits:
        given = "; ".join(x for x in (auditor and f"auditor {auditor.strip()!r}",
                                      start and f"start {start.strip()!r}") if x)
        raise InputError(f"no audit of {label} {case.strip()!r} with {given}; its audits: "
                         + "; ".join(_Audit(r[0], r[1], r[2], r[3], r[4], ("", "")).describe()
                                     for r in rows), path=register.path)
    if len(audits) > 1:
        raise InputError(f"{label} {case.strip()!r} has {len(audits)} current audits ("
                         + "; ".join(a.describe() for a in audits)
                         + "); choose one with --auditor or --start", path=register.path)
    return audits[0]


def _extras(register: Register, revision_id: int) -> dict[str, str]:
    row = register.conn.execute("SELECT extras FROM revisions WHERE id = ?",
                                (revision_id,)).fetchone()
    found = json.loads(row[0]) if row and row[0] else {}
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def _check_action(register: Register, audit: _Audit, number: int, form: Form) -> None:
    """An action that the audit's form numbers and its current revision has written, or a row
    its current revision added beyond the form's (an extra such as "action11")."""
    rows = [row for group in form.report.groups for row in numbered_rows(form, group)]
    numbers = sorted({n for n, _ in rows})
    if not numbers:
        raise InputError(f"form {form.key} has no actions to record")
    extras = _extras(register, audit.revision_id)
    added = sorted({n for group in form.report.groups
                    for n in added_numbers(form, group, extras)})
    if number in added:
        return
    ids = next((ids for n, ids in rows if n == number), None)
    if ids is None:
        more = (f"; {audit.case}'s form adds " + ", ".join(map(str, added))) if added else ""
        raise InputError(f"no action {number} on form {form.key} (its actions are numbered "
                         f"{numbers[0]} to {numbers[-1]}{more})")
    texts = [i for i in ids if form.by_id.get(i) is not None and form.field(i).kind.is_text]
    wanted = texts[:1] or list(ids)
    marks = ",".join("?" * len(wanted))
    written = register.conn.execute(
        f"SELECT 1 FROM field_values WHERE revision_id = ? AND field_id IN ({marks})"
        " AND trim(coalesce(text, '')) != '' LIMIT 1", (audit.revision_id, *wanted)).fetchone()
    if written is None:
        raise InputError(f"action {number} of {audit.case} ({audit.describe()}) is blank on "
                         "its form: there is no such action to record")


def _form_of(audit: _Audit, forms: Sequence[Form]) -> Form:
    return next((f for f in forms if (f.name, f.version) == audit.form_key), forms[0])


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def mark_done(db_path: str | Path, case: str, number: int, *, on: dt.date | None = None,
              auditor: str | None = None, start: str | None = None,
              form: FormSource | Sequence[FormSource] | None = None) -> ActionMarked:
    """Record action ``number`` of ``case``'s current audit as done ``on`` (default today).

    ``auditor`` and ``start`` choose among several current audits of the case; the audit's
    form (of ``form``, by its name and version, else the first) numbers its actions. Raises
    :class:`InputError` in one line for an unknown case, several audits to choose from, or an
    action the audit does not have, and for a day after today (an action is done when it has
    been, not when it is planned to be: a report as of an earlier date shows it as it stood)."""
    forms = given_forms(form)
    today = dt.date.today()
    day = on or today
    if day > today:
        raise InputError(f"--on {day.strftime('%d/%m/%Y')} is after today: an action is "
                         "recorded as done once it has been done")
    with register_errors(db_path), Register.open(db_path, create=False) as register:
        audit = _choose_audit(register, case, auditor, start, forms[0])
        _check_action(register, audit, number, _form_of(audit, forms))
        with register.transaction():
            register.conn.execute(
                "INSERT INTO actions_done (audit_id, number, done_on, recorded_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (audit_id, number) DO UPDATE SET"
                " done_on = excluded.done_on, recorded_at = excluded.recorded_at",
                (audit.audit_id, number, day.isoformat(), _now()))
    return ActionMarked(audit.case, audit.auditor, audit.start_date, number, True, day)


def mark_undone(db_path: str | Path, case: str, number: int, *, auditor: str | None = None,
                start: str | None = None,
                form: FormSource | Sequence[FormSource] | None = None) -> ActionMarked:
    """Take back :func:`mark_done`: action ``number`` of ``case``'s audit is not done."""
    forms = given_forms(form)
    with register_errors(db_path), Register.open(db_path, create=False) as register:
        audit = _choose_audit(register, case, auditor, start, forms[0])
        with register.transaction():
            gone = register.conn.execute(
                "DELETE FROM actions_done WHERE audit_id = ? AND number = ?",
                (audit.audit_id, number)).rowcount
    return ActionMarked(audit.case, audit.auditor, audit.start_date, number, False,
                        changed=bool(gone))
