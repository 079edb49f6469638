"""`caseaudit action done/undone`: actions recorded as done, kept through new revisions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from caseaudit_docx.cli import cli
from caseaudit_docx.errors import InputError
from caseaudit_docx.generate.generate import generate_forms
from caseaudit_docx.model.description import load_form
from caseaudit_docx.register.actions import mark_done, numbered_rows
from caseaudit_docx.register.ingest import ingest
from caseaudit_docx.register.read import actions_done
from caseaudit_docx.register.store import Register
from samples import wordfill

from .conftest import OTHER_FORM, ROOT
from .records import FORM, make_record

OTHER_PATH = OTHER_FORM
OTHER = load_form(OTHER_PATH)


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "r.db"
    with Register.open(path) as register:
        register.add_record(make_record("CA-1", action1__action="Visit the school",
                                        action2__action="Review the plan", salt="a"))
        register.add_record(make_record("CA-2", "Jo Example", "2024-03-01", salt="b",
                                        action1__action="Call the GP"))
        register.add_record(make_record("CA-2", "Sam Other", "2024-05-01", salt="c",
                                        action1__action="Call the GP"))
    return path


def _done(db: Path) -> dict[tuple[int, int], Any]:
    with Register.open(db) as register:
        return actions_done(register)


def test_an_action_is_recorded_done_and_undone(db: Path) -> None:
    result = run("action", "done", "CA-1", "2", "--on", "12/04/2024", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert result.stdout == ("action 2 of CA-1 (auditor Alex Auditor, start 2019-03-12) "
                             "recorded as done on 12/04/2024\n")
    [(key, done)] = _done(db).items()
    assert key[1] == 2 and done.on == dt.date(2024, 4, 12) and done.recorded_at.endswith("Z")
    today = run("action", "done", "CA-1", "1", "--db", str(db))
    assert today.exit_code == 0 and _done(db)[(key[0], 1)].on == dt.date.today()
    undone = run("action", "undone", "CA-1", "2", "--db", str(db))
    assert undone.exit_code == 0 and "no longer recorded as done" in undone.stdout
    assert set(_done(db)) == {(key[0], 1)}
    again = run("action", "undone", "CA-1", "2", "--db", str(db))
    assert again.exit_code == 0 and "nothing to undo" in again.stdout


def test_a_done_action_survives_a_new_revision_and_a_reingest(db: Path) -> None:
    assert run("action", "done", "CA-1", "1", "--db", str(db)).exit_code == 0
    with Register.open(db) as register:
        register.add_record(make_record("CA-1", action1__action="Visit the school",
                                        action2__action="Review the plan", q1__score=5,
                                        modified="2030-01-01T00:00:00Z", salt="new"))
        register.add_record(make_record("CA-1", action1__action="Visit the school",
                                        action2__action="Review the plan", salt="a"))
        assert len(actions_done(register)) == 1


@pytest.mark.parametrize(("args", "message"), [
    (("CA-9", "1"), "no audit with case number 'CA-9' in the register"),
    (("CA-1", "11"), "no action 11 on form case-audit-3.2 (its actions are numbered 1 to 10)"),
    (("CA-1", "3"), "action 3 of CA-1 (auditor Alex Auditor, start 2019-03-12) is blank"),
    (("CA-2", "1"), "case number 'CA-2' has 2 current audits (auditor Jo Example, start "
                    "2024-03-01; auditor Sam Other, start 2024-05-01); choose one with "
                    "--auditor or --start"),
    (("CA-2", "1", "--auditor", "Nobody"), "no audit of case number 'CA-2' with auditor "
                                           "'Nobody'"),
])
def test_errors_are_one_line(db: Path, args: tuple[str, ...], message: str) -> None:
    result = run("action", "done", *args, "--db", str(db))
    assert result.exit_code == 1
    assert message in result.stderr and len(result.stderr.splitlines()) == 1


def test_several_audits_are_told_apart_by_auditor_or_start(db: Path) -> None:
    by_auditor = run("action", "done", "CA-2", "1", "--auditor", "sam other", "--db", str(db))
    assert by_auditor.exit_code == 0 and "Sam Other" in by_auditor.stdout
    by_start = run("action", "done", "CA-2", "1", "--start", "01/03/2024", "--db", str(db))
    assert by_start.exit_code == 0 and "Jo Example" in by_start.stdout
    assert len(_done(db)) == 2


def test_usage_errors_exit_2(db: Path) -> None:
    assert run("action", "done", "CA-1", "0", "--db", str(db)).exit_code == 2
    assert run("action", "done", "CA-1", "1", "--on", "next week", "--db", str(db)).exit_code == 2
    missing = run("action", "done", "CA-1", "1", "--db", str(db.parent / "none.db"))
    assert missing.exit_code == 1 and "no register here" in missing.stderr


def test_actions_are_numbered_by_the_forms_rows() -> None:
    [group] = FORM.report.groups
    rows = numbered_rows(FORM, group)
    assert [n for n, _ in rows] == list(range(1, 11))
    assert rows[2][1][0] == "action3.action"
    [other_group] = OTHER.report.groups
    assert [n for n, _ in numbered_rows(OTHER, other_group)][:2] == [1, 2]


def test_another_forms_actions(tmp_path: Path) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text("Case reference,Reviewer,Date of review\nNB-1,Jo Reviewer,01/03/2024\n",
                     encoding="utf-8")
    [generated] = generate_forms(cases, tmp_path / "out", form=OTHER).forms
    [group] = OTHER.report.groups
    first_action = numbered_rows(OTHER, group)[0][1][0]
    filled = tmp_path / "filled.docx"
    filled.write_bytes(wordfill.fill_form(generated.path.read_bytes(),
                                          {first_action: "Call the school"}, form=OTHER))
    db = tmp_path / "r.db"
    ingest([filled], db, form=OTHER, workers=1)
    done = run("action", "done", "NB-1", "1", "--form", str(OTHER_PATH), "--db", str(db))
    assert done.exit_code == 0, done.output
    with pytest.raises(InputError, match=r"action 2 of NB-1 .* is blank"):
        mark_done(db, "NB-1", 2, form=OTHER)


V32_CASES = "Case number,Child's name,Audit start date\nCA-1,Alex Example,01/03/2024\n"
OTHER_CASES = "Case reference,Reviewer,Date of review\nNB-1,Jo Reviewer,01/03/2024\n"


@pytest.mark.parametrize("form", [FORM, OTHER], ids=["v3.2", "other"])
def test_a_row_added_beyond_the_forms_actions_can_be_done(tmp_path: Path, form: Any) -> None:
    """An auditor adds a row after the form's last action (sample 12's eleventh): the Actions
    sheet lists it by its number, so it can be recorded as done like the form's own."""
    cases = tmp_path / "cases.csv"
    cases.write_text(V32_CASES if form is FORM else OTHER_CASES, encoding="utf-8")
    settings = {"auditor": "Jo Example"} if form is FORM else {}
    [generated] = generate_forms(cases, tmp_path / "out", settings=settings, form=form).forms
    [group] = form.report.groups
    rows = numbered_rows(form, group)
    last_key = [row.key for table in form.tables if table.section == group.section
                for row in table.rows if row.answers][-1]
    added = rows[-1][0] + 1
    filled = tmp_path / "filled.docx"
    filled.write_bytes(wordfill.fill_form(
        generated.path.read_bytes(), {rows[0][1][0]: "Call the school"},
        form=None if form is FORM else form,
        edits=(wordfill.add_row_after(last_key, [f"{added}.", "Visit the family",
                                                 "Team manager", "01/06/2024"]),)))
    db = tmp_path / "r.db"
    ingest([filled], db, form=form, workers=1)
    case = "CA-1" if form is FORM else "NB-1"
    args = ("--form", str(OTHER_PATH)) if form is OTHER else ()
    done = run("action", "done", case, str(added), "--on", "02/06/2024", *args, "--db", str(db))
    assert done.exit_code == 0, done.output
    assert f"action {added} of {case}" in done.stdout
    assert [(n, d.on) for (_a, n), d in _done(db).items()] == [(added, dt.date(2024, 6, 2))]
    with pytest.raises(InputError, match=(
            rf"no action {added + 1} on form {form.key} \(its actions are numbered "
            rf"{rows[0][0]} to {rows[-1][0]}; {case}'s form adds {added}\)")):
        mark_done(db, case, added + 1, form=form)


def test_sample_12s_eleventh_action_can_be_done(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    ingest([ROOT / "samples" / "forms" / "12-eleven-actions.docx"], db, workers=1)
    done = run("action", "done", "CA-10243", "11", "--db", str(db))
    assert done.exit_code == 0, done.output
    assert [n for _a, n in _done(db)] == [11]


def test_an_action_cannot_be_recorded_done_on_a_day_still_to_come(db: Path) -> None:
    import datetime as dt

    tomorrow = (dt.date.today() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    result = run("action", "done", "CA-1", "1", "--on", tomorrow, "--db", str(db))
    assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1
    assert f"--on {tomorrow} is after today" in result.stderr
    assert _done(db) == {}
    today = dt.date.today().strftime("%d/%m/%Y")
    assert run("action", "done", "CA-1", "1", "--on", today, "--db", str(db)).exit_code == 0
