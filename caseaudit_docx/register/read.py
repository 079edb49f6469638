"""Reading the register back: current audits as records, history, failures, allocations.

Kept apart from :mod:`caseaudit_docx.register.store` (which writes) so that the workbook reads
through one narrow door. Records are streamed in chunks: a report over 10,000 audits never
holds them all in memory at once.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from caseaudit_docx.errors import FilterUsageError, InputError, NoAuditsMatchError
from caseaudit_docx.model.description import load_form
from caseaudit_docx.model.form import Form
from caseaudit_docx.model.normalise import NA
from caseaudit_docx.model.record import FieldValue, Problem, Record, Source
from caseaudit_docx.register.actions import ActionDone, actions_done
from caseaudit_docx.register.duplicates import (
    DUPLICATE_WINDOW_DAYS,
    PossibleDuplicate,
    possible_duplicates,
)
from caseaudit_docx.register.store import Register, audit_key, case_label, register_errors

__all__ = ["DUPLICATE_WINDOW_DAYS", "ActionDone", "AllocationRow", "CurrentAudit", "FailedFile",
           "PossibleDuplicate", "ReportFilter", "RevisionInfo", "actions_done", "allocations",
           "audit_keys", "current_audit_ids", "current_forms", "failed_files", "format_history",
           "history", "history_lines", "iter_current", "possible_duplicates", "read_history"]


def _same(a: str | None, b: str | None) -> bool:
    return " ".join((a or "").split()).casefold() == " ".join((b or "").split()).casefold()


@dataclass(frozen=True)
class ReportFilter:
    """Which audits a report covers. Dates are ISO strings; team and category ignore case.

    The team, category and start date are the fields the form's roles name; :meth:`check`
    says whether a category is one of the form's before any work is done.
    """

    date_from: str | None = None
    date_to: str | None = None
    team: str | None = None
    category: str | None = None

    def in_dates(self, start: str | None) -> bool:
        """Whether an audit that started on ``start`` (ISO, None when unknown) is in the
        dates; with a date given, an unknown start is not."""
        if not (self.date_from or self.date_to):
            return True
        if not start:
            return False
        return (not self.date_from or start >= self.date_from) and (
            not self.date_to or start <= self.date_to)

    def matches(self, start: str | None, team: str | None, categories: Sequence[str]) -> bool:
        if not self.in_dates(start):
            return False
        if self.team and not _same(team, self.team):
            return False
        return not self.category or any(_same(code, self.category) for code in categories)

    @property
    def active(self) -> bool:
        """Whether any filter is set (else the report covers every audit)."""
        return any(getattr(self, f.name) for f in fields(self))

    def check_dates(self) -> ReportFilter:
        """``--from`` after ``--to`` can match nothing: a :class:`FilterUsageError`."""
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise FilterUsageError(f"--from {self.date_from} is after --to {self.date_to}; "
                                   "nothing can match (swap them?)")
        return self

    def options(self) -> str:
        """The filters as the command line writes them: "--team 'Leaving Care' --from ..."."""
        given = (("--from", self.date_from), ("--to", self.date_to), ("--team", self.team),
                 ("--category", self.category))
        return " ".join(f"{name} {value.strip()!r}" if name in ("--team", "--category")
                        else f"{name} {value}" for name, value in given if value)

    def check(self, form: Form | None = None) -> ReportFilter:
        """This filter for ``form``: the dates in order (:meth:`check_dates`), and a category
        one of the options of the form's category kind (written then as the form writes it),
        else an :class:`InputError` that lists them; a user's typo must not quietly give an
        empty report."""
        self.check_dates()
        if not self.category:
            return self
        form = load_form(form)
        role = form.roles.category
        if role is None:
            raise InputError(f"form {form.key} has no category to filter by")
        kind = form.kind_of(role)
        found = next((code for code in kind.values if _same(code, self.category)), None)
        if found is None:
            raise InputError(f"{self.category.strip()!r} is not a {kind.noun or role} of form "
                             f"{form.key} (one of {', '.join(kind.values)})")
        return replace(self, category=found)

    def describe(self) -> str:
        given = [(f.name.removeprefix("date_"), getattr(self, f.name)) for f in fields(self)]
        return "; ".join(f"{name} {value}" for name, value in given if value) or "all audits"


@dataclass(frozen=True)
class CurrentAudit:
    """An audit's current revision, as the workbook needs it."""

    audit_id: int
    revision_id: int
    revisions: int
    saved_at: str | None
    record: Record


