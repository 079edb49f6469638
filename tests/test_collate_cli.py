"""The commands end to end on the samples: ingest, history, report, collate."""

from __future__ import annotations

import datetime as dt
import shutil
import stat
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from caseaudit_docx.cli import cli
from caseaudit_docx.extract.extract import extract_file
from caseaudit_docx.model.description import bundled_form
from caseaudit_docx.register.ingest import Progress
from caseaudit_docx.report.collate import collate

from .conftest import ROOT, convert_to_pdf, pdf_text
from .test_workbook import rows

SAMPLES = ROOT / "samples" / "forms"
N_SAMPLES = len(list(SAMPLES.glob("*.docx")))


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture()
def samples(tmp_path: Path) -> Path:
    """A copy of the sample forms' folder, to add files to."""
    folder = tmp_path / "samples"
    folder.mkdir()
    for path in SAMPLES.glob("*.docx"):
        shutil.copy(path, folder / path.name)
    return folder


#: What the samples hold to chase: 11-na-and-problems has five values nobody can use.
CHASE = "; 1 form holds 5 values to chase (caseaudit extract --problems {})"


def test_ingest_history_report(tmp_path: Path, samples: Path) -> None:
    db = str(tmp_path / "audits.db")
    first = run("ingest", str(samples), "--db", db)
    assert first.exit_code == 0, first.stderr
    assert first.stdout == (f"{db}: {N_SAMPLES - 1} new, 1 revised, 0 unchanged, 0 failed"
                            f"{CHASE.format(samples)}\n")
    again = run("ingest", str(samples), "--db", db)
    assert again.stdout == f"{db}: 0 new, 0 revised, {N_SAMPLES} unchanged, 0 failed\n"

    history = run("history", "ca-10231", "--db", db)
    assert history.exit_code == 0
    lines = history.stdout.splitlines()
    assert lines[0] == "CA-10231, auditor Alex Fictional, audit start 2019-03-12: 2 revisions"
    assert lines[1].startswith("  * 2019-05-10 15:30 (saved) ") and "14-revision-of-01" in lines[1]
    assert lines[2].startswith("    2019-04-01 09:00 (saved) ") and "01-clean-tagged" in lines[2]

    book = tmp_path / "book.xlsx"
    report = run("report", "-o", str(book), "--db", db, "--from", "1/4/2019", "--category", "lac")
    assert report.exit_code == 0, report.stderr
    starts = {p.name: extract_file(p) for p in SAMPLES.glob("*.docx")}
    expected = {r.text("case_number") for r in starts.values()
                if (r.value("audit_start_date") or "") >= "2019-04-01"
                and "LAC" in (r.value("category") or [])}
    assert report.stdout == f"Wrote {book}: {len(expected)} audit{'s' * (len(expected) != 1)}\n"
    audits = rows(openpyxl.load_workbook(book)["Audits"], "Audits")
    assert {a["case_number"] for a in audits} == expected


def test_errors_are_one_line(tmp_path: Path) -> None:
    db = str(tmp_path / "audits.db")
    missing = run("report", "-o", str(tmp_path / "b.xlsx"), "--db", db)
    assert missing.exit_code == 1
    assert missing.stderr == f"caseaudit: {db}: no register here (run caseaudit ingest first)\n"
    assert not Path(db).exists()
    run("ingest", str(SAMPLES / "03-partial.docx"), "--db", db)
    unknown = run("history", "X-1", "--db", db)
    assert unknown.exit_code == 1
    assert unknown.stderr == f"caseaudit: {db}: no audit with case number 'X-1' in the register\n"
    bad_date = run("report", "-o", str(tmp_path / "b.xlsx"), "--db", db, "--from", "soon")
    assert bad_date.exit_code == 2 and "'soon' is not a date" in bad_date.stderr
    (tmp_path / "b.xlsx").write_bytes(b"")
    exists = run("report", "-o", str(tmp_path / "b.xlsx"), "--db", db)
    assert exists.exit_code == 1 and "already exists (use --force" in exists.stderr
    nowhere = run("ingest", str(tmp_path / "nowhere"), "--db", db)
    assert nowhere.exit_code == 1 and nowhere.stderr.endswith("no such file or folder\n")
    codes = ", ".join(bundled_form().kind_of(bundled_form().roles.category).values)
    for command in (["report", "--db", db], ["collate", str(SAMPLES)]):
        category = run(*command, "-o", str(tmp_path / "c.xlsx"), "--category", "XX")
        assert category.exit_code == 1 and len(category.stderr.splitlines()) == 1
        assert "'XX' is not a case category" in category.stderr and codes in category.stderr
        assert not (tmp_path / "c.xlsx").exists()
    for command in ("ingest", "report", "collate"):
        args = [str(SAMPLES)] if command != "report" else []
        wrong = run(command, *args, "-o", str(tmp_path / "f.xlsx"), "--form", "no-such-form") \
            if command != "ingest" else run(command, *args, "--db", db, "--form", "no-such-form")
        assert wrong.exit_code == 1, command
        assert wrong.stderr.startswith("caseaudit: no-such-form: no such form description")
        assert len(wrong.stderr.splitlines()) == 1 and "case-audit-3.2" in wrong.stderr


