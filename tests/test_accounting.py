"""Every path accounted for, end to end on real files: a folder of returned forms holding a
legacy .doc, a PDF, an .odt, an image, a text file, a Word lock file and an unreadable
subfolder, and a missing path beside it on the command line. Each is named in the command's
output with what to do about it, recorded in the register and listed under Problems in the
workbook; the good forms are all read; extract, ingest and collate exit 1."""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from caseaudit_docx.cli import cli
from caseaudit_docx.extract.extract import extract_file

from .conftest import ROOT, soffice_or_skip
from .test_workbook import rows

SAMPLES = sorted((ROOT / "samples" / "forms").glob("*.docx"))
CHASE = 5  # values nobody can use in 11-na-and-problems: the samples' only ones to chase

OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _odt() -> bytes:
    """An OpenDocument text package as LibreOffice starts one: "mimetype" first, stored."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text",
                         compress_type=zipfile.ZIP_STORED)
        package.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


@pytest.fixture()
def batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Path]]:
    """The folder, its odd files by name, and the missing path."""
    folder = tmp_path / "returned"
    folder.mkdir()
    for sample in SAMPLES:
        shutil.copy(sample, folder / sample.name)
    odd = {
        "old.doc": OLE_MAGIC + b"\0" * 504,  # an OLE file, not one Word wrote: nothing to convert
        "scan.pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
        "form.odt": _odt(),  # a form LibreOffice could convert; here there is no LibreOffice
        "photo.png": PNG_MAGIC + b"\0" * 32,
        "notes.txt": b"Chase CA-10233 next week\n",
        "~$x.docx": b"\x05alice" + b"\0" * 100,
    }
    paths = {name: folder / name for name in odd}
    for name, data in odd.items():
        paths[name].write_bytes(data)
    locked = folder / "locked"
    locked.mkdir()
    (locked / "hidden.docx").write_bytes(SAMPLES[0].read_bytes())
    locked.chmod(0)
    if os.access(locked, os.R_OK):  # root reads it anyway: let listing it fail as it would
        scandir = os.scandir

        def refuse(path: Any = ".") -> Any:
            if isinstance(path, (str, os.PathLike)) and os.fspath(path) == str(locked):
                raise PermissionError(13, "Permission denied", str(locked))
            return scandir(path)

        monkeypatch.setattr(os, "scandir", refuse)
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    monkeypatch.setenv("PATH", str(empty_bin))  # no soffice, whatever this machine has
    paths.update(folder=folder, locked=locked, nowhere=tmp_path / "nowhere.docx")
    yield paths
    locked.chmod(0o700)


NOT_FORMS = {
    "old.doc": "is a legacy Word 97-2003 file (.doc), not a .docx; open it in Word and save it "
               "as 'Word Document (*.docx)'",
    "scan.pdf": "is a PDF, not a Word form: its answers cannot be read back; ask for the .docx "
                "it was made from",
    "photo.png": "is an image (a scan or a photo), not a Word form; ask for the form as .docx, "
                 "or type its answers into one",
    "notes.txt": "is not a Word form (a .txt file); only .docx forms are read",
}


def _expected_lines(batch: dict[str, Path]) -> list[str]:
    """What every command says on stderr about the paths it could not read, in order."""
    folder = batch["folder"]
    return [
        f"caseaudit: {batch['form.odt']}: failed: is an OpenDocument text file (.odt); to read "
        "it, install LibreOffice (e.g. apt-get install libreoffice-writer-nogui) or open it in "
        "Word and save it as .docx",
        *(f"caseaudit: {folder / name}: {why}" for name, why in sorted(NOT_FORMS.items())),
        f"caseaudit: {batch['locked']}: folder cannot be read (Permission denied); nothing in "
        "it was looked at: give yourself read access, or copy its files into a folder you can "
        "read",
        f"caseaudit: {batch['nowhere']}: no such file or folder",
    ]


def _summary(batch: dict[str, Path], *, new: int, revised: int, unchanged: str, failed: int,
             chase: bool) -> str:
    """The closing line; ``unchanged`` as it reads ("0 unchanged")."""
    text = (f"{new} new, {revised} revised, {unchanged}, {failed} failed, "
            "4 not forms, 1 not found, 1 folder unreadable (1 lock file skipped)")
    if chase:
        text += (f"; 1 form holds {CHASE} values to chase (caseaudit extract --problems "
                 f"{batch['folder']} {batch['nowhere']})")
    return text


def _first_line(batch: dict[str, Path]) -> str:
    """The closing line of the first run over the batch."""
    return _summary(batch, new=len(SAMPLES) - 1, revised=1, unchanged="0 unchanged", failed=1,
                    chase=True)


def test_ingest_accounts_for_every_path(batch: dict[str, Path], tmp_path: Path) -> None:
    db = tmp_path / "audits.db"
    args = ["ingest", str(batch["folder"]), str(batch["nowhere"]), "--db", str(db)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert result.stdout == f"{db}: " + _first_line(batch) + "\n"
    assert result.stderr.splitlines() == _expected_lines(batch)

    with sqlite3.connect(db) as conn:
        outcomes = {Path(path).name: outcome for path, outcome in conn.execute(
            "SELECT path, outcome FROM files")}
        reasons = {Path(path).name: message for path, message in conn.execute(
            "SELECT f.path, p.message FROM files f JOIN problems p ON p.file_id = f.id"
            " WHERE p.field_id IS NULL AND p.level = 'error'")}
        cases = {row[0] for row in conn.execute("SELECT case_text FROM audits")}
    assert {name: outcomes[name] for name in NOT_FORMS} == dict.fromkeys(NOT_FORMS, "not_form")
    assert {outcomes[n] for n in ("form.odt", "locked", "nowhere.docx")} == {"failed"}
    assert "~$x.docx" not in outcomes and "hidden.docx" not in outcomes
    assert sorted(outcomes[p.name] for p in SAMPLES) == ["new"] * (len(SAMPLES) - 1) + [
        "revised"]
    assert {name: reasons[name] for name in NOT_FORMS} == NOT_FORMS
    assert reasons["nowhere.docx"] == "no such file or folder"
    assert cases == {extract_file(p).text("case_number") for p in SAMPLES}  # all ingested

    book = tmp_path / "audits.xlsx"
    report = CliRunner().invoke(cli, ["report", "--db", str(db), "-o", str(book)])
    assert report.exit_code == 0, report.output
    problems = rows(openpyxl.load_workbook(book)["Problems"], "Problems")
    listed = {Path(p["source_file"]).name: p["message"] for p in problems
              if p["case_number"] is None}
    assert {name: listed[name] for name in NOT_FORMS} == NOT_FORMS
    assert listed["nowhere.docx"] == "no such file or folder"
    assert listed["locked"].startswith("folder cannot be read")
    assert listed["form.odt"].startswith("is an OpenDocument text file (.odt); to read it")

    again = CliRunner().invoke(cli, args)  # the forms are unchanged; the rest still named
    assert again.exit_code == 1
    assert again.stdout == f"{db}: " + _summary(
        batch, new=0, revised=0, unchanged=f"{len(SAMPLES) + 1} unchanged (1 still failing)",
        failed=0, chase=False) + "\n"
    assert again.stderr.splitlines() == [
        _expected_lines(batch)[0] + " (unchanged)", *_expected_lines(batch)[1:]]


def test_collate_writes_the_workbook_and_exits_1(batch: dict[str, Path], tmp_path: Path) -> None:
    book = tmp_path / "audits.xlsx"
    result = CliRunner().invoke(cli, ["collate", str(batch["folder"]), str(batch["nowhere"]),
                                      "-o", str(book)])
    assert result.exit_code == 1, result.output
    assert result.stdout.startswith("Read " + _first_line(batch) + ". ")
    assert result.stderr.splitlines() == _expected_lines(batch)
    problems = rows(openpyxl.load_workbook(book)["Problems"], "Problems")
    named = {Path(p["source_file"]).name for p in problems if p["case_number"] is None}
    assert named >= {*NOT_FORMS, "form.odt", "locked", "nowhere.docx"}


def test_extract_names_each_path_it_does_not_read(batch: dict[str, Path]) -> None:
    result = CliRunner().invoke(cli, ["extract", "--format", "jsonl", str(batch["folder"]),
                                      str(batch["nowhere"])])
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == len(SAMPLES)
    failed, *others = _expected_lines(batch)
    assert result.stderr.splitlines() == [failed.replace(": failed: ", ": "), *others]


def test_every_good_file_exits_0_and_an_empty_folder_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "returned"
    folder.mkdir()
    for sample in SAMPLES[:3]:
        shutil.copy(sample, folder / sample.name)
    (folder / "~$x.docx").write_bytes(b"\x05alice" + b"\0" * 100)
    db = tmp_path / "audits.db"
    result = CliRunner().invoke(cli, ["ingest", str(folder), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{db}: 3 new, 0 revised, 0 unchanged, 0 failed (1 lock file skipped)\n"

    empty = tmp_path / "empty"
    empty.mkdir()
    for command in (["ingest", str(empty), "--db", str(db)],
                    ["collate", str(empty), "-o", str(tmp_path / "x.xlsx")],
                    ["extract", str(empty)]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 1, command
        assert result.stdout == ""
        assert result.stderr == f"caseaudit: {empty}: holds no forms (the folder is empty)\n"


def _as_template(docx: bytes) -> bytes:
    """A Word template (.dotx) of a form: the same parts, its main part typed a template's."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"wordprocessingml.document.main+xml",
                                    b"wordprocessingml.template.main+xml")
            package.writestr(info.filename, data)
    return out.getvalue()


