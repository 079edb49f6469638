"""``caseaudit extract``: JSON out, problems for chasing, one line per bad file, exit codes."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from caseaudit_docx.cli import cli

from .conftest import ROOT

SAMPLES = ROOT / "samples" / "forms"


def _bad_files(folder: Path) -> dict[str, Path]:
    """One of every kind of file a quality lead's folder holds that is not a form."""
    good = (SAMPLES / "01-clean-tagged.docx").read_bytes()
    xlsx = io.BytesIO()
    with zipfile.ZipFile(xlsx, "w") as z:
        z.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Override PartName="/xl/workbook.xml" '
                   'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
                   'sheet.main+xml"/></Types>')
        z.writestr("xl/workbook.xml", "<workbook/>")
    files = {
        "legacy.doc": bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504
        + "WordDocument".encode("utf-16-le"),
        "report.pdf": b"%PDF-1.7\n%binary\n",
        "~$lock.docx": b"\x05alice" + b"\0" * 100,
        "sheet.docx": xlsx.getvalue(),
        "truncated.docx": good[: len(good) // 2],
        "empty.docx": b"",
    }
    paths = {}
    for name, data in files.items():
        path = folder / name
        path.write_bytes(data)
        paths[name] = path
    return paths


def test_single_file_prints_the_record_as_json() -> None:
    result = CliRunner().invoke(cli, ["extract", str(SAMPLES / "01-clean-tagged.docx")])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["fields"]["case_number"] == {"text": "CA-10231", "value": "CA-10231"}


def test_jsonl_prints_one_record_per_line() -> None:
    files = [str(SAMPLES / "01-clean-tagged.docx"), str(SAMPLES / "03-partial.docx")]
    result = CliRunner().invoke(cli, ["extract", *files, "--format", "jsonl"])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert [json.loads(line)["fields"]["case_number"]["text"] for line in lines] == [
        "CA-10231", "CA-10233"]


def test_problems_only(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["extract", "--problems",
                                      str(SAMPLES / "11-na-and-problems.docx")])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 5
    assert all(line.startswith(f"{SAMPLES / '11-na-and-problems.docx'}: ") for line in lines)
    assert any("q20.score: error:" in line and "3-4" in line for line in lines)


def test_bad_files_fail_one_line_each_and_the_batch_goes_on(tmp_path: Path) -> None:
    bad = _bad_files(tmp_path)
    before = {name: hashlib.sha256(p.read_bytes()).hexdigest() for name, p in bad.items()}
    good = SAMPLES / "03-partial.docx"
    args = ["extract", "--format", "jsonl", *map(str, bad.values()), str(good)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    errors = [line for line in lines if line.startswith("caseaudit: ")]
    assert len(errors) == len(bad)
    for name, path in bad.items():
        assert sum(str(path) in line for line in errors) == 1, name
    records = [json.loads(line) for line in lines if not line.startswith("caseaudit: ")]
    assert [r["fields"]["case_number"]["text"] for r in records] == ["CA-10233"]
    assert {n: hashlib.sha256(p.read_bytes()).hexdigest() for n, p in bad.items()} == before


@pytest.mark.parametrize("name,cause", [
    ("legacy.doc", "97-2003"), ("report.pdf", "PDF"), ("~$lock.docx", "lock file"),
    ("truncated.docx", "damaged or incomplete"), ("empty.docx", "empty"),
])
def test_each_bad_file_names_its_cause(tmp_path: Path, name: str, cause: str) -> None:
    path = _bad_files(tmp_path)[name]
    result = CliRunner().invoke(cli, ["extract", str(path)])
    assert result.exit_code == 1
    assert result.output.startswith(f"caseaudit: {path}: ")
    assert cause.lower() in result.output.lower()
    assert len(result.output.strip().splitlines()) == 1


def test_missing_argument_is_a_usage_error() -> None:
    assert CliRunner().invoke(cli, ["extract"]).exit_code == 2


def test_a_folder_stands_for_its_forms_without_lock_files(tmp_path: Path) -> None:
    folder = tmp_path / "returned" / "2019-04"
    folder.mkdir(parents=True)
    for name in ("01-clean-tagged.docx", "03-partial.docx"):
        (folder / name).write_bytes((SAMPLES / name).read_bytes())
    (folder / "~$partial.docx").write_bytes(b"\x05alice" + b"\0" * 100)
    result = CliRunner().invoke(cli, ["extract", str(tmp_path / "returned")])
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert sorted(r["fields"]["case_number"]["text"] for r in records) == ["CA-10231", "CA-10233"]


def test_a_file_in_a_folder_that_is_not_a_form_is_named_and_fails(tmp_path: Path) -> None:
    folder = tmp_path / "returned"
    folder.mkdir()
    (folder / "01-clean-tagged.docx").write_bytes((SAMPLES / "01-clean-tagged.docx").read_bytes())
    (folder / "notes.txt").write_text("not a form")
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4\n")
    result = CliRunner().invoke(cli, ["extract", "--format", "jsonl", str(folder)])
    assert result.exit_code == 1
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["fields"]["case_number"]["text"] == "CA-10231"
    assert result.stderr.splitlines() == [
        f"caseaudit: {folder / 'notes.txt'}: is not a Word form (a .txt file); "
        "only .docx forms are read",
        f"caseaudit: {folder / 'scan.pdf'}: is a PDF, not a Word form: its answers cannot be "
        "read back; ask for the .docx it was made from",
    ]


@pytest.mark.parametrize("contents", [[], ["~$lock.docx"]])
def test_an_empty_folder_is_one_line_and_exit_1(tmp_path: Path, contents: list[str]) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    for name in contents:
        (folder / name).write_bytes(b"\x05alice" + b"\0" * 100)
    result = CliRunner().invoke(cli, ["extract", str(folder)])
    assert result.exit_code == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"caseaudit: {folder}: holds no forms (")


def test_a_missing_path_does_not_stop_the_others(tmp_path: Path) -> None:
    nowhere = tmp_path / "nowhere.docx"
    result = CliRunner().invoke(cli, ["extract", "--format", "jsonl", str(nowhere),
                                      str(SAMPLES / "03-partial.docx")])
    assert result.exit_code == 1
    assert result.stderr == f"caseaudit: {nowhere}: no such file or folder\n"
    assert json.loads(result.stdout)["fields"]["case_number"]["text"] == "CA-10233"
