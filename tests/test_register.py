"""The SQLite register: privacy, schema versions, identity, revisions, failures, transactions."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import stat
from pathlib import Path

import pytest

from caseaudit_docx.errors import InputError, RegisterError
from caseaudit_docx.model.description import bundled_form
from caseaudit_docx.model.record import FieldValue, Problem
from caseaudit_docx.register import schema as register_schema
from caseaudit_docx.register.read import (
    ReportFilter,
    allocations,
    current_audit_ids,
    failed_files,
    history,
    iter_current,
    read_history,
)
from caseaudit_docx.register.schema import SCHEMA_VERSION
from caseaudit_docx.register.store import (
    FAILED,
    NEW,
    NOT_FORM,
    REVISED,
    UNCHANGED,
    Allocation,
    FileInfo,
    Register,
    pack,
    record_allocations,
    record_key,
)

from .records import make_record

FORM = bundled_form()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture()
def reg(tmp_path: Path):
    with Register.open(tmp_path / "r.db") as register:
        yield register


def _table_count(register: Register, table: str) -> int:
    return register.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


# -- the file ---------------------------------------------------------------------------------


def test_register_and_its_journal_are_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    with Register.open(path) as register:
        assert _mode(path) == 0o600
        with register.transaction():
            register.add_record(make_record())
            journal = Path(str(path) + "-journal")
            assert journal.exists() and _mode(journal) == 0o600
    assert _mode(path) == 0o600


def test_owner_only_whatever_the_umask(tmp_path: Path) -> None:
    import os

    old = os.umask(0)
    try:
        Register.open(tmp_path / "r.db").close()
    finally:
        os.umask(old)
    assert _mode(tmp_path / "r.db") == 0o600


def test_schema_version_and_application_id(reg: Register) -> None:
    assert reg.schema_version == SCHEMA_VERSION >= 1
    assert reg.conn.execute("PRAGMA application_id").fetchone()[0] == register_schema.APPLICATION_ID


def test_migrations_run_forward_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "r.db"
    Register.open(path).close()
    extra = "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)"
    monkeypatch.setattr(register_schema, "MIGRATIONS", (*register_schema.MIGRATIONS, extra))
    monkeypatch.setattr(register_schema, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with Register.open(path) as register:
        assert register.schema_version == SCHEMA_VERSION + 1
        assert _table_count(register, "notes") == 0
    Register.open(path).close()  # a second open finds nothing to do (no "table exists" error)


def test_newer_register_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    Register.open(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(RegisterError, match="newer caseaudit"):
        Register.open(path)


@pytest.mark.parametrize("content", ["sqlite", "text"])
def test_other_files_are_not_registers(tmp_path: Path, content: str) -> None:
    path = tmp_path / "other.db"
    if content == "sqlite":
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE t (x)")
    else:
        path.write_text("hello, this is not a database at all" * 10)
    with pytest.raises(RegisterError, match="not a caseaudit register"):
        Register.open(path)


def test_missing_register_when_reading(tmp_path: Path) -> None:
    with pytest.raises(RegisterError, match="run caseaudit ingest first"):
        Register.open(tmp_path / "none.db", create=False)
    assert not (tmp_path / "none.db").exists()


# -- audits and revisions -----------------------------------------------------------------------


def test_same_bytes_are_unchanged_also_under_another_name(reg: Register) -> None:
    record = make_record()
    assert reg.add_record(record) == NEW
    assert reg.add_record(record) == UNCHANGED
    other = FileInfo("copies/renamed.docx", 1000, record.source.sha256)
    assert reg.add_record(record, other) == UNCHANGED
    assert _table_count(reg, "revisions") == 1 and _table_count(reg, "audits") == 1
    rows = reg.conn.execute("SELECT path, outcome, revision_id FROM files ORDER BY id").fetchall()
    assert [r[1] for r in rows] == [NEW, UNCHANGED, UNCHANGED]
    assert rows[2][0] == "copies/renamed.docx" and rows[2][2] == rows[0][2] is not None


def test_identity_ignores_auditor_case_spaces_and_date_writing(reg: Register) -> None:
    assert reg.add_record(make_record("1001", "Alex Auditor", "2019-03-12")) == NEW
    same = make_record(" 1001 ", "alex   AUDITOR",
                       FieldValue("12/03/2019", "2019-03-12"), q1__score=4)  # type: ignore[arg-type]
    assert reg.add_record(same) == REVISED
    assert reg.add_record(make_record("1001", "Sam Other", "2019-03-12")) == NEW
    assert reg.add_record(make_record("1001", "Alex Auditor", "2019-04-01")) == NEW
    assert _table_count(reg, "audits") == 3


def test_current_revision_is_the_one_saved_last_whatever_the_order(reg: Register) -> None:
    later = make_record(q1__score=5, modified="2019-04-02T09:00:00Z", file="v2.docx")
    earlier = make_record(q1__score=2, modified="2019-03-20T09:00:00+01:00", file="v1.docx")
    assert reg.add_record(later) == NEW
    assert reg.add_record(earlier) == REVISED
    [current] = list(iter_current(reg, current_audit_ids(reg)))
    assert current.record.value("q1.score") == 5 and current.revisions == 2
    assert [r.file for r in history(reg, "1001")] == ["v2.docx", "v1.docx"]
    assert [r.current for r in history(reg, "1001")] == [True, False]


def test_file_time_then_ingest_order_decide_without_a_document_time(reg: Register) -> None:
    a, b, c = (make_record(q1__score=n, file=f"{n}.docx") for n in (1, 2, 3))
    reg.add_record(a, FileInfo("1.docx", 1, a.source.sha256, "2019-05-01T00:00:00Z"))
    reg.add_record(b, FileInfo("2.docx", 1, b.source.sha256, "2019-04-01T00:00:00Z"))
    [current] = list(iter_current(reg, current_audit_ids(reg)))
    assert current.record.value("q1.score") == 1  # the file modified later wins
    reg.add_record(c, FileInfo("3.docx", 1, c.source.sha256, None))
    [current] = list(iter_current(reg, current_audit_ids(reg)))
    assert current.record.value("q1.score") == 1  # no time at all never beats a known time

    d, e = (make_record("2002", q1__score=n) for n in (4, 5))
    reg.add_record(d, FileInfo("d.docx", 1, d.source.sha256))
    reg.add_record(e, FileInfo("e.docx", 1, e.source.sha256))
    by_case = {c.record.text("case_number"): c for c in iter_current(reg, current_audit_ids(reg))}
    assert by_case["2002"].record.value("q1.score") == 5  # then the order of ingest


def test_record_round_trips_with_text_values_and_problems(reg: Register) -> None:
    problem = Problem("q2.score", "error", '"3-4" is a range; give one score from 1 to 5')
    original = make_record(
        q1__score=FieldValue("4 - mostly", 4), q2__score=FieldValue("3-4", None),
        category=["CP", "LAC"], q1__notes="Line one\nline two\ttabbed \u2013 \U0001f600",
        problems=(problem,),
    )
    reg.add_record(original)
    [current] = list(iter_current(reg, current_audit_ids(reg)))
    assert current.record.fields == original.fields
    assert current.record.problems == (problem,)
    assert current.record.source.sha256 == original.source.sha256


def test_no_case_number_is_a_failed_file_with_its_problem(reg: Register) -> None:
    warning = Problem("q3.score", "warning", "assumed 3")
    assert reg.add_record(make_record(None, file="blank.docx", problems=(warning,))) == FAILED
    assert _table_count(reg, "audits") == 0
    [failed] = failed_files(reg)
    assert failed.path == "blank.docx"
    first = failed.problems[0]
    assert first.field == "case_number" and "no case number" in first.message
    assert warning in failed.problems


def test_failed_files_list_what_is_still_failing(reg: Register) -> None:
    boom = (Problem(None, "error", "not a Word document"),)
    reg.add_failure(FileInfo("a.docx", 3, "aaa"), boom)
    assert reg.add_failure(FileInfo("copy-of-a.docx", 3, "aaa"), boom) == UNCHANGED
    reg.add_failure(FileInfo("b.docx", 3, "bbb"), boom)
    fixed = make_record(file="b.docx")
    reg.add_record(fixed)  # b.docx was replaced by a readable form
    listed = {f.path: f.problems for f in failed_files(reg)}
    assert set(listed) == {"a.docx", "copy-of-a.docx"}
    assert listed["copy-of-a.docx"] == boom


def test_files_that_are_not_forms_are_listed_until_they_are_gone(reg: Register) -> None:
    why = (Problem(None, "error", "is a PDF, not a Word form"),)
    assert reg.add_not_form(FileInfo("scan.pdf", 9), why) == NOT_FORM
    assert reg.add_not_form(FileInfo("scan.pdf", 9), why) == NOT_FORM  # seen again: again
    assert reg.failure_of(None) is None
    [listed] = failed_files(reg)
    assert (listed.path, listed.problems) == ("scan.pdf", why)
    outcomes = [row[0] for row in reg.conn.execute("SELECT outcome FROM files")]
    assert outcomes == [NOT_FORM, NOT_FORM]


def test_failure_of_tells_bytes_that_failed_from_bytes_filed(reg: Register) -> None:
    reg.add_failure(FileInfo("a.docx", 3, "aaa"), (Problem(None, "error", "not a Word document"),))
    reg.add_record(make_record(file="b.docx"))
    filed = reg.conn.execute("SELECT sha256 FROM revisions").fetchone()[0]
    assert reg.failure_of("aaa") == "not a Word document"
    assert reg.failure_of(filed) is None and reg.failure_of("never seen") is None


# -- transactions -------------------------------------------------------------------------------


def test_interruption_inside_a_file_keeps_the_files_before_it(
    reg: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = [make_record(str(n)) for n in range(3)]
    real = Register._insert_problems

    def explode(self: Register, file_id: int, revision_id: int | None, problems: object) -> None:
        if revision_id == 3:  # the third revision, after its field values were written
            raise KeyboardInterrupt
        real(self, file_id, revision_id, problems)  # type: ignore[arg-type]

    monkeypatch.setattr(Register, "_insert_problems", explode)
    with pytest.raises(KeyboardInterrupt), reg.transaction():
        for record in records:
            reg.add_record(record)
    assert not reg.conn.in_transaction
    assert _table_count(reg, "audits") == 2 and _table_count(reg, "revisions") == 2
    assert _table_count(reg, "files") == 2
    revisions = reg.conn.execute("SELECT count(DISTINCT revision_id) FROM field_values")
    assert revisions.fetchone()[0] == 2
    assert reg.conn.execute(
        "SELECT count(*) FROM audits WHERE current_revision_id IS NULL").fetchone()[0] == 0
    monkeypatch.setattr(Register, "_insert_problems", real)
    assert reg.add_record(records[2]) == NEW  # and the third can be ingested again


def test_a_full_disk_leaves_the_register_as_before_the_batch(tmp_path: Path) -> None:
    """SQLite gives up the whole transaction on SQLITE_FULL: consistent, one batch earlier."""
    path = tmp_path / "r.db"
    with Register.open(path) as register:
        register.add_record(make_record("0"))  # an earlier batch, committed
    register = Register.open(path)
    with pytest.raises(sqlite3.OperationalError, match="full"), register.transaction():
        register.add_record(make_record("1"))
        pages = register.conn.execute("PRAGMA page_count").fetchone()[0]
        register.conn.execute(f"PRAGMA max_page_count = {pages}")  # no room to grow
        register.add_record(make_record("2", q1__notes="x" * 100_000))
    assert not register.conn.in_transaction
    register.close()
    with Register.open(path) as again:
        assert [r[0] for r in again.conn.execute("SELECT case_text FROM audits")] == ["0"]
        assert _table_count(again, "files") == 1 and _table_count(again, "revisions") == 1
        assert again.add_record(make_record("1")) == NEW
        assert again.conn.execute(
            "SELECT count(*) FROM field_values WHERE revision_id NOT IN (SELECT id FROM revisions)"
        ).fetchone()[0] == 0


# -- history and allocations --------------------------------------------------------------------


def test_read_history_unknown_case(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    with Register.open(path) as register:
        register.add_record(make_record("1001"))
    assert [r.case for r in read_history(path, "1001")] == ["1001"]
    with pytest.raises(InputError, match="no audit with case number '999'"):
        read_history(path, " 999 ")


def test_allocations_are_recorded_with_normalised_dates(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    count = record_allocations(path, [
        Allocation("1001", "Alex Auditor", "12/03/2019", "1001.docx", "2019-03-01T09:00:00Z"),
        Allocation("1002", None, None, "1002.docx"),
    ])
    assert count == 2 and _mode(path) == 0o600
    with Register.open(path) as register:
        rows = allocations(register)
    assert rows[0].start_date == "2019-03-12" and rows[0].key == (
        "1001", "alex auditor", "2019-03-12")
    assert rows[1].auditor is None and rows[1].generated_at.endswith("Z")
    with pytest.raises(RegisterError, match="needs a case number"):
        record_allocations(path, [Allocation("1003"), Allocation("  ")])
    with Register.open(path) as register:
        assert len(allocations(register)) == 2  # all or none


# -- migrations of real registers and forms --------------------------------------------------------


def _v1_register(path: Path) -> None:
    """A register as caseaudit wrote it at schema 1: one audit, one allocation."""
    with sqlite3.connect(path) as conn:
        for statement in register_schema._statements(register_schema.MIGRATIONS[0]):
            conn.execute(statement)
        conn.execute(f"PRAGMA application_id = {register_schema.APPLICATION_ID}")
        conn.execute("PRAGMA user_version = 1")
        conn.execute("INSERT INTO files VALUES (1, 'old/1001.docx', 10, 'aaa',"
                     " '2019-03-20T09:00:00Z', '2019-03-21T09:00:00Z', 'new', 1)")
        conn.execute("INSERT INTO audits VALUES (1, '1001', 'alex auditor', '2019-03-12',"
                     " '1001', 'Alex Auditor', '2019-03-12', 1)")
        conn.execute("INSERT INTO revisions VALUES (1, 1, 1, 'aaa', '2019-03-20T09:00:00Z',"
                     " 'document', 'case-audit', '3.2', '{}')")
        for field_id, text, value in ((FORM.roles.case, "1001", "1001"),
                                      (FORM.roles.auditor, "Alex Auditor", "Alex Auditor"),
                                      (FORM.roles.start_date, "12/03/2019", "2019-03-12"),
                                      ("q1.score", "4", 4)):
            conn.execute("INSERT INTO field_values VALUES (1, ?, ?, ?)",
                         (field_id, text, json.dumps(value)))
        conn.execute("INSERT INTO allocations VALUES (1, '1002', '', '', '1002', NULL, NULL,"
                     " '1002.docx', '2019-03-01T09:00:00Z')")


def test_a_v1_register_is_migrated_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _v1_register(path)
    with Register.open(path) as register:
        assert register.schema_version == SCHEMA_VERSION >= 2
        columns = {table: [row[1] for row in register.conn.execute(f"PRAGMA table_info({table})")]
                   for table in ("audits", "allocations")}
        for names in columns.values():
            assert {"case_text", "auditor_text", "start_date"} <= set(names)
            assert not {FORM.roles.case, FORM.roles.auditor, FORM.roles.start_date} & set(names)
        [revision] = history(register, "1001")
        assert (revision.case, revision.auditor, revision.start_date) == (
            "1001", "Alex Auditor", "2019-03-12")
        [current] = list(iter_current(register, current_audit_ids(register)))
        assert current.record.value("q1.score") == 4
        assert (current.record.template_name, current.record.template_version) == (
            "case-audit", "3.2")
        [sent] = allocations(register)
        assert (sent.case, sent.file_name) == ("1002", "1002.docx")
        # and the migrated register goes on as a new one would
        assert register.add_record(make_record("1001", q1__score=5)) == REVISED
    Register.open(path).close()  # nothing more to do on a second open


def test_a_v2_register_takes_not_forms_and_keeps_its_files(tmp_path: Path) -> None:
    path = tmp_path / "v2.db"
    _v1_register(path)
    with sqlite3.connect(path) as conn:
        for statement in register_schema._statements(register_schema.MIGRATIONS[1]):
            conn.execute(statement)
        conn.execute("PRAGMA user_version = 2")
        conn.execute("INSERT INTO files VALUES (2, 'old/bad.docx', 1, 'bbb', NULL,"
                     " '2019-03-21T09:00:00Z', 'failed', NULL)")
        conn.execute("INSERT INTO problems VALUES (1, 2, NULL, NULL, 'error', 'not a Word"
                     " document')")
        with pytest.raises(sqlite3.IntegrityError):  # v2 had no such outcome
            conn.execute("INSERT INTO files VALUES (3, 'x.pdf', 1, NULL, NULL, 'now',"
                         " 'not_form', NULL)")
    with Register.open(path) as register:
        assert register.schema_version == SCHEMA_VERSION >= 3
        assert register.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert register.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        indexes = {row[1] for row in register.conn.execute("PRAGMA index_list(files)")}
        assert {"files_sha256", "files_path"} <= indexes
        [revision] = history(register, "1001")
        assert revision.file == "old/1001.docx"
        register.add_not_form(FileInfo("x.pdf"), (Problem(None, "error", "is a PDF"),))
        assert {f.path for f in failed_files(register)} == {"old/bad.docx", "x.pdf"}
        with pytest.raises(sqlite3.IntegrityError):  # the constraint survives the rebuild
            register.conn.execute("INSERT INTO files (id, path, size, sha256, modified,"
                                  " ingested_at, outcome, revision_id)"
                                  " VALUES (9, 'y', 1, NULL, NULL, 'now', 'lost', NULL)")


def test_the_identity_is_the_forms_roles(reg: Register) -> None:
    """Another form may name other fields as the case, auditor and start date."""
    roles = dataclasses.replace(FORM.roles, case="child_name", auditor="team", start_date=None)
    other = dataclasses.replace(FORM, name="other-audit", roles=roles)
    record = make_record("1001", child_name="Poppy Example", team="Blue Team")
    assert record_key(record, other) == ("Poppy Example", "blue team", "")
    assert pack(record, other).case == "Poppy Example"
    assert reg.add_record(record, form=other) == NEW
    row = reg.conn.execute("SELECT case_text, auditor_text, start_date FROM audits").fetchone()
    assert tuple(row) == ("Poppy Example", "Blue Team", None)
    caseless = make_record("1001", salt="x")
    [(field, _level, message), *_] = pack(caseless, other).problems
    assert field == "child_name" and message.startswith("no child name, so the form cannot")
    assert reg.add_record(caseless, form=other) == FAILED


def test_a_category_filter_is_checked_against_the_form() -> None:
    codes = FORM.kind_of(FORM.roles.category).values
    assert ReportFilter(category=f" {codes[-1].lower()} ").check(FORM).category == codes[-1]
    assert ReportFilter().check(FORM) == ReportFilter()
    with pytest.raises(InputError, match="'XX' is not a case category") as caught:
        ReportFilter(category="XX").check(FORM)
    assert ", ".join(codes) in str(caught.value)
    no_category = dataclasses.replace(FORM, roles=dataclasses.replace(FORM.roles, category=None))
    with pytest.raises(InputError, match="no category"):
        ReportFilter(category=codes[0]).check(no_category)


def _v4_register(path: Path) -> None:
    """A register as caseaudit wrote it at schema 4: one audit of two revisions."""
    with sqlite3.connect(path) as conn:
        for script in register_schema.MIGRATIONS[:4]:
            for statement in register_schema._statements(script):
                conn.execute(statement)
        conn.execute(f"PRAGMA application_id = {register_schema.APPLICATION_ID}")
        conn.execute("PRAGMA user_version = 4")
        for number, sha in ((1, "aaa"), (2, "bbb")):
            conn.execute("INSERT INTO files (id, path, size, sha256, modified, ingested_at,"
                         " outcome, revision_id) VALUES (?, ?, 10, ?, NULL, '2024-03-21T09:00:00Z',"
                         " ?, ?)", (number, f"old/{number}.docx", sha,
                                     "new" if number == 1 else "revised", number))
        conn.execute("INSERT INTO audits VALUES (1, 'CA-1', 'alex auditor', '2024-03-01',"
                     " 'CA-1', 'Alex Auditor', '2024-03-01', 2)")
        for number, sha, saved in ((1, "aaa", "2024-03-10T09:00:00Z"),
                                   (2, "bbb", "2024-03-11T09:00:00Z")):
            conn.execute("INSERT INTO revisions VALUES (?, 1, ?, ?, ?, 'document', 'case-audit',"
                         " '3.2', '{}')", (number, number, sha, saved))
            conn.execute("INSERT INTO field_values VALUES (?, 'case_number', 'CA-1', '\"CA-1\"')",
                         (number,))


def test_a_v4_register_is_migrated_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "v4.db"
    _v4_register(path)
    with Register.open(path) as register:
        assert register.schema_version == SCHEMA_VERSION >= 5
        assert register.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        revisions = history(register, "CA-1")
        assert [(r.revision_id, r.current) for r in revisions] == [(2, True), (1, False)]
        rows = register.conn.execute(
            "SELECT case_key, auditor_key, start_key, start_text, form_id FROM revisions"
            " ORDER BY id").fetchall()
        assert rows == [("CA-1", "alex auditor", "2024-03-01", "2024-03-01", None)] * 2
        indexes = {row[1] for row in register.conn.execute("PRAGMA index_list(audits)")}
        assert {"audits_identity", "audits_form_id"} <= indexes
        register.conn.execute("UPDATE audits SET form_id = 'x' WHERE id = 1")
        register.conn.execute("INSERT INTO audits (case_key, auditor_key, start_key, case_text)"
                              " VALUES ('CA-1', 'alex auditor', '2024-03-01', 'CA-1')")
        with pytest.raises(sqlite3.IntegrityError):  # a form id names one audit
            register.conn.execute("UPDATE audits SET form_id = 'x' WHERE id = 2")
        assert register.conn.execute("SELECT count(*) FROM actions_done").fetchone() == (0,)
