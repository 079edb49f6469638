"""The ``caseaudit`` command: help, the template command, one-line errors."""

from __future__ import annotations

import zipfile

from click.testing import CliRunner

from caseaudit_docx.cli import cli


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