def test_collate_samples_matches_the_forms(tmp_path: Path, private_tmp: Path,
                                          samples: Path) -> None:
    book = tmp_path / "book.xlsx"
    result = run("collate", str(samples), "-o", str(book))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (f"Read {N_SAMPLES - 1} new, 1 revised, 0 unchanged, 0 failed"
                             f"{CHASE.format(samples)}. Wrote {book}: {N_SAMPLES - 1} audits\n")
    assert list(private_tmp.iterdir()) == []  # the temporary register is gone
    assert stat.S_IMODE(book.stat().st_mode) == 0o600  # it names children: owner only

    records = {p.name: extract_file(p) for p in SAMPLES.glob("*.docx")}
    del records["01-clean-tagged.docx"]  # superseded by its corrected revision, 14
    current = {r.text("case_number"): r for r in records.values()}
    loaded = openpyxl.load_workbook(book)
    audits = {a["case_number"]: a for a in rows(loaded["Audits"], "Audits")}
    assert set(audits) == set(current)
    for case, record in current.items():
        for fid in ("overall.auditor", "overall.practitioner", "grade.review", "q41.auditor"):
            shown = record.value(fid) if record.value(fid) is not None else record.text(fid)
            assert audits[case][fid] == shown, (case, fid)  # unreadable: the text as written
    assert audits["CA-10242"]["q41.auditor"] == "seven"
    assert Path(audits["CA-10231"]["source_file"]).name == "14-revision-of-01.docx"
    assert audits["CA-10231"]["revisions"] == 2
    problems = rows(loaded["Problems"], "Problems")
    assert len(problems) == sum(len(r.problems) for r in current.values())
    actions = rows(loaded["Actions"], "Actions")
    [eleventh] = [a for a in actions if a["action_no"] == 11]  # typed below the form's ten rows
    assert (eleventh["case_number"], eleventh["action"], eleventh["by_when"]) == (
        "CA-10243", "An eleventh action", dt.datetime(2019, 6, 1))
    responses = rows(loaded["Responses"], "Responses")
    assert len(responses) == sum(1 for r in current.values() for v in r.fields.values() if v.text)


def test_collate_lists_a_failed_file_and_keeps_its_register_private(
    tmp_path: Path, private_tmp: Path, tagged_template: bytes
) -> None:
    folder = tmp_path / "returned"
    shutil.copytree(SAMPLES, folder, ignore=lambda _root, names: [
        name for name in names if not name.endswith(".docx")])
    (folder / "blank.docx").write_bytes(tagged_template)
    (folder / "scan.docx").write_bytes(b"%PDF-1.4 not a Word file")
    modes: list[tuple[int, int]] = []

    def look(progress: Progress) -> None:
        [work] = private_tmp.iterdir()
        modes.append((stat.S_IMODE(work.stat().st_mode),
                       stat.S_IMODE((work / "register.db").stat().st_mode)))

    book = tmp_path / "book.xlsx"
    summary = collate([folder], book, progress=look)
    assert set(modes) == {(0o700, 0o600)}
    assert summary.ingest.failed == 2 and list(private_tmp.iterdir()) == []
    problems = rows(openpyxl.load_workbook(book)["Problems"], "Problems")
    failed = {Path(p["source_file"]).name: p for p in problems if p["case_number"] is None}
    assert set(failed) == {"blank.docx", "scan.docx"}
    assert "no case number" in failed["blank.docx"]["message"]

    result = run("collate", str(folder), "-o", str(book), "--force")
    assert result.exit_code == 1  # the workbook is written all the same
    assert book.exists() and result.stdout.startswith(f"Read {N_SAMPLES - 1} new, ")
    assert sorted(result.stderr.splitlines()) == sorted(
        f"caseaudit: {folder.resolve() / name}: failed: {failed[name]['message']}"
        for name in failed)


@pytest.mark.soffice
def test_the_readme_command_gives_a_workbook_libreoffice_opens(tmp_path: Path) -> None:
    book = tmp_path / "audits.xlsx"
    result = run("collate", str(SAMPLES), "-o", str(book))
    # samples/forms/ holds the sample forms alone: every one read, nothing to report
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.output.startswith(f"Read {N_SAMPLES - 1} new, 1 revised, 0 unchanged, 0 failed")
    text = pdf_text(convert_to_pdf(book, tmp_path))
    assert "CA-10244" in text and "Good or better" in text


def test_collate_takes_as_of_and_marking(tmp_path: Path) -> None:
    out = tmp_path / "book.xlsx"
    result = run("collate", str(SAMPLES), "-o", str(out), "--as-of", "01/07/2019",
                 "--marking", "OFFICIAL")
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert all("OFFICIAL" in ws.oddFooter.right.text for ws in book.worksheets)
    assert "OFFICIAL-SENSITIVE" not in book["Audits"].oddFooter.right.text
    actions = rows(book["Actions"], "Actions")
    dated = [a for a in actions if isinstance(a["by_when"], dt.datetime)]
    assert dated and all(a["status"] == ("overdue" if a["by_when"] < dt.datetime(2019, 7, 1)
                                         else "due") for a in dated)
    assert run("collate", str(SAMPLES), "-o", str(out), "--as-of", "tbc").exit_code == 2
