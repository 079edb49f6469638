"""The register: one SQLite file that holds every form ever ingested.

A quality lead receives forms for months, in folders, some twice, some corrected after the
moderation panel. The register keeps all of it so the workbook can be rebuilt at any time:

- ``files``: every file ingested (path, size, sha256, modified time, when, outcome), and
  every path given that was not read as a form (a PDF, a missing path, an unreadable folder);
- ``audits``: one row per audit, found by the form id a generated form carries, else by its
  case, auditor and start date (the fields the form's roles name: for v3.2, case number,
  auditor and audit start date), which are those of its current revision;
- ``revisions``: every distinct version of an audit's form (by sha256), the *current* one
  being the one saved last (the document's own last-modified time, else the file's), with
  the form (name and version) that read it;
- ``field_values``: each field's text and value (JSON) per revision;
- ``problems``: every problem, of a revision or of a file that failed;
- ``allocations``: audits sent out by ``caseaudit generate --db``;
- ``actions_done``: actions marked done (``caseaudit action done``), by audit and number.

The file is created readable by its owner only (the forms name children); one found readable by
others is made so on open (with a warning), or refused when that cannot be done. It carries a
schema version in ``PRAGMA user_version`` and is migrated forward on open. File names are data:
a name that is not UTF-8 is stored as text with its odd bytes written ``\\xNN`` and, beside
it, as the bytes it is (:mod:`caseaudit_docx.names`). A document's own saved time orders its
revisions unless it lies in the future (a forged ``dcterms:modified`` of 9999 would make that
revision current for ever): then the file's time is used, with a warning on the revision.
Writes happen in one transaction per batch with a savepoint per file, so an interruption never
leaves half a file.
Reading queries live in :mod:`caseaudit_docx.register.read`.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from caseaudit_docx.errors import RegisterError
from caseaudit_docx.model.form import Form
from caseaudit_docx.model.record import WARNING, Problem, Record
from caseaudit_docx.names import raw_name, stored_name
from caseaudit_docx.register import schema as register_schema
from caseaudit_docx.register.identity import (
    find_audit,
    follow_current,
    identity_change,
    new_audit,
)
from caseaudit_docx.register.pack import (  # re-exported: the register's public names
    PackedRecord,
    audit_key,
    case_label,
    clean_text,
    missing_case,
    pack,
    record_key,
    utc_iso,
)

__all__ = ["FAILED", "NEW", "NOT_FORM", "REVISED", "UNCHANGED", "Allocation", "FileInfo",
           "PackedRecord", "Register", "audit_key", "case_label", "missing_case", "pack",
           "record_allocations", "record_key", "register_errors", "utc_iso"]

#: What happened to a file on ingest (``files.outcome``): a form filed as new, as a revision,
#: seen before, or failed (a path missing or a folder unreadable too); or not a form at all.
NEW, REVISED, UNCHANGED, FAILED = "new", "revised", "unchanged", "failed"
NOT_FORM = "not_form"


@dataclass(frozen=True)
class FileInfo:
    """What the register keeps about a file, whether it could be read or not."""

    path: str
    size: int | None = None
    sha256: str | None = None
    modified: str | None = None  # UTC ISO 8601


@dataclass(frozen=True)
class Allocation:
    """An audit sent out pre-filled by ``caseaudit generate --db``: its identity (the values of
    the form's case, auditor and start date roles) and the file it went out as."""

    case: str
    auditor: str | None = None
    start_date: str | None = None  # ISO or UK day-first; stored normalised
    file_name: str | None = None
    generated_at: str | None = None  # UTC ISO 8601; now when None
    form_id: str | None = None  # the id the generated form carries


@contextmanager
def register_errors(path: str | Path) -> Iterator[None]:
    """SQLite's own failures (a full disk, a locked or damaged file) as one line for the user.

    Whatever was being written is rolled back by then (see :meth:`Register.transaction`).
    """
    try:
        yield
    except sqlite3.Error as exc:
        raise RegisterError(f"the register could not be used: {exc}", path=path) from exc


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


#: How far ahead of this computer's clock a saved time may be and still order revisions
#: (clocks differ, time zones are written wrongly); anything later is not believed.
FUTURE_SLACK = dt.timedelta(days=1)


def _in_future(moment: str) -> bool:
    """Whether a UTC ISO time (as :func:`utc_iso` writes it) is later than now plus a day."""
    limit = dt.datetime.now(dt.UTC) + FUTURE_SLACK
    return moment > limit.strftime("%Y-%m-%dT%H:%M:%SZ")


def _saved_time(packed: PackedRecord, info: FileInfo
                ) -> tuple[str | None, str | None, Problem | None]:
    """When the revision was saved, on what basis ("document" or "file"), and a warning when
    the document's own time was not believed (it lies in the future)."""
    if packed.modified is not None and not _in_future(packed.modified):
        return packed.modified, "document", None
    warning = None
    if packed.modified is not None:
        fallback = "the file's time was used" if info.modified else "it was not used"
        warning = Problem(None, WARNING, f"its saved time {packed.modified[:10]} is in the "
                                         f"future; {fallback}")
    return info.modified, ("file" if info.modified else None), warning


def _make_private(path: Path) -> str | None:
    """Make an existing register (and a journal left beside it) readable by its owner only.

    Returns the warning to show when it was readable by others; raises :class:`RegisterError`
    when it is and cannot be changed (its owner is someone else). Only on POSIX, where
    permissions mean this.
    """
    if os.name != "posix":
        return None
    warning = None
    for each in (path, Path(f"{path}-journal")):
        try:
            found = os.stat(each)
        except OSError:
            continue
        mode = stat.S_IMODE(found.st_mode)
        if not stat.S_ISREG(found.st_mode) or not mode & 0o077:
            continue  # a folder named as the register is refused by SQLite, not changed
        try:
            os.chmod(each, 0o600)
        except OSError as exc:
            raise RegisterError(
                f"is open to others (mode {mode:04o}) and cannot be made private "
                f"({exc.strerror or exc}); its owner can run chmod 600 on it", path=each,
            ) from exc
        if each == path:
            warning = (f"was open to others (mode {mode:04o}); it is now readable by its "
                       "owner only (0600)")
    return warning


def _create_private(path: Path) -> None:
    """Create an empty file readable by its owner only, before SQLite writes anything to it.

    SQLite gives its journal the database file's permissions, so the journal is 0600 too.
    """
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        raise RegisterError(f"cannot create the register: {exc.strerror}", path=path) from exc
    os.close(fd)
    os.chmod(path, 0o600)  # whatever the umask said


class Register:
    """An open register. Use :meth:`open`; close it, or use it as a context manager."""

    def __init__(self, conn: sqlite3.Connection, path: Path,
                 warnings: tuple[str, ...] = ()) -> None:
        self.conn = conn
        self.path = path
        self.last_file_id: int | None = None
        #: What changed in the identity of the revision filed last (a corrected start date),
        #: as its warning says; None when nothing did.
        self.last_identity_change: str | None = None
        #: What opening it found to say (one line each, after its path): permissions tightened.
        self.warnings = warnings

    @classmethod
    def open(cls, path: str | Path, *, create: bool = True) -> Register:
        """Open (and with ``create``, create) the register at ``path``, migrating it forward.

        An existing register readable by others is made readable by its owner only (its
        :attr:`warnings` say so), or refused when that cannot be done."""
        path = Path(path)
        warning = None
        if not path.exists():
            if not create:
                raise RegisterError("no register here (run caseaudit ingest first)", path=path)
            _create_private(path)
        else:
            warning = _make_private(path)
        try:
            conn = sqlite3.connect(path, isolation_level=None, timeout=30)
        except sqlite3.Error as exc:
            raise RegisterError(f"cannot open the register ({exc})", path=path) from exc
        try:
            # DELETE journal: no -wal/-shm files beside the register; SQLite gives the journal
            # the register's own permissions (0600).
            conn.execute("PRAGMA journal_mode = DELETE")
            conn.execute("PRAGMA foreign_keys = ON")
            register_schema.migrate(conn, path)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise RegisterError(f"not a caseaudit register ({exc})", path=path) from exc
        except BaseException:
            conn.close()
            raise
        return cls(conn, path, (warning,) if warning else ())

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    # -- transactions ----------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction for a batch of files, each written under its own savepoint.

        On any interruption the file being written is already rolled back (its savepoint), and
        the files finished before it are committed, so the register is as it was before that
        file. Should SQLite have given up the transaction, or the commit itself fail (a full
        disk), the whole batch is rolled back instead: consistent, just a batch earlier.
        """
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._commit(quiet=True)  # the error on its way out is the one to report
            raise
        self._commit(quiet=False)

    def _commit(self, *, quiet: bool) -> None:
        """Commit what is complete; should that fail, roll back (and say so unless quiet)."""
        if not self.conn.in_transaction:
            return
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if not quiet:
                raise

    @contextmanager
    def _file_savepoint(self) -> Iterator[None]:
        """All of one file or nothing; outside :meth:`transaction` it is its own transaction."""
        self.conn.execute("SAVEPOINT one_file")
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:  # SQLite may have rolled back everything already
                self.conn.execute("ROLLBACK TO one_file")
                self.conn.execute("RELEASE one_file")
            raise
        self.conn.execute("RELEASE one_file")

    # -- writing -----------------------------------------------------------------------------------

    def is_known(self, sha256: str | None) -> bool:
        """Whether these bytes were ingested before (as a revision or as a failed file)."""
        if not sha256:
            return False
        row = self.conn.execute("SELECT 1 FROM files WHERE sha256 = ? LIMIT 1", (sha256,))
        return row.fetchone() is not None

    def last_sha256(self, path: str | os.PathLike[str]) -> str | None:
        """The sha256 recorded when the file at ``path`` (this very name) was last ingested."""
        row = self.conn.execute(
            "SELECT sha256 FROM files WHERE path = ? AND path_bytes IS ? ORDER BY id DESC"
            " LIMIT 1", (stored_name(path), raw_name(path))).fetchone()
        return str(row[0]) if row and row[0] else None

    def _insert_file(self, info: FileInfo, outcome: str, revision_id: int | None = None) -> int:
        cursor = self.conn.execute(
            "INSERT INTO files (path, path_bytes, size, sha256, modified, ingested_at, outcome,"
            " revision_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (stored_name(info.path), raw_name(info.path), info.size, info.sha256, info.modified,
             _now(), outcome, revision_id),
        )
        self.last_file_id = int(cursor.lastrowid or 0)
        return self.last_file_id

    def last_failure_reason(self) -> str:
        """The first error of the file written last: why it failed, in one line."""
        row = self.conn.execute(
            "SELECT message FROM problems WHERE file_id = ? ORDER BY level != 'error', id"
            " LIMIT 1", (self.last_file_id,)).fetchone()
        return str(row[0]) if row else "not filed"

    def failure_of(self, sha256: str | None) -> str | None:
        """Why bytes ingested before failed, in one line; None when they were filed (or never
        seen): an unchanged file that failed before is still failing."""
        if not sha256 or self._revision_of(sha256) is not None:
            return None
        row = self.conn.execute(
            "SELECT p.message FROM files f JOIN problems p ON p.file_id = f.id"
            " WHERE f.sha256 = ? AND f.outcome = 'failed' ORDER BY p.level != 'error', p.id"
            " LIMIT 1", (sha256,)).fetchone()
        return str(row[0]) if row else None

    def _insert_problems(self, file_id: int, revision_id: int | None,
                         problems: Iterable[Problem]) -> None:
        self.conn.executemany(
            "INSERT INTO problems (file_id, revision_id, field_id, level, message)"
            " VALUES (?, ?, ?, ?, ?)",
            [(file_id, revision_id, p.field, p.level, stored_name(p.message))
             for p in problems],  # a message may quote a name that is not UTF-8
        )

    def add_failure(self, info: FileInfo, problems: Iterable[Problem]) -> str:
        """Record a file that could not be filed as an audit, with why: never dropped silently."""
        with self._file_savepoint():
            if self.is_known(info.sha256):
                self._insert_file(info, UNCHANGED, self._revision_of(info.sha256))
                return UNCHANGED
            file_id = self._insert_file(info, FAILED)
            self._insert_problems(file_id, None, problems)
        return FAILED

    def add_not_form(self, info: FileInfo, problems: Iterable[Problem]) -> str:
        """Record a file that is not a form (a PDF, an image, a .doc), with what to do about
        it, so that it is listed under Problems; it is recorded again each time it is seen."""
        with self._file_savepoint():
            file_id = self._insert_file(info, NOT_FORM)
            self._insert_problems(file_id, None, problems)
        return NOT_FORM

    def add_unchanged(self, info: FileInfo) -> str:
        """Record bytes seen before (perhaps under another name): nothing else changes."""
        with self._file_savepoint():
            self._insert_file(info, UNCHANGED, self._revision_of(info.sha256))
        return UNCHANGED

    def _revision_of(self, sha256: str | None) -> int | None:
        row = self.conn.execute("SELECT id FROM revisions WHERE sha256 = ?", (sha256,)).fetchone()
        return int(row[0]) if row else None

    def add_record(self, record: Record | PackedRecord, info: FileInfo | None = None, *,
                   form: Form | None = None) -> str:
        """File one extracted form: new audit, new revision of one, unchanged, or failed.

        ``info`` describes the file (its modified time orders revisions when the document has
        no last-modified property, or one in the future); by default it comes from the record's
        source. ``form`` (default the bundled one) says which fields are the audit's identity;
        a packed record was packed with its form already.
        """
        self.last_identity_change = None
        packed = record if isinstance(record, PackedRecord) else pack(record, form)
        info = info or FileInfo(packed.file, packed.size, packed.sha256)
        if info.sha256 is None:
            info = FileInfo(info.path, info.size, packed.sha256, info.modified)
        if not packed.key[0]:  # pack() put the problem saying so first
            return self.add_failure(info, (Problem(*p) for p in packed.problems))
        if self.is_known(info.sha256):
            return self.add_unchanged(info)
        with self._file_savepoint():
            return self._add_revision(packed, info)

    def _add_revision(self, packed: PackedRecord, info: FileInfo) -> str:
        """File a revision: of the audit its form id names, else of the audit of its
        identity, else of a new audit (:mod:`caseaudit_docx.register.identity`)."""
        found = find_audit(self.conn, packed)
        if found.audit_id is not None:
            audit_id, outcome = found.audit_id, REVISED
            if found.adopt_id:
                self.conn.execute("UPDATE audits SET form_id = ? WHERE id = ?",
                                  (packed.form_id, audit_id))
        else:
            audit_id, outcome = new_audit(self.conn, packed, found), NEW
        file_id = self._insert_file(info, outcome)
        saved_at, basis, warning = _saved_time(packed, info)
        revision_id = int(self.conn.execute(
            "INSERT INTO revisions (audit_id, file_id, sha256, saved_at, saved_at_basis,"
            " template_name, template_version, extras, form_id, case_key, auditor_key,"
            " start_key, case_text, auditor_text, start_text)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (audit_id, file_id, info.sha256, saved_at, basis, packed.template_name,
             packed.template_version, packed.extras, packed.form_id, *packed.key, packed.case,
             packed.auditor, packed.start),
        ).lastrowid or 0)
        self.conn.execute("UPDATE files SET revision_id = ? WHERE id = ?", (revision_id, file_id))
        self.conn.executemany(
            "INSERT INTO field_values (revision_id, field_id, text, value) VALUES (?, ?, ?, ?)",
            [(revision_id, *row) for row in packed.fields],
        )
        problems = [Problem(*p) for p in packed.problems] + ([warning] if warning else [])
        # Current = saved last; revisions with no time lose to those with one; then ingest order.
        self.conn.execute(
            "UPDATE audits SET current_revision_id = (SELECT id FROM revisions WHERE audit_id = ?"
            " ORDER BY saved_at IS NULL, saved_at DESC, id DESC LIMIT 1) WHERE id = ?",
            (audit_id, audit_id),
        )
        if found.by_form_id:
            change = identity_change(self.conn, audit_id, revision_id, packed)
            if change is not None:
                problems.append(change)
                self.last_identity_change = change.message
            follow_current(self.conn, audit_id)
        elif found.copy_warning is not None:
            problems.append(found.copy_warning)
            self.last_identity_change = found.copy_warning.message
        self._insert_problems(file_id, revision_id, problems)
        return outcome

    def add_allocations(self, allocations: Iterable[Allocation], *,
                        form: Form | None = None) -> int:
        """Record audits sent out; returns how many. One transaction: all or none."""
        rows = []
        for item in allocations:
            key = audit_key(item.case, item.auditor, item.start_date)
            if not key[0]:
                raise RegisterError(f"an allocation needs a {case_label(form)}",
                                    path=self.path)
            rows.append((*key, clean_text(item.case), clean_text(item.auditor) or None,
                         key[2] or None, item.file_name,
                         utc_iso(item.generated_at) or _now(), item.form_id))
        with self.transaction():
            self.conn.executemany(
                "INSERT INTO allocations (case_key, auditor_key, start_key, case_text,"
                " auditor_text, start_date, file_name, generated_at, form_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        return len(rows)


def record_allocations(db_path: str | Path, allocations: Iterable[Allocation], *,
                       form: Form | None = None) -> int:
    """Record audits sent out pre-filled (for ``caseaudit generate --db``); returns the count."""
    with register_errors(db_path), Register.open(db_path) as register:
        return register.add_allocations(allocations, form=form)
