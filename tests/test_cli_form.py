"""``caseaudit form``: learn, show, list and check form descriptions."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from caseaudit_docx.cli import cli
from caseaudit_docx.model.description import (
    bundled_form,
    bundled_form_names,
    form_to_json,
    load_form,
)

from .conftest import ROOT

UNTAGGED = ROOT / "caseaudit_docx" / "templates" / "case-audit-3.2-untagged.docx"
TEMPLATE_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
DOCUMENT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def learned(tmp_path: Path, *extra: str) -> Path:
    target = tmp_path / "learned.json"
    code, _out, err = run("form", "learn", UNTAGGED, "-o", target, *extra)
    assert code == 0, err
    return target


# -- form learn ------------------------------------------------------------------------------


def test_learn_based_on_the_bundled_form_gives_it_back(tmp_path: Path) -> None:
    target = tmp_path / "mine.json"
    code, out, err = run("form", "learn", UNTAGGED, "-o", target, "--based-on", "case-audit-3.2")
    assert code == 0, err
    assert target.read_text("utf-8").rstrip("\n") == form_to_json(bundled_form()).rstrip("\n")
    assert out.startswith(f"Learned case-audit-3.2 ({bundled_form().title}): "
                          f"{len(bundled_form().sections)} sections, ")
    assert sum("sections" in line for line in out.splitlines()) == 1  # one count, the final
    assert out.splitlines()[-1] == (f"Review {target}, then check it with: "
                                    f"caseaudit form check {target} {UNTAGGED}")
    assert not list(tmp_path.glob(".caseaudit-*"))  # the temporary file is gone


def test_learn_based_on_a_description_file(tmp_path: Path) -> None:
    earlier = tmp_path / "earlier.json"
    earlier.write_text(form_to_json(bundled_form()), "utf-8")
    target = learned(tmp_path, "--based-on", str(earlier), "--version", "3.3")
    form = load_form(target)
    assert form.version == "3.3" and form.field_ids == bundled_form().field_ids


def test_learn_on_its_own_prints_a_summary_and_the_notes(tmp_path: Path) -> None:
    target = tmp_path / "mine.json"
    code, out, err = run("form", "learn", UNTAGGED, "-o", target, "--name", "ours")
    assert code == 0, err
    lines = out.splitlines()
    form = load_form(target)
    assert form.name == "ours" and len(form.fields) == 170
    summary = re.fullmatch(r"Learned ours-\S+ \(.+\): (\d+) sections, (\d+) questions, "
                           r"(\d+) fields: (.+)", lines[0])
    assert summary is not None, lines[0]
    assert int(summary[1]) == len(form.sections) and int(summary[3]) == 170
    by_kind = dict(reversed(part.split(" ")) for part in summary[4].split(", "))
    assert sum(int(n) for n in by_kind.values()) == 170
    assert int(by_kind["text"]) == sum(f.kind.name == "text" for f in form.fields)
    assert list(by_kind) == sorted(by_kind, key=lambda k: -int(by_kind[k]))  # most first
    notes = lines[1:-1]
    assert any("could not be told" in note for note in notes)
    assert lines[-1].startswith(f"Review {target}, then check it with: caseaudit form check ")


def test_learn_refuses_to_replace_a_file_without_force(tmp_path: Path) -> None:
    target = tmp_path / "mine.json"
    target.write_text("keep me", "utf-8")
    code, out, err = run("form", "learn", UNTAGGED, "-o", target)
    assert code == 1 and out == ""
    assert err.splitlines() == [f"caseaudit: {target}: already exists (use --force to replace it)"]
    assert target.read_text("utf-8") == "keep me"
    code, _out, err = run("form", "learn", UNTAGGED, "-o", target, "--force")
    assert code == 0, err
    assert len(load_form(target).fields) == 170


@pytest.mark.parametrize(("name", "content", "why"), [
    ("x.docx", b"just some text\n", "is not a Word .docx document"),
    ("x.txt", b"just some text\n", "give a Word document (.docx) or template (.dotx, .dotm)"),
    ("x.dotx", b"just some text\n", "is not a Word .docx document"),
])
def test_a_bad_blank_is_one_line(tmp_path: Path, name: str, content: bytes, why: str) -> None:
    blank = tmp_path / name
    blank.write_bytes(content)
    target = tmp_path / "mine.json"
    code, _out, err = run("form", "learn", blank, "-o", target)
    assert code == 1
    assert len(err.strip().splitlines()) == 1
    assert err.startswith(f"caseaudit: {blank}: ") and why in err
    assert not target.exists()


def test_learn_wants_a_json_output(tmp_path: Path) -> None:
    code, _out, err = run("form", "learn", UNTAGGED, "-o", tmp_path / "mine.txt")
    assert code == 1 and ".json" in err and not (tmp_path / "mine.txt").exists()


def test_learn_a_word_template(tmp_path: Path) -> None:
    """A .dotx is the same package with its main part declared a template."""
    dotx = tmp_path / "blank.dotx"
    with zipfile.ZipFile(UNTAGGED) as source, zipfile.ZipFile(dotx, "w") as copy:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                assert DOCUMENT_MAIN.encode() in data
                data = data.replace(DOCUMENT_MAIN.encode(), TEMPLATE_MAIN.encode())
            copy.writestr(info, data)
    target = tmp_path / "mine.json"
    code, _out, err = run("form", "learn", dotx, "-o", target, "--based-on", "case-audit-3.2")
    assert code == 0, err
    assert load_form(target) == bundled_form()


# -- form show -------------------------------------------------------------------------------


def test_show_table_lists_every_field_aligned() -> None:
    code, out, err = run("form", "show")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["id", "kind", "section", "question", "column", "choices"]
    assert len(lines) == 1 + len(bundled_form().fields)
    starts = [lines[0].index(h) for h in ("kind", "section", "question")]
    score = next(line for line in lines if line.startswith("q1.score "))
    assert [score[start:].split(" ")[0] for start in starts] == ["score", "narrative", "Q1."]
    assert all(score[start - 2:start] == "  " for start in starts)
    assert score.rstrip().endswith("1/2/3/4/5")


def test_show_json_of_a_description_file(tmp_path: Path) -> None:
    code, out, err = run("form", "show", learned(tmp_path, "--based-on", "case-audit-3.2"),
                         "--format", "json")
    assert code == 0, err
    fields = json.loads(out)
    form = bundled_form()
    assert [f["id"] for f in fields] == list(form.field_ids)
    for row in fields:
        assert {"id", "kind", "section", "question", "column", "choices"} <= set(row)
    by_id = {f["id"]: f for f in fields}
    assert by_id["q1.score"]["kind"] == "score"
    assert by_id["q1.score"]["choices"] == ["1", "2", "3", "4", "5"]
    assert by_id["q1.score"]["question"].startswith("Q1. Does the case file tell the story")
    assert by_id["q1.score"]["column"] == form.field("q1.score").column
    assert by_id["case_number"] == {**by_id["case_number"], "question": "Case Number",
                                    "column": "Case Number", "choices": []}


def test_show_an_unknown_form_is_one_line() -> None:
    code, _out, err = run("form", "show", "no-such-form")
    assert code == 1 and err.startswith("caseaudit: no-such-form: ")
    assert len(err.strip().splitlines()) == 1


# -- form list -------------------------------------------------------------------------------


def test_list_starts_each_line_with_a_name_form_accepts() -> None:
    code, out, err = run("form", "list")
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == len(bundled_form_names())
    for line in lines:
        form = load_form(line.split()[0])
        assert form.title in line and f"{len(form.fields)} fields" in line


# -- form check ------------------------------------------------------------------------------


def test_check_a_valid_description(tmp_path: Path) -> None:
    target = learned(tmp_path)
    code, out, err = run("form", "check", target)
    assert code == 0, err
    code, out, err = run("form", "check", target, UNTAGGED)
    assert code == 0, out + err
    assert out.splitlines() == [f"{target} matches {UNTAGGED}"]


def test_check_a_duplicate_id_names_where(tmp_path: Path) -> None:
    data = json.loads(form_to_json(bundled_form()))
    cells = data["blocks"][1]["rows"][1]["cells"]
    assert cells[0]["field"] == "case_number"
    cells[1]["field"] = "case_number"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data), "utf-8")
    code, _out, err = run("form", "check", broken, UNTAGGED)
    assert code == 1
    assert err.startswith(f"caseaudit: {broken}: blocks[1].rows[1].cells[1]"), err
    assert "case_number" in err and len(err.strip().splitlines()) == 1


def test_check_an_unknown_kind_names_where(tmp_path: Path) -> None:
    text = form_to_json(bundled_form())
    assert '"kind": "score"' in text
    broken = tmp_path / "broken.json"
    broken.write_text(text.replace('"kind": "score"', '"kind": "scroe"', 1), "utf-8")
    code, _out, err = run("form", "check", broken)
    assert code == 1 and re.match(rf"caseaudit: {re.escape(str(broken))}: blocks\[\d+\]", err)
    assert "scroe" in err


def test_check_an_edited_blank_lists_the_change(tmp_path: Path) -> None:
    document = docx.Document(str(UNTAGGED))
    cell = next(c for t in document.tables for r in t.rows for c in r.cells
                if c.text.startswith("Q2. Is there evidence"))
    paragraph = cell.paragraphs[0]
    for run_ in paragraph.runs[1:]:
        run_.text = ""
    paragraph.runs[0].text = "Q2. Is the case summary on record complete and current?"
    edited = tmp_path / "edited.docx"
    document.save(str(edited))
    description = tmp_path / "form.json"
    description.write_text(form_to_json(bundled_form()), "utf-8")
    code, out, err = run("form", "check", description, edited)
    assert code == 1
    assert out.splitlines() and all(line.startswith(f"{edited}: ") for line in out.splitlines())
    assert any("row 'q2'" in line and "Q2. Is there evidence" in line
               for line in out.splitlines()), out
    assert "'Q2. Is the case summary on record complete and current?'" in out
    assert err.splitlines() == [f"{description} does not match {edited}: "
                                f"{len(out.splitlines())} difference(s)"]


def test_every_form_command_has_an_example_and_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    group = cli.commands["form"]
    assert isinstance(group, type(cli)) or hasattr(group, "commands")
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert f"Example: caseaudit form {name}" in (command.help or ""), name
        assert f"`caseaudit form {name}" in readme, name


def test_write_new_file_never_replaces_without_force(tmp_path: Path) -> None:
    from caseaudit_docx.errors import OutputError
    from caseaudit_docx.learn.commands import write_new_file

    target = tmp_path / "form.json"
    target.write_text("keep me", "utf-8")
    with pytest.raises(OutputError, match="already exists"):
        write_new_file(target, "{}", force=False)
    assert target.read_text("utf-8") == "keep me"
    write_new_file(target, "{}", force=True)
    assert target.read_text("utf-8") == "{}\n"
    assert [p.name for p in tmp_path.iterdir()] == ["form.json"]
