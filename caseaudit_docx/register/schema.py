"""The register's schema and its migrations, numbered by ``PRAGMA user_version``.

A register made by an older caseaudit is brought forward on open, one migration at a time,
each in its own transaction; one made by a newer caseaudit, or any other SQLite file, is
refused with a message rather than altered.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

from caseaudit_docx.errors import RegisterError

#: "CAUD": marks the SQLite file as a caseaudit register (PRAGMA application_id).
APPLICATION_ID = 0x43415544


_SCHEMA_V1 = """
CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    size INTEGER,
    sha256 TEXT,
    modified TEXT,                      -- the file's modified time, UTC ISO 8601
    ingested_at TEXT NOT NULL,          -- UTC ISO 8601
    outcome TEXT NOT NULL CHECK (outcome IN ('new', 'revised', 'unchanged', 'failed')),
    revision_id INTEGER REFERENCES revisions(id)
);
CREATE INDEX files_sha256 ON files(sha256);
CREATE INDEX files_path ON files(path);

CREATE TABLE audits (
    id INTEGER PRIMARY KEY,
    case_key TEXT NOT NULL,             -- the identity, as compared
    auditor_key TEXT NOT NULL,
    start_key TEXT NOT NULL,
    case_number TEXT NOT NULL,          -- the identity, as first written
    auditor TEXT,
    audit_start_date TEXT,
    current_revision_id INTEGER REFERENCES revisions(id),
    UNIQUE (case_key, auditor_key, start_key)
);

CREATE TABLE revisions (
    id INTEGER PRIMARY KEY,             -- also the order of ingest
    audit_id INTEGER NOT NULL REFERENCES audits(id),
    file_id INTEGER NOT NULL REFERENCES files(id),
    sha256 TEXT NOT NULL UNIQUE,
    saved_at TEXT,                      -- UTC ISO 8601; decides which revision is current
    saved_at_basis TEXT CHECK (saved_at_basis IN ('document', 'file')),
    template_name TEXT NOT NULL,
    template_version TEXT NOT NULL,
    extras TEXT NOT NULL DEFAULT '{}'   -- JSON: text found beyond the form
);
CREATE INDEX revisions_audit ON revisions(audit_id);

CREATE TABLE field_values (
    revision_id INTEGER NOT NULL REFERENCES revisions(id),
    field_id TEXT NOT NULL,
    text TEXT,
    value TEXT,                         -- JSON of the normalised value; NULL when blank
    PRIMARY KEY (revision_id, field_id)
) WITHOUT ROWID;

