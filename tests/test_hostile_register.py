"""The register under hostile input and file-system accidents (issue 14).

A form saved while an ingest reads it, a file name that is not UTF-8 or holds a newline and a
terminal escape, a document claiming to be saved in 9999, a register others can read, a case
number holding a control character: each is recorded truthfully, printed on one line, and never
stops the batch.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import stat
import threading
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from lxml import etree

from caseaudit_docx.cli import cli
from caseaudit_docx.errors import RegisterError
from caseaudit_docx.extract.extract import extract_bytes
from caseaudit_docx.model.description import bundled_form
from caseaudit_docx.names import raw_name, safe_line, safe_name, stored_name
from caseaudit_docx.register.ingest import ingest
from caseaudit_docx.register.pack import audit_key, pack
from caseaudit_docx.register.read import current_audit_ids, failed_files, iter_current
from caseaudit_docx.register.store import Allocation, Register
from samples.wordfill import fill_form

from .conftest import ROOT
from .records import make_record

FORM = bundled_form()
SAMPLES = ROOT / "samples" / "forms"
FIRST = SAMPLES / "01-clean-tagged.docx"
PARTIAL = SAMPLES / "03-partial.docx"
LATER = SAMPLES / "14-revision-of-01.docx"  # the same audit as 01, saved later (2019-05-10)

Fields = frozenset[tuple[str, str | None, str | None]]


def _with_comment(data: bytes, comment: str) -> bytes:
    """The same form as other bytes: only the zip's comment differs, not a field."""
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as package:
        package.comment = comment.encode()
    return out.getvalue()


def _fields(data: bytes) -> Fields:
    """The rows the register stores for a form's bytes."""
    return frozenset(pack(extract_bytes(data, "form.docx"), FORM).fields)


def _stored(register: Register, revision_id: int) -> Fields:
    return frozenset(register.conn.execute(
        "SELECT field_id, text, value FROM field_values WHERE revision_id = ?", (revision_id,)))


def _lines(result: Result) -> list[str]:
    return result.stderr.splitlines() + result.stdout.splitlines()


