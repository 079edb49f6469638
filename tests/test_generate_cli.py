"""``caseaudit generate``: options, one-line errors, warnings on stderr, the summary line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from caseaudit_docx.cli import cli
from caseaudit_docx.extract.extract import extract_file

from .conftest import ROOT

SAMPLE = ROOT / "samples" / "cases.csv"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, ["generate", *map(str, args)])


def write(tmp_path: Path, text: str, name: str = "cases.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def one_line_error(result: Result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("caseaudit: ")
    return lines[0]


def test_sample_case_list(tmp_path: Path) -> None:
    out = tmp_path / "forms"
    result = run(SAMPLE, "-o", out, "--set", "auditor=Jo Example",
                 "--set", "audit_start_date=2024-03-04")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Wrote 10 forms to {out} (2 warnings)\n"
    assert result.stderr.splitlines() == [
        "caseaudit: warning: ignored 1 column not on the form: 'Date of birth' "
        "(use --map COLUMN=FIELD to use one)",
        "caseaudit: warning: --set audit_start_date replaces the column 'Audit start date' "
        "for every form",
    ]
    assert sorted(p.name for p in out.iterdir()) == [f"CA-201{n:02d}.docx" for n in range(1, 11)]
    record = extract_file(out / "CA-20104.docx")
    assert record.fields["practitioners"].text == "Jordan Example, Alex Sample"
    assert record.fields["auditor"].text == "Jo Example"
    assert record.fields["audit_start_date"].value == "2024-03-04"


def test_help_has_an_example() -> None:
    result = CliRunner().invoke(cli, ["generate", "--help"])
    assert result.exit_code == 0
    assert "Example: caseaudit generate cases.csv -o forms" in result.output
    assert "generate" in CliRunner().invoke(cli, ["--help"]).output


def test_name_map_and_sheet(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Notes"
    sheet = book.create_sheet("Round 3")
    sheet.append(["Ref", "Young person", "Dept"])
    sheet.append(["R-1", "Amy Example", "North"])
    path = tmp_path / "cases.xlsx"
    book.save(path)
    out = tmp_path / "forms"
    result = run(path, "-o", out, "--sheet", "Round 3", "--map", "Ref=case_number",
                 "--map", "Dept=team", "--name", "{team} {case_number} {child_name}")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert [p.name for p in out.iterdir()] == ["North R-1 Amy Example.docx"]


def test_skipped_rows_are_reported_with_their_row_number(tmp_path: Path) -> None:
    cases = write(tmp_path, "Case Number,Child\n1,Amy\n,Ben\n3,Cara\n")
    result = run(cases, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert result.stderr == "caseaudit: warning: row 3 has no case number; skipped\n"
    assert result.stdout.endswith("(1 row skipped)\n")


def test_duplicates_are_an_error_naming_both_rows(tmp_path: Path) -> None:
    cases = write(tmp_path, "Case Number,Child\n1,Amy\n2,Ben\n1,Amy again\n")
    line = one_line_error(run(cases, "-o", tmp_path / "out"))
    assert line == (f"caseaudit: {cases}: lists the same case twice: '1' is on rows 2 and 4 "
                    "(use --allow-duplicates if each should get a form)")
    assert not (tmp_path / "out").exists()
    result = run(cases, "-o", tmp_path / "out", "--allow-duplicates")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["1 (2).docx", "1.docx",
                                                                    "2.docx"]


@pytest.mark.parametrize("text, message", [
    ("", "is empty: the first row should name the columns"),
    ("Case Number,Child\n", "has no cases to generate forms for"),
    ("Child\nAmy\n", "has no case number column"),
])
def test_empty_or_unusable_case_lists(tmp_path: Path, text: str, message: str) -> None:
    assert message in one_line_error(run(write(tmp_path, text), "-o", tmp_path / "out"))


def test_unreadable_case_lists(tmp_path: Path) -> None:
    assert one_line_error(run(tmp_path / "none.csv", "-o", tmp_path / "o")).endswith(
        "none.csv: file not found")
    binary = tmp_path / "cases.csv"
    binary.write_bytes(b"\x00\x01\x02PK")
    assert "is not a text CSV file" in one_line_error(run(binary, "-o", tmp_path / "o"))


def test_existing_forms_need_force(tmp_path: Path) -> None:
    cases = write(tmp_path, "Case Number\n1\n")
    out = tmp_path / "out"
    assert run(cases, "-o", out).exit_code == 0
    line = one_line_error(run(cases, "-o", out))
    assert line.endswith("1 form would replace existing files (1.docx); use --force to "
                         "replace them")
    assert run(cases, "-o", out, "--force").exit_code == 0


def test_council_template(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(write(tmp_path, "Case Number,Child\n1,Amy Example\n"), "-o", out,
                 "--template",
                 ROOT / "caseaudit_docx" / "templates" / "case-audit-3.2-untagged.docx",
                 "--set", "council_name=Anytown")
    assert result.exit_code == 0, result.output
    assert extract_file(out / "1.docx").fields["child_name"].text == "Amy Example"


def test_bad_template(tmp_path: Path) -> None:
    cases = write(tmp_path, "Case Number\n1\n")
    template = tmp_path / "old.docx"
    template.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert "is an old-style Office file" in one_line_error(
        run(cases, "-o", tmp_path / "out", "--template", template))


@pytest.mark.parametrize("option", [["--set", "auditor"], ["--map", "=team"]])
def test_malformed_pairs_are_usage_errors(tmp_path: Path, option: list[str]) -> None:
    result = run(write(tmp_path, "Case Number\n1\n"), "-o", tmp_path / "out", *option)
    assert result.exit_code == 2
    assert "should be NAME=VALUE" in result.output


def test_bad_set_and_map_names(tmp_path: Path) -> None:
    cases = write(tmp_path, "Case Number\n1\n")
    assert "is not a header field; use one of case_number" in one_line_error(
        run(cases, "-o", tmp_path / "out", "--map", "Case Number=shoe"))
    assert "--set shoe_size: not a header field" in one_line_error(
        run(cases, "-o", tmp_path / "out", "--set", "shoe_size=9"))
    assert "{shoe} is not a header field" in one_line_error(
        run(cases, "-o", tmp_path / "out", "--name", "{shoe}"))


def test_db_records_allocations(tmp_path: Path) -> None:
    db = tmp_path / "caseaudit.db"
    result = run(SAMPLE, "-o", tmp_path / "out", "--db", db, "--set", "auditor=Jo Example")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("(1 warning, 10 recorded as allocated)\n")
    assert db.exists()


def test_no_progress_bar_when_not_a_terminal(tmp_path: Path) -> None:
    result = run(write(tmp_path, "Case Number\n1\n2\n"), "-o", tmp_path / "out")
    assert result.exit_code == 0
    assert "Generating" not in result.output


def test_progress_bar_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    from caseaudit_docx.cli import _TerminalProgress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    with _TerminalProgress("Generating forms") as bar:
        for done in (1, 2, 3):
            bar(done, 3)
    assert "Generating forms" in screen.getvalue() and "100%" in screen.getvalue()


def test_header_row_names_the_row_of_headings(tmp_path: Path) -> None:
    # Row 1 is a title, row 2 a note that happens to look like headings, row 3 the headings.
    cases = write(tmp_path, "Audits for March\nCase Number,Note\nCase Number,Child Name\n"
                            "CA-1,Ada Example\n")
    result = run(cases, "-o", tmp_path / "forms", "--header-row", "3")
    assert result.exit_code == 0, result.output
    record = extract_file(tmp_path / "forms" / "CA-1.docx")
    assert (record.value("case_number"), record.value("child_name")) == ("CA-1", "Ada Example")
    assert run(cases, "-o", tmp_path / "other", "--header-row", "0").exit_code == 2


def test_a_word_template_is_a_blank_to_generate_from(tmp_path: Path) -> None:
    """A council's .dotx makes forms as Word's File > New would: ordinary .docx files."""
    from .test_accounting import _as_template

    untagged = ROOT / "caseaudit_docx" / "templates" / "case-audit-3.2-untagged.docx"
    blank = tmp_path / "council.dotx"
    blank.write_bytes(_as_template(untagged.read_bytes()))
    cases = write(tmp_path, "Case Number,Child Name\nCA-7,Ada Example\n")
    result = run(cases, "-o", tmp_path / "forms", "--template", blank)
    assert result.exit_code == 0, result.output
    record = extract_file(tmp_path / "forms" / "CA-7.docx")  # a .docx: extract refuses .dotx
    assert (record.value("case_number"), record.value("child_name")) == ("CA-7", "Ada Example")
    macro = tmp_path / "council.dotm"
    macro.write_bytes(blank.read_bytes())
    line = one_line_error(run(cases, "-o", tmp_path / "other", "--template", macro))
    assert "macro-enabled Word template" in line
