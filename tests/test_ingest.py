"""Batch ingest: finding forms, revisions, duplicates, failures, interruptions, the pool."""

from __future__ import annotations

import dataclasses
import json
import shutil
import stat
from pathlib import Path

import pytest

from caseaudit_docx.errors import InputError, NotAFormError
from caseaudit_docx.files import find_forms
from caseaudit_docx.model.description import bundled_form
from caseaudit_docx.model.record import Record
from caseaudit_docx.register.ingest import Progress, ingest
from caseaudit_docx.register.read import (
    current_audit_ids,
    failed_files,
    history,
    iter_current,
)
from caseaudit_docx.register.store import Register

from .conftest import ROOT
from .records import make_record

FORM = bundled_form()
SAMPLES = ROOT / "samples" / "forms"
SAMPLE_FILES = sorted(SAMPLES.glob("*.docx"))


def fake_extract(data: bytes, path: str) -> Record:
    """Stands in for extraction (module level, so the process pool can pickle it): the
    "form" is a record's JSON; a file starting with "not a form" is not one."""
    if data.startswith(b"not a form"):
        raise NotAFormError("not a Word document", path=path)
    if data.startswith(b"crash"):
        raise ValueError("the reader broke")
    return Record.from_dict(json.loads(data))


def _write(folder: Path, name: str, record: Record | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(record if isinstance(record, bytes) else
                     json.dumps(record.to_dict()).encode())
    return path


def _count(db: Path, sql: str) -> int:
    with Register.open(db) as register:
        return register.conn.execute(sql).fetchone()[0]


# -- finding forms ------------------------------------------------------------------------------


def test_find_forms_accounts_for_every_file_and_takes_named_files(tmp_path: Path) -> None:
    for name in ("a.docx", "sub/b.DOCX", "sub/deeper/c.docx", "sub/~$b.DOCX", "~$a.docx",
                 "notes.txt", "sub/old.doc", "sub/Thumbs.db", "macro.docm"):
        _write(tmp_path / "forms", name, b"x")
    named = _write(tmp_path / "elsewhere", "report.pdf", b"x")
    renamed = _write(tmp_path / "elsewhere", "form.bak", b"x")
    found = find_forms([tmp_path / "forms" / "a.docx", tmp_path / "forms", named, renamed])
    names = [p.relative_to(tmp_path).as_posix() for p in found.forms]
    assert names == ["forms/a.docx", "forms/macro.docm", "forms/sub/b.DOCX",
                     "forms/sub/deeper/c.docx", "elsewhere/form.bak"]  # named: tried
    not_forms = {p.path.relative_to(tmp_path).as_posix(): p.reason for p in found.not_forms}
    assert list(not_forms) == ["forms/notes.txt", "forms/sub/old.doc", "elsewhere/report.pdf"]
    assert not_forms["forms/sub/old.doc"].startswith("is a legacy Word 97-2003 file (.doc)")
    assert "save it as 'Word Document (*.docx)'" in not_forms["forms/sub/old.doc"]
    assert not_forms["forms/notes.txt"] == (
        "is not a Word form (a .txt file); only .docx forms are read")
    assert not_forms["elsewhere/report.pdf"].startswith("is a PDF, not a Word form")
    assert (found.lock_files, found.system_files) == (2, 1)
    assert all(p.is_absolute() for p in found.forms)
    assert not found.missing and not found.unreadable and not found.empty


def test_a_doc_is_a_form_when_a_converter_can_read_it(tmp_path: Path) -> None:
    _write(tmp_path, "old.doc", b"x")
    _write(tmp_path, "other.odt", b"x")
    found = find_forms([tmp_path], convertible=lambda path: path.suffix == ".doc")
    assert [p.name for p in found.forms] == ["old.doc"]
    assert [p.path.name for p in found.not_forms] == ["other.odt"]


def test_a_missing_path_is_accounted_for_and_the_rest_go_on(tmp_path: Path) -> None:
    _write(tmp_path, "here/a.docx", b"x")
    found = find_forms([tmp_path / "nowhere", tmp_path / "here"])
    assert [p.name for p in found.forms] == ["a.docx"]
    assert [(m.path, m.kind, m.reason) for m in found.missing] == [
        (tmp_path / "nowhere", "missing", "no such file or folder")]


def test_an_empty_folder_is_accounted_for(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    _write(tmp_path, "locks/~$a.docx", b"x")
    found = find_forms([tmp_path / "empty", tmp_path / "locks"])
    assert [(e.path.name, e.reason) for e in found.empty] == [
        ("empty", "holds no forms (the folder is empty)"),
        ("locks", "holds no forms (only 1 skipped file: Word lock files or system files)")]
    with pytest.raises(InputError, match="empty: holds no forms"):
        ingest([tmp_path / "empty"], tmp_path / "r.db")
    assert not (tmp_path / "r.db").exists()


# -- with a stand-in extractor --------------------------------------------------------------------


@pytest.mark.parametrize("workers", [1, 2])
def test_outcomes_and_the_closing_line(tmp_path: Path, workers: int) -> None:
    forms = tmp_path / "forms"
    first = make_record("1", modified="2019-04-01T09:00:00Z")
    corrected = make_record("1", q1__score=5, modified="2019-05-01T09:00:00Z")
    _write(forms, "01.docx", first)
    _write(forms, "01-corrected.docx", corrected)
    _write(forms, "01-copy.docx", first)  # the same bytes under another name
    _write(forms, "02.docx", make_record("2"))
    _write(forms, "no-case.docx", make_record(None))
    _write(forms, "junk.docx", b"not a form at all")
    _write(forms, "crash.docx", b"crash")
    _write(forms, "~$01.docx", b"lock")
    for n in range(3, 20):  # enough files for several chunks in the pool
        _write(forms, f"{n:02d}.docx", make_record(str(n)))
    db = tmp_path / "r.db"
    seen: list[Progress] = []
    summary = ingest([forms], db, workers=workers, chunk_size=4,
                     progress=seen.append, extractor=fake_extract)
    assert (summary.new, summary.revised, summary.unchanged, summary.failed) == (19, 1, 1, 3)
    assert summary.line() == "19 new, 1 revised, 1 unchanged, 3 failed (1 lock file skipped)"
    assert [p.done for p in seen] == list(range(1, 25)) and {p.total for p in seen} == {24}
    reasons = {Path(p).name: why for p, why in summary.failures}
    assert reasons == {"no-case.docx": "no case number, so the form cannot be filed as an audit",
                       "junk.docx": "not a Word document",
                       "crash.docx": "could not be read (ValueError: the reader broke)"}
    assert stat.S_IMODE(db.stat().st_mode) == 0o600

    again = ingest([forms], db, workers=workers, extractor=fake_extract)
    assert (again.new, again.revised, again.unchanged, again.failed) == (0, 0, 24, 0)
    with Register.open(db) as register:
        assert {Path(f.path).name for f in failed_files(register)} == set(reasons)
        [current] = [a for a in iter_current(register, current_audit_ids(register))
                     if a.record.text("case_number") == "1"]
        assert current.record.value("q1.score") == 5 and current.revisions == 2


def test_an_interrupted_ingest_keeps_what_was_written(tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    for n in range(12):
        _write(forms, f"{n:02d}.docx", make_record(str(n)))
    db = tmp_path / "r.db"

    def stop_after_five(progress: Progress) -> None:
        if progress.done == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ingest([forms], db, workers=2, chunk_size=2, progress=stop_after_five,
               extractor=fake_extract)
    assert _count(db, "SELECT count(*) FROM files") == 5
    assert _count(db, "SELECT count(*) FROM revisions") == 5
    assert _count(db, "SELECT count(*) FROM field_values") == 5 * len(FORM.field_ids)
    assert _count(db, "SELECT count(*) FROM audits WHERE current_revision_id IS NULL") == 0
    rest = ingest([forms], db, workers=1, extractor=fake_extract)
    assert (rest.new, rest.unchanged) == (7, 5)


# -- real forms -----------------------------------------------------------------------------------


def test_samples_twice_second_run_all_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    folder = tmp_path / "samples"
    folder.mkdir()
    for path in SAMPLE_FILES:
        shutil.copy(path, folder / path.name)
    first = ingest([folder], db)
    assert (first.new, first.revised, first.failed) == (len(SAMPLE_FILES) - 1, 1, 0)
    assert (first.forms_to_chase, first.values_to_chase) == (1, 5)  # 11-na-and-problems
    assert first.complete
    second = ingest([folder], db)
    assert (second.new, second.revised, second.unchanged, second.failed) == (
        0, 0, len(SAMPLE_FILES), 0)
    assert _count(db, "SELECT count(*) FROM revisions") == len(SAMPLE_FILES)


def test_the_corrected_revision_wins_whatever_the_order(tmp_path: Path) -> None:
    corrected, original = SAMPLES / "14-revision-of-01.docx", SAMPLES / "01-clean-tagged.docx"
    db = tmp_path / "r.db"
    ingest([corrected], db)
    assert ingest([original], db).revised == 1
    with Register.open(db) as register:
        revisions = history(register, "CA-10231")
    assert [Path(r.file).name for r in revisions] == [corrected.name, original.name]
    assert [r.current for r in revisions] == [True, False]


def test_duplicates_under_other_names_and_lock_files(tmp_path: Path) -> None:
    folder = tmp_path / "returned"
    folder.mkdir()
    shutil.copy(SAMPLE_FILES[0], folder / "first.docx")
    shutil.copy(SAMPLE_FILES[0], folder / "first (copy).docx")
    shutil.copy(SAMPLE_FILES[0], folder / "~$first.docx")
    summary = ingest([folder], tmp_path / "r.db")
    assert (summary.new, summary.unchanged, summary.lock_files) == (1, 1, 1)


def test_unreadable_and_caseless_forms_are_failed_files(tmp_path: Path, tagged_template: bytes
                                                        ) -> None:
    folder = tmp_path / "returned"
    _write(folder, "blank.docx", tagged_template)  # a form with no case number
    _write(folder, "letter.docx", b"Dear team, please find attached\n")
    db = tmp_path / "r.db"
    summary = ingest([folder], db)
    assert summary.failed == 2 and summary.new == 0
    with Register.open(db) as register:
        failed = {Path(f.path).name: f.problems for f in failed_files(register)}
    assert failed["blank.docx"][0].field == "case_number"
    assert failed["letter.docx"] and failed["letter.docx"][0].level == "error"


def test_every_worker_reads_with_the_given_form(tmp_path: Path) -> None:
    """The form crosses to the pool as its description and reads every file there."""
    other = dataclasses.replace(FORM, name="other-audit", version="9")
    db = tmp_path / "r.db"
    summary = ingest(SAMPLE_FILES, db, form=other, workers=2, chunk_size=1)
    assert summary.failed == 0 and summary.new + summary.revised == len(SAMPLE_FILES)
    with Register.open(db) as register:
        made = register.conn.execute(
            "SELECT DISTINCT template_name, template_version FROM revisions").fetchall()
    assert made == [("other-audit", "9")]