def _no_traceback(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output


# -- one read per file ------------------------------------------------------------------------


def test_a_form_saved_during_ingest_keeps_its_own_hash_and_fields(tmp_path: Path) -> None:
    folder, spare = tmp_path / "returned", tmp_path / "spare"
    folder.mkdir()
    spare.mkdir()
    names = [folder / f"{n:02d}.docx" for n in range(24)]
    versions = [(_with_comment(FIRST.read_bytes(), f"copy {n}"),
                 _with_comment(PARTIAL.read_bytes(), f"copy {n}")) for n in range(len(names))]
    expected = {hashlib.sha256(data).hexdigest(): _fields(data)
                for pair in versions for data in pair}
    assert len(expected) == 2 * len(names)
    for name, (first, _) in zip(names, versions):
        name.write_bytes(first)

    stop = threading.Event()

    def save_again_and_again() -> None:
        turn = 0
        while not stop.is_set():
            turn += 1
            for n, name in enumerate(names):
                data = versions[n][(turn + n) % 2]
                if turn % 3:  # saved as Word saves: a new file renamed over the old
                    part = spare / name.name
                    part.write_bytes(data)
                    os.replace(part, name)
                else:  # written in place
                    with open(name, "r+b") as handle:
                        handle.truncate(0)
                        handle.write(data)

    db = tmp_path / "r.db"
    saver = threading.Thread(target=save_again_and_again)
    saver.start()
    try:
        for _ in range(3):
            ingest([folder], db, workers=2, chunk_size=2)
    finally:
        stop.set()
        saver.join()
    for n, name in enumerate(names):  # saved for the last time; the next ingest sees them so
        name.write_bytes(versions[n][n % 2])
    ingest([folder], db, workers=2, chunk_size=2)

    with Register.open(db) as register:
        revisions = register.conn.execute("SELECT id, sha256 FROM revisions").fetchall()
        assert len(revisions) >= len(names)
        for revision_id, sha256 in revisions:
            assert sha256 in expected
            assert _stored(register, revision_id) == expected[sha256], sha256
        for name in names:  # no form is "unchanged" by a hash it borrowed
            [(sha256, revision_id)] = register.conn.execute(
                "SELECT sha256, revision_id FROM files WHERE path = ? ORDER BY id DESC LIMIT 1",
                (str(name),)).fetchall()
            assert sha256 == hashlib.sha256(name.read_bytes()).hexdigest()
            assert _stored(register, revision_id) == expected[sha256]


def test_the_same_bytes_again_are_unchanged_without_being_extracted(tmp_path: Path) -> None:
    folder = tmp_path / "returned"
    folder.mkdir()
    (folder / "01.docx").write_bytes(FIRST.read_bytes())
    (folder / "copy.docx").write_bytes(FIRST.read_bytes())
    db = tmp_path / "r.db"
    first = ingest([folder], db, workers=1)
    assert (first.new, first.unchanged) == (1, 1)
    again = ingest([folder], db, workers=1)
    assert (again.new, again.revised, again.unchanged, again.failed) == (0, 0, 2, 0)


# -- file names are data ----------------------------------------------------------------------


def _good_forms(folder: Path, template: bytes, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (folder / f"{n:02d}.docx").write_bytes(fill_form(template, {
            "case_number": f"CA-{n:04d}", "auditor": "Jo Auditor",
            "audit_start_date": "12/03/2019"}))


def _create(folder: Path, name: bytes, data: bytes) -> bytes:
    """A file whose name is these bytes (perhaps not UTF-8); its path as bytes."""
    path = os.fsencode(folder) + b"/" + name
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    return path


def test_a_name_that_is_not_utf8_is_stored_and_printed_escaped(
        tmp_path: Path, tagged_template: bytes) -> None:
    folder = tmp_path / "returned"
    _good_forms(folder, tagged_template, 20)
    odd_form = _create(folder, b"odd\xff.docx", fill_form(tagged_template, {
        "case_number": "CA-9999", "auditor": "Jo Auditor", "audit_start_date": "12/03/2019"}))
    _create(folder, b"junk\xfe.docx", b"not a form")
    db = tmp_path / "r.db"

    result = CliRunner().invoke(cli, ["ingest", str(folder), "--db", str(db)])
    _no_traceback(result)
    assert result.exit_code == 1  # the junk failed; the rest were read
    assert result.stdout.endswith("21 new, 0 revised, 0 unchanged, 1 failed\n")
    junk = f"{folder}/junk\\xfe.docx"
    assert result.stderr.startswith(f"caseaudit: {junk}: failed: ")
    with Register.open(db) as register:
        rows = dict(register.conn.execute("SELECT path, path_bytes FROM files"))
        assert len(rows) == 22
        assert rows[f"{folder}/odd\\xff.docx"] == odd_form  # shown escaped, kept as it is
        assert rows[f"{folder}/00.docx"] is None
        assert [f.path for f in failed_files(register)] == [junk]
        cases = {a.record.text("case_number")
                 for a in iter_current(register, current_audit_ids(register))}
        assert cases == {f"CA-{n:04d}" for n in range(20)} | {"CA-9999"}

    again = CliRunner().invoke(cli, ["ingest", str(folder), "--db", str(db)])
    _no_traceback(again)
    assert again.stdout.endswith("22 unchanged (1 still failing), 0 failed\n")

    extracted = CliRunner().invoke(cli, ["extract", str(folder), "--format", "jsonl"])
    _no_traceback(extracted)
    assert len(extracted.stdout.splitlines()) == 21
    assert f'"file": "{folder}/odd\\\\xff.docx"' in extracted.stdout
    assert extracted.stderr.startswith(f"caseaudit: {junk}: ")


def test_a_name_with_a_newline_and_an_escape_is_one_escaped_line(tmp_path: Path) -> None:
    folder = tmp_path / "returned"
    folder.mkdir()
    (folder / "01.docx").write_bytes(FIRST.read_bytes())
    (folder / "two\nlines\r\x1b[2J.docx").write_bytes(b"not a form")
    db = tmp_path / "r.db"
    for args in (["ingest", str(folder), "--db", str(db)], ["extract", str(folder)],
                 ["extract", str(folder), "--problems"], ["collate", str(folder), "-o",
                                                           str(tmp_path / "a.xlsx")]):
        result = CliRunner().invoke(cli, args)
        _no_traceback(result)
        assert "\x1b" not in result.output and "\r" not in result.output
        [line] = [line for line in _lines(result) if "two" in line]
        assert line.startswith(f"caseaudit: {folder}/two\\nlines\\r\\x1b[2J.docx: ")


def test_names_escape_what_a_terminal_would_act_on() -> None:
    name = os.fsdecode(b"a\xff\tb\x07\xc3\xa9\xe2\x80\xae.docx")
    assert stored_name(name) == "a\\xff\tb\x07\u00e9\u202e.docx"
    assert raw_name(name) == b"a\xff\tb\x07\xc3\xa9\xe2\x80\xae.docx"
    assert raw_name("plain \u00e9.docx") is None
    assert safe_name(name) == "a\\xff\\tb\\x07\u00e9\\u202e.docx"
    assert safe_line(safe_line("x\ny\x9b")) == "x\\ny\\x9b"
    assert safe_line("Café, 東京: fine") == "Café, 東京: fine"


# -- dates in the future ------------------------------------------------------------------------


def _with_modified(data: bytes, modified: str) -> bytes:
    """A copy of a form whose docProps/core.xml says it was saved at ``modified``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in source.infolist():
            part = source.read(info)
            if info.filename == "docProps/core.xml":
                root = etree.fromstring(part)
                root.find("{http://purl.org/dc/terms/}modified").text = modified
                part = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                      standalone=True)
            copy.writestr(info, part)
    return out.getvalue()


def test_a_saved_time_in_the_future_does_not_make_a_revision_current(tmp_path: Path) -> None:
    folder = tmp_path / "returned"
    folder.mkdir()
    forged = folder / "01-forged.docx"
    forged.write_bytes(_with_modified(FIRST.read_bytes(), "9999-12-31T00:00:00Z"))
    saved = dt.datetime(2019, 4, 1, 9, tzinfo=dt.UTC).timestamp()
    os.utime(forged, (saved, saved))
    (folder / "14.docx").write_bytes(LATER.read_bytes())
    db = tmp_path / "r.db"
    summary = ingest([forged, folder / "14.docx"], db, workers=1)
    assert (summary.new, summary.revised) == (1, 1)
    with Register.open(db) as register:
        [current] = list(iter_current(register, current_audit_ids(register)))
        assert current.record.source.file == str(folder / "14.docx")
        [(saved_at, basis, warning)] = register.conn.execute(
            "SELECT r.saved_at, r.saved_at_basis, p.message FROM revisions r"
            " JOIN problems p ON p.revision_id = r.id AND p.level = 'warning'"
            " WHERE r.sha256 = ?", (hashlib.sha256(forged.read_bytes()).hexdigest(),))
        assert (saved_at, basis) == ("2019-04-01T09:00:00Z", "file")
        assert warning == "its saved time 9999-12-31 is in the future; the file's time was used"


def test_a_saved_time_within_a_day_is_believed(tmp_path: Path) -> None:
    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=12)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    with Register.open(tmp_path / "r.db") as register:
        register.add_record(make_record("1", modified=soon))
        assert register.conn.execute(
            "SELECT saved_at, saved_at_basis FROM revisions").fetchone() == (soon, "document")
        assert register.conn.execute("SELECT count(*) FROM problems").fetchone()[0] == 0


# -- the register's permissions ----------------------------------------------------------------


def test_a_register_others_can_read_is_made_private(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    Register.open(db).close()
    os.chmod(db, 0o644)
    with Register.open(db) as register:
        assert register.warnings == ("was open to others (mode 0644); it is now readable "
                                     "by its owner only (0600)",)
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    with Register.open(db) as register:
        assert register.warnings == ()

    os.chmod(db, 0o640)
    (tmp_path / "returned").mkdir()
    (tmp_path / "returned" / "01.docx").write_bytes(FIRST.read_bytes())
    result = CliRunner().invoke(cli, ["ingest", str(tmp_path / "returned"), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.stderr == (f"caseaudit: warning: {db}: was open to others (mode 0640); "
                             "it is now readable by its owner only (0600)\n")
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_a_register_that_cannot_be_made_private_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "r.db"
    Register.open(db).close()
    os.chmod(db, 0o644)

    def not_the_owner(path: object, mode: int) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "chmod", not_the_owner)
    with pytest.raises(RegisterError) as refused:
        Register.open(db)
    assert str(refused.value) == (f"{db}: is open to others (mode 0644) and cannot be made "
                                  "private (Operation not permitted); its owner can run chmod "
                                  "600 on it")


# -- a control character in a case number -------------------------------------------------------


def test_a_control_character_removed_from_a_case_number_is_a_warning(tmp_path: Path) -> None:
    record = make_record("CA-\x07123")
    packed = pack(record, FORM)
    assert packed.key[0] == "CA-123" and packed.case == "CA-123"
    assert ("case_number", "warning",
            "the case number held a control character (U+0007), removed") in packed.problems
    assert audit_key("CA-\x07123", None, None) == audit_key("CA-123", None, None)
    with Register.open(tmp_path / "r.db") as register:
        register.add_allocations([Allocation("CA-\x07123", "Alex Auditor", "2019-03-12")])
        assert register.add_record(record) == "new"
        [(case_text,)] = register.conn.execute("SELECT case_text FROM audits")
        assert case_text == "CA-123"
        stored = register.conn.execute(
            "SELECT text FROM field_values WHERE field_id = 'case_number'").fetchone()[0]
        assert stored == "CA-\x07123"  # what the form said is kept; the identity is cleaned
        assert register.conn.execute(
            "SELECT count(*) FROM allocations a JOIN audits USING (case_key)").fetchone()[0] == 1