@dataclass(frozen=True)
class RevisionInfo:
    """One revision of an audit, for ``caseaudit history``."""

    audit_id: int
    revision_id: int
    case: str  # the audit's identity as first written
    auditor: str | None
    start_date: str | None
    file: str
    sha256: str
    saved_at: str | None
    saved_at_basis: str | None
    ingested_at: str
    current: bool
    problems: int


@dataclass(frozen=True)
class FailedFile:
    """A file whose latest ingest failed, with why: the top of the list of what to chase."""

    path: str
    sha256: str | None
    ingested_at: str
    problems: tuple[Problem, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class AllocationRow:
    """An allocation as the Completion sheet reads it; ``key`` as :func:`audit_key` gives.

    ``returned`` says whether a returned form answers it: the audit carrying the generated
    form's id (whatever its case, auditor or start date became), else an audit of its case
    with, where the allocation names them, its auditor and start date (:func:`allocations`).
    """

    case: str
    auditor: str | None
    start_date: str | None
    file_name: str | None
    generated_at: str
    key: tuple[str, str, str]
    form_id: str | None = None
    returned: bool = False


def _load(value: str | None) -> object:
    return None if value is None else json.loads(value)


@dataclass
class _Head:
    """What the filters look at: an audit's start date, team and categories."""

    case: str
    audit_id: int
    start: str | None = None
    team: str | None = None
    categories: list[str] = field(default_factory=list)


def current_audit_ids(register: Register, filters: ReportFilter | None = None, *,
                      form: Form | None = None) -> list[int]:
    """Revision ids of the current audits the filter keeps, by start date then case.

    The start date, team and category are the fields ``form``'s roles name.
    """
    filters = filters or ReportFilter()
    roles = load_form(form).roles
    wanted = [f for f in (roles.start_date, roles.team, roles.category) if f] or [""]
    heads: dict[int, _Head] = {}
    for revision_id, case, audit_id, field_id, text, value in register.conn.execute(
        "SELECT a.current_revision_id, a.case_text, a.id, fv.field_id, fv.text, fv.value"
        " FROM audits a LEFT JOIN field_values fv ON fv.revision_id = a.current_revision_id"
        f" AND fv.field_id IN ({','.join('?' * len(wanted))})"
        " WHERE a.current_revision_id IS NOT NULL",
        wanted,
    ):
        head = heads.setdefault(revision_id, _Head(case, audit_id))
        loaded = _load(value)
        if field_id == roles.start_date and isinstance(loaded, str) and loaded != NA:
            head.start = loaded
        if field_id == roles.team:
            head.team = text
        if field_id == roles.category and isinstance(loaded, (list, str)) and loaded != NA:
            head.categories = [loaded] if isinstance(loaded, str) else loaded
    kept = sorted((head.start or "9999", head.case, head.audit_id, revision_id)
                  for revision_id, head in heads.items()
                  if filters.matches(head.start, head.team, head.categories))
    if filters.active and not kept:
        raise NoAuditsMatchError(_nothing_matches(filters, heads.values()))
    return [item[3] for item in kept]


def _nothing_matches(filters: ReportFilter, heads: Iterable[_Head]) -> str:
    """What to say when filters match no audit: what the register holds, to filter by."""
    heads = list(heads)
    if not heads:
        return f"no audits match {filters.options()}: the register holds no audits"
    teams = sorted({" ".join(h.team.split()) for h in heads if h.team and h.team.strip()},
                   key=str.casefold)
    codes = sorted({code for h in heads for code in h.categories})
    starts = sorted(h.start for h in heads if h.start)
    said = [f"teams in the register: {', '.join(repr(t) for t in teams) or '(none)'}",
            f"categories: {', '.join(codes) or '(none)'}",
            f"audit start dates {starts[0]} to {starts[-1]}" if starts
            else "no audit start dates"]
    return f"no audits match {filters.options()}; {'; '.join(said)}"


def iter_current(register: Register, revision_ids: Sequence[int],
                 chunk: int = 400) -> Iterator[CurrentAudit]:
    """The given revisions as records, in the given order, a chunk at a time."""
    for start in range(0, len(revision_ids), chunk):
        ids = list(revision_ids[start:start + chunk])
        marks = ",".join("?" * len(ids))
        fields: dict[int, dict[str, FieldValue]] = {i: {} for i in ids}
        for rid, fid, text, value in register.conn.execute(
            f"SELECT revision_id, field_id, text, value FROM field_values"
            f" WHERE revision_id IN ({marks})", ids,
        ):
            fields[rid][fid] = FieldValue(text, _load(value))
        problems: dict[int, list[Problem]] = {i: [] for i in ids}
        for rid, fid, level, message in register.conn.execute(
            f"SELECT revision_id, field_id, level, message FROM problems"
            f" WHERE revision_id IN ({marks}) ORDER BY id", ids,
        ):
            problems[rid].append(Problem(fid, level, message))
        heads = {row[0]: row[1:] for row in register.conn.execute(
            f"SELECT r.id, r.audit_id, r.sha256, r.saved_at, r.saved_at_basis, r.template_name,"
            f" r.template_version, r.extras, f.path, f.size,"
            f" (SELECT count(*) FROM revisions o WHERE o.audit_id = r.audit_id)"
            f" FROM revisions r JOIN files f ON f.id = r.file_id WHERE r.id IN ({marks})", ids,
        )}
        for rid in ids:
            audit_id, sha, saved, basis, name, version, extras, path, size, count = heads[rid]
            source = Source(path, sha, size, saved if basis == "document" else None)
            record = Record(source, fields[rid], tuple(problems[rid]), name, version,
                            json.loads(extras))
            yield CurrentAudit(audit_id, rid, count, saved, record)


def history(register: Register, case: str) -> list[RevisionInfo]:
    """Every revision of every audit of a case: current first, then older ones. An audit
    whose case number was corrected (a form known by its form id) is found by either."""
    key = audit_key(case, None, None)[0]
    rows = register.conn.execute(
        "SELECT a.id, r.id, a.case_text, a.auditor_text, a.start_date, f.path, r.sha256,"
        " r.saved_at, r.saved_at_basis, f.ingested_at, r.id = a.current_revision_id,"
        " (SELECT count(*) FROM problems p WHERE p.revision_id = r.id)"
        " FROM audits a JOIN revisions r ON r.audit_id = a.id JOIN files f ON f.id = r.file_id"
        " WHERE a.case_key = ? COLLATE NOCASE OR a.id IN (SELECT o.audit_id FROM revisions o"
        " WHERE o.case_key = ? COLLATE NOCASE)"
        " ORDER BY a.start_date, a.id, r.id = a.current_revision_id DESC,"
        " r.saved_at IS NULL, r.saved_at DESC, r.id DESC",
        (key, key),
    ).fetchall()
    return [RevisionInfo(audit_id=row[0], revision_id=row[1], case=row[2],
                         auditor=row[3], start_date=row[4], file=row[5], sha256=row[6],
                         saved_at=row[7], saved_at_basis=row[8], ingested_at=row[9],
                         current=bool(row[10]), problems=row[11]) for row in rows]


def read_history(db_path: str | Path, case: str, *, form: Form | None = None
                 ) -> list[RevisionInfo]:
    """:func:`history` for the CLI: an unknown case is the user's error, said in one line
    (naming the case field as ``form`` prints it)."""
    with register_errors(db_path), Register.open(db_path, create=False) as register:
        found = history(register, case)
    if not found:
        raise InputError(f"no audit with {case_label(form)} {case.strip()!r} in the register",
                         path=db_path)
    return found


def history_lines(db_path: str | Path, case: str, *, form: Form | None = None) -> list[str]:
    """``caseaudit history``: :func:`format_history` of :func:`read_history`, then the
    case's audits that are possibly one filed twice (:func:`possible_duplicates`)."""
    revisions = read_history(db_path, case, form=form)
    audits = {rev.audit_id for rev in revisions}
    with register_errors(db_path), Register.open(db_path, create=False) as register:
        pairs = [pair for pair in possible_duplicates(register, form)
                 if {pair.first.audit_id, pair.second.audit_id} <= audits]
    return format_history(revisions) + [pair.line() for pair in pairs]


def format_history(revisions: Sequence[RevisionInfo]) -> list[str]:
    """Lines for ``caseaudit history``: each audit, then its revisions, current first ("*")."""
    lines: list[str] = []
    per_audit = Counter(rev.audit_id for rev in revisions)
    audit = None
    for rev in revisions:
        if rev.audit_id != audit:
            audit = rev.audit_id
            count = per_audit[audit]
            lines.append(f"{rev.case}, auditor {rev.auditor or '(none)'}, audit start "
                         f"{rev.start_date or '(none)'}: {count} revision"
                         f"{'s' * (count != 1)}")
        saved = (rev.saved_at or "").replace("T", " ").replace("Z", "")[:16] or "time unknown"
        basis = {"document": "saved", "file": "file modified"}.get(rev.saved_at_basis or "", "")
        problems = f", {rev.problems} problem{'s' * (rev.problems != 1)}" if rev.problems else ""
        lines.append(f"  {'*' if rev.current else ' '} {saved} ({basis or 'ingest order'}) "
                     f"{rev.file}{problems}{'  (current)' if rev.current else ''}")
    return lines


def failed_files(register: Register) -> list[FailedFile]:
    """Paths whose latest ingest failed or was not a form (a missing path, an unreadable
    folder too), or repeated bytes that failed before, with their problems."""
    rows = register.conn.execute(
        "WITH latest AS (SELECT max(id) AS id FROM files GROUP BY path, path_bytes)"
        " SELECT f.path, f.sha256, f.ingested_at, min(origin.id) FROM latest"
        " JOIN files f ON f.id = latest.id"
        " JOIN files origin ON origin.outcome IN ('failed', 'not_form') AND (origin.id = f.id OR"
        " (f.outcome = 'unchanged' AND f.revision_id IS NULL AND origin.sha256 = f.sha256))"
        " GROUP BY f.id ORDER BY f.path"
    ).fetchall()
    problems: dict[int, list[Problem]] = {}
    for file_id, *problem in register.conn.execute(
        "SELECT p.file_id, p.field_id, p.level, p.message FROM problems p"
        " JOIN files f ON f.id = p.file_id WHERE f.outcome IN ('failed', 'not_form')"
        " ORDER BY p.id"
    ):
        problems.setdefault(file_id, []).append(Problem(*problem))
    return [FailedFile(path, sha, ingested_at, tuple(problems.get(origin, ())))
            for path, sha, ingested_at, origin in rows]


def allocations(register: Register) -> list[AllocationRow]:
    """Audits sent out by ``caseaudit generate --db``, oldest first, each saying whether it
    has been returned (the one rule for that: see :class:`AllocationRow`)."""
    form_ids = {row[0] for row in register.conn.execute(
        "SELECT form_id FROM audits WHERE form_id IS NOT NULL")}
    by_case: dict[str, list[tuple[str, str, str]]] = {}
    for identity in audit_keys(register):
        by_case.setdefault(identity[0], []).append(identity)

    def returned(form_id: str | None, key: tuple[str, str, str]) -> bool:
        case, auditor, start = key
        return (form_id is not None and form_id in form_ids) or any(
            (not auditor or a[1] == auditor) and (not start or a[2] == start)
            for a in by_case.get(case, ()))

    return [AllocationRow(case=case, auditor=auditor, start_date=start, file_name=name,
                          generated_at=when, key=(case_key, auditor_key, key), form_id=form_id,
                          returned=returned(form_id, (case_key, auditor_key, key)))
            for case, auditor, start, name, when, case_key, auditor_key, key, form_id
            in register.conn.execute(
                "SELECT case_text, auditor_text, start_date, file_name, generated_at,"
                " case_key, auditor_key, start_key, form_id FROM allocations"
                " ORDER BY generated_at, id")]


def audit_keys(register: Register) -> list[tuple[str, str, str]]:
    """The identity of every audit in the register, for matching allocations to returns."""
    return [(case, auditor, start) for case, auditor, start in register.conn.execute(
        "SELECT case_key, auditor_key, start_key FROM audits")]



def current_forms(register: Register) -> list[tuple[str, str]]:
    """The forms (name, version) that read the current revisions, in the order first met."""
    return [(name, version) for name, version in register.conn.execute(
        "SELECT r.template_name, r.template_version FROM audits a"
        " JOIN revisions r ON r.id = a.current_revision_id"
        " GROUP BY r.template_name, r.template_version ORDER BY min(r.id)")]