CREATE TABLE problems (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES files(id),
    revision_id INTEGER REFERENCES revisions(id),
    field_id TEXT,
    level TEXT NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX problems_revision ON problems(revision_id);
CREATE INDEX problems_file ON problems(file_id);

CREATE TABLE allocations (
    id INTEGER PRIMARY KEY,
    case_key TEXT NOT NULL,
    auditor_key TEXT NOT NULL,
    start_key TEXT NOT NULL,
    case_number TEXT NOT NULL,
    auditor TEXT,
    audit_start_date TEXT,
    file_name TEXT,
    generated_at TEXT NOT NULL          -- UTC ISO 8601
);
"""

#: v2: the identity columns get names of no form's fields (the first named them after v3.2's),
#: so one register serves any form: the form's roles say which fields fill them.
_GENERIC_IDENTITY_V2 = """
ALTER TABLE audits RENAME COLUMN case_number TO case_text;
ALTER TABLE audits RENAME COLUMN auditor TO auditor_text;
ALTER TABLE audits RENAME COLUMN audit_start_date TO start_date;
ALTER TABLE allocations RENAME COLUMN case_number TO case_text;
ALTER TABLE allocations RENAME COLUMN auditor TO auditor_text;
ALTER TABLE allocations RENAME COLUMN audit_start_date TO start_date;
"""

#: v3: a file can be recorded as not a form (a PDF, an image, a .doc nothing could read), so
#: that it is listed under Problems. SQLite cannot alter a CHECK constraint: the table is
#: rebuilt (https://sqlite.org/lang_altertable.html#otheralter), foreign keys off meanwhile.
_NOT_A_FORM_V3 = """
CREATE TABLE files_v3 (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    size INTEGER,
    sha256 TEXT,
    modified TEXT,                      -- the file's modified time, UTC ISO 8601
    ingested_at TEXT NOT NULL,          -- UTC ISO 8601
    outcome TEXT NOT NULL
        CHECK (outcome IN ('new', 'revised', 'unchanged', 'failed', 'not_form')),
    revision_id INTEGER REFERENCES revisions(id)
);
INSERT INTO files_v3 (id, path, size, sha256, modified, ingested_at, outcome, revision_id)
    SELECT id, path, size, sha256, modified, ingested_at, outcome, revision_id FROM files;
DROP TABLE files;
ALTER TABLE files_v3 RENAME TO files;
CREATE INDEX files_sha256 ON files(sha256);
CREATE INDEX files_path ON files(path);
"""

#: v4: file names are data. ``path`` holds a name as text that can be shown anywhere: a name
#: that is not UTF-8 (POSIX names are bytes) has each such byte written ``\xNN`` there
#: (:func:`caseaudit_docx.names.stored_name`), and its bytes as the file system holds them in
#: ``path_bytes``, so that two such names never become one; NULL for every other name.
_NAME_BYTES_V4 = """
ALTER TABLE files ADD COLUMN path_bytes BLOB;
"""

#: v5: forms that know their audit. A generated form carries a form id (a UUID in its custom
#: properties); an audit is found by it first, so a corrected case number, auditor or start
#: date is a new revision of the same audit. The audit's identity is then that of its current
#: revision, and two audits may share one (two forms generated for one case): ``audits`` is
#: rebuilt without its UNIQUE constraint (SQLite cannot drop one in place), and the form id
#: is unique instead. Each revision keeps the identity it was filed with, so a change is
#: named. ``actions_done`` records actions marked done (``caseaudit action done``), by audit
#: and action number, so that re-ingests and new revisions keep them; allocations note the
#: form id of the form sent out.
_FORM_ID_V5 = """
CREATE TABLE audits_v5 (
    id INTEGER PRIMARY KEY,
    case_key TEXT NOT NULL,             -- the identity (of the current revision), as compared
    auditor_key TEXT NOT NULL,
    start_key TEXT NOT NULL,
    case_text TEXT NOT NULL,            -- the identity, as written
    auditor_text TEXT,
    start_date TEXT,
    form_id TEXT,                       -- the generated form's id; NULL for other copies
    current_revision_id INTEGER REFERENCES revisions(id)
);
INSERT INTO audits_v5 (id, case_key, auditor_key, start_key, case_text, auditor_text,
                       start_date, current_revision_id)
    SELECT id, case_key, auditor_key, start_key, case_text, auditor_text, start_date,
           current_revision_id FROM audits;
DROP TABLE audits;
ALTER TABLE audits_v5 RENAME TO audits;
CREATE INDEX audits_identity ON audits(case_key, auditor_key, start_key);
CREATE UNIQUE INDEX audits_form_id ON audits(form_id) WHERE form_id IS NOT NULL;

ALTER TABLE revisions ADD COLUMN form_id TEXT;
ALTER TABLE revisions ADD COLUMN case_key TEXT;
ALTER TABLE revisions ADD COLUMN auditor_key TEXT;
ALTER TABLE revisions ADD COLUMN start_key TEXT;
ALTER TABLE revisions ADD COLUMN case_text TEXT;
ALTER TABLE revisions ADD COLUMN auditor_text TEXT;
ALTER TABLE revisions ADD COLUMN start_text TEXT;
UPDATE revisions SET (case_key, auditor_key, start_key, case_text, auditor_text, start_text)
    = (SELECT a.case_key, a.auditor_key, a.start_key, a.case_text, a.auditor_text, a.start_date
       FROM audits a WHERE a.id = revisions.audit_id);

CREATE TABLE actions_done (
    audit_id INTEGER NOT NULL REFERENCES audits(id),
    number INTEGER NOT NULL,            -- the action's number on the form (1 to 10 on v3.2)
    done_on TEXT NOT NULL,              -- ISO date
    recorded_at TEXT NOT NULL,          -- UTC ISO 8601
    PRIMARY KEY (audit_id, number)
) WITHOUT ROWID;

ALTER TABLE allocations ADD COLUMN form_id TEXT;
"""

#: Migration n takes a register from user_version n to n + 1. Append; never edit one.
MIGRATIONS: tuple[str, ...] = (_SCHEMA_V1, _GENERIC_IDENTITY_V2, _NOT_A_FORM_V3, _NAME_BYTES_V4,
                               _FORM_ID_V5)
SCHEMA_VERSION = len(MIGRATIONS)


def _statements(script: str) -> Iterator[str]:
    """The statements of a script, one by one, so a migration runs inside our transaction.

    (``executescript`` would commit first.) Split where SQLite says a statement is complete,
    so a semicolon inside a comment or a string does not cut one in two.
    """
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer
            buffer = ""
    if buffer.strip():
        yield buffer


def migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Bring the register at ``conn`` to :data:`SCHEMA_VERSION` (or refuse it)."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    has_tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if app_id != APPLICATION_ID and (has_tables or version):
        raise RegisterError("not a caseaudit register (another SQLite database)", path=path)
    if version > SCHEMA_VERSION:
        raise RegisterError(f"made by a newer caseaudit (schema {version}, this one reads "
                            f"up to {SCHEMA_VERSION}); upgrade caseaudit-docx", path=path)
    if version == SCHEMA_VERSION:
        return
    # A migration may rebuild a table others refer to: foreign keys are off while it runs
    # (a pragma that only takes effect outside a transaction) and checked before its commit.
    enforced = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        for number in range(version, SCHEMA_VERSION):
            _run_migration(conn, number, path)
    finally:
        conn.execute(f"PRAGMA foreign_keys = {'ON' if enforced else 'OFF'}")


def _run_migration(conn: sqlite3.Connection, number: int, path: Path) -> None:
    """Migration ``number`` in one transaction: all of it, or none of it."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in _statements(MIGRATIONS[number]):
            conn.execute(statement)
        if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
            raise RegisterError(f"its data does not hold together (schema {number}); "
                                "it was left as it was", path=path)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {number + 1}")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