def test_legacy_forms_are_read_and_blanks_named_beside_the_others(tmp_path: Path) -> None:
    """The real .doc and .odt LibreOffice made of a sample, its .docm, a .dotx blank, a PDF
    and a lock file in one folder: the three forms read with every value of their sample
    (nothing LibreOffice drops), the blank and the PDF named as not forms, the lock skipped."""
    soffice_or_skip()
    legacy = ROOT / "samples" / "legacy"
    folder = tmp_path / "returned"
    folder.mkdir()
    for suffix in ("doc", "odt", "docm"):
        shutil.copy(legacy / f"02-clean-untagged.{suffix}", folder / f"02.{suffix}")
    untagged = ROOT / "caseaudit_docx" / "templates" / "case-audit-3.2-untagged.docx"
    (folder / "blank.dotx").write_bytes(_as_template(untagged.read_bytes()))
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4\n")
    (folder / "~$02.docx").write_bytes(b"\x05alice" + b"\0" * 100)
    result = CliRunner().invoke(cli, ["extract", "--format", "jsonl", str(folder)])
    assert result.exit_code == 1  # two files were not forms
    named = sorted(line.split(": ", 2)[1] for line in result.stderr.splitlines())
    assert named == [str(folder / "blank.dotx"), str(folder / "scan.pdf")]
    assert "Word template" in result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(Path(r["source"]["file"]).suffix for r in records) == [".doc", ".docm", ".odt"]
    original = extract_file(ROOT / "samples" / "forms" / "02-clean-untagged.docx").to_dict()
    for record in records:
        assert record["fields"] == original["fields"], record["source"]["file"]
        converted = [p["message"] for p in record["problems"] if "converted from" in p["message"]]
        assert bool(converted) == (not record["source"]["file"].endswith(".docm"))
