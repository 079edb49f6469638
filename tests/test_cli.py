"""The ``caseaudit`` command: help, the template command, one-line errors."""

from __future__ import annotations

import dataclasses
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from caseaudit_docx.cli import cli
from caseaudit_docx.model.description import bundled_form, form_to_json

from .conftest import ROOT


def test_help_lists_commands_with_one_line_help() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "template" in result.output
    assert "Write the blank case audit form." in result.output


def test_template_writes_a_docx(tmp_path) -> None:
    target = tmp_path / "blank.docx"
    result = CliRunner().invoke(cli, ["template", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert zipfile.ZipFile(target).read("word/document.xml").count(b"<w:tag ") == 159


def test_template_untagged(tmp_path) -> None:
    target = tmp_path / "council.docx"
    result = CliRunner().invoke(cli, ["template", "--untagged", "-o", str(target)])
    assert result.exit_code == 0, result.output
    xml = zipfile.ZipFile(target).read("word/document.xml")
    assert b"<w:tag " not in xml and xml.count(b"<w:sdt>") == 159


def test_existing_output_is_one_line_error(tmp_path) -> None:
    target = tmp_path / "blank.docx"
    target.write_bytes(b"x")
    result = CliRunner().invoke(cli, ["template", "-o", str(target)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"caseaudit: {target}: already exists (use --force to replace it)"
    ]
    assert "Traceback" not in result.output


def test_usage_error_exits_2() -> None:
    result = CliRunner().invoke(cli, ["template"])
    assert result.exit_code == 2


def test_every_command_has_whole_one_line_help_and_an_example() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    listed = result.output.split("Commands:")[1].strip().splitlines()
    assert len(listed) == len(cli.commands)
    assert not any(line.rstrip().endswith("...") for line in listed)
    for name, command in cli.commands.items():
        assert "Example: caseaudit " + name in (command.help or ""), name


def test_every_command_is_in_the_readme() -> None:
    from .conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in cli.commands if f"`caseaudit {name}" not in readme]
    assert missing == []


@pytest.mark.parametrize("command", ["template", "extract", "generate", "ingest", "report",
                                     "collate", "history"])
def test_every_form_reading_command_takes_form(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0 and "--form FORM" in result.output


def test_template_with_the_bundled_form_by_name(tmp_path: Path) -> None:
    target = tmp_path / "blank.docx"
    result = CliRunner().invoke(cli, ["template", "-o", str(target), "--form",
                                      bundled_form().key])
    assert result.exit_code == 0, result.output
    assert zipfile.ZipFile(target).read("word/document.xml").count(b"<w:tag ") == 159


def test_extract_with_a_description_file(tmp_path: Path) -> None:
    """The form a file describes reads the forms, and names itself in the record."""
    description = tmp_path / "ours.json"
    renamed = dataclasses.replace(bundled_form(), name="our-audit", version="9")
    description.write_text(form_to_json(renamed), "utf-8")
    sample = ROOT / "samples" / "forms" / "01-clean-tagged.docx"
    result = CliRunner().invoke(cli, ["extract", "--form", str(description), str(sample)])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["template"] == {"name": "our-audit", "version": "9"}


def test_a_bad_form_is_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", "utf-8")
    for form in ("no-such-form", str(broken)):
        result = CliRunner().invoke(cli, ["template", "-o", str(tmp_path / "t.docx"),
                                          "--form", form])
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert result.output.startswith(f"caseaudit: {form}: ")
        assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "t.docx").exists()


@pytest.mark.parametrize("command", ["generate", "report", "collate"])
def test_help_lists_the_category_codes_and_date_writings(command: str) -> None:
    out = CliRunner().invoke(cli, [command, "--help"]).output
    assert "EH, CIN, CP, LAC" in " ".join(out.split()) and "12/03/2019" in out
    assert ("--header-row N" in out) == (command == "generate")
