"""Report filters that match nothing are errors naming what the register holds; --from after
--to is a usage error. Run through the commands (report and collate) on two forms."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from caseaudit_docx.cli import cli
from caseaudit_docx.errors import FilterUsageError, NoAuditsMatchError
from caseaudit_docx.generate.generate import generate_forms
from caseaudit_docx.model.description import load_form
from caseaudit_docx.register.read import ReportFilter, current_audit_ids
from caseaudit_docx.register.store import Register

from .conftest import OTHER_FORM, ROOT
from .records import make_record

SAMPLES = ROOT / "samples" / "forms"
OTHER_PATH = OTHER_FORM


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def samples_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("filters") / "audits.db"
    assert run("ingest", str(SAMPLES), "--db", str(db)).exit_code == 0
    return db


def test_a_team_that_matches_nothing_names_the_teams(samples_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "book.xlsx"
    result = run("report", "-o", str(out), "--db", str(samples_db), "--team", "Leaving Care")
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("caseaudit: no audits match --team 'Leaving Care'; teams in the "
                           "register: ")
    with Register.open(samples_db) as register:
        teams = {t for (t,) in register.conn.execute(
            "SELECT DISTINCT fv.text FROM audits a JOIN field_values fv ON fv.revision_id ="
            " a.current_revision_id AND fv.field_id = 'team' WHERE fv.text IS NOT NULL")}
    assert teams and all(repr(" ".join(t.split())) in line for t in teams)
    assert "categories: " in line and "audit start dates 2019-" in line
    assert not out.exists()


def test_dates_and_a_category_that_match_nothing(samples_db: Path, tmp_path: Path) -> None:
    out = str(tmp_path / "book.xlsx")
    late = run("report", "-o", out, "--db", str(samples_db), "--from", "2030-01-01")
    assert late.exit_code == 1 and "no audits match --from 2030-01-01;" in late.stderr
    both = run("report", "-o", out, "--db", str(samples_db), "--team", "Blue Team",
               "--category", "EH", "--to", "2000-01-01")
    assert both.exit_code == 1
    assert "no audits match --to 2000-01-01 --team 'Blue Team' --category 'EH'" in both.stderr


@pytest.mark.parametrize("command", ["report", "collate"])
def test_from_after_to_is_a_usage_error(samples_db: Path, tmp_path: Path, command: str) -> None:
    source = ["--db", str(samples_db)] if command == "report" else [str(SAMPLES)]
    result = run(command, *source, "-o", str(tmp_path / "b.xlsx"), "--from", "2019-06-01",
                 "--to", "01/04/2019")
    assert result.exit_code == 2
    assert "Usage: " in result.stderr and "Try '" in result.stderr
    assert "Error: --from 2019-06-01 is after --to 2019-04-01" in result.stderr
    assert not (tmp_path / "b.xlsx").exists()


def test_collate_with_a_filter_that_matches_nothing(tmp_path: Path) -> None:
    result = run("collate", str(SAMPLES), "-o", str(tmp_path / "b.xlsx"), "--team", "Nobody")
    assert result.exit_code == 1
    assert "no audits match --team 'Nobody'; teams in the register: " in result.stderr


def test_no_filter_on_an_empty_register_is_an_empty_report(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    Register.open(db).close()
    assert run("report", "-o", str(tmp_path / "b.xlsx"), "--db", str(db)).exit_code == 0
    filtered = run("report", "-o", str(tmp_path / "c.xlsx"), "--db", str(db), "--team", "X")
    assert filtered.exit_code == 1
    assert "no audits match --team 'X': the register holds no audits" in filtered.stderr


def test_another_form_filters_by_its_own_roles(tmp_path: Path) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text("Case reference,Team,Reviewer,Date of review\n"
                     "NB-1,East,Jo Reviewer,01/03/2024\nNB-2,West,Jo Reviewer,05/04/2024\n",
                     encoding="utf-8")
    generate_forms(cases, tmp_path / "forms", form=load_form(OTHER_PATH))
    book = str(tmp_path / "b.xlsx")
    kept = run("collate", str(tmp_path / "forms"), "--form", str(OTHER_PATH), "-o", book,
               "--team", "east")
    assert kept.exit_code == 0, kept.stderr
    none = run("collate", str(tmp_path / "forms"), "--form", str(OTHER_PATH), "-o",
               str(tmp_path / "c.xlsx"), "--team", "North")
    assert none.exit_code == 1
    assert ("no audits match --team 'North'; teams in the register: 'East', 'West'; "
            "categories: (none); audit start dates 2024-03-01 to 2024-04-05") in none.stderr


def test_the_library_raises_our_errors(tmp_path: Path) -> None:
    with pytest.raises(FilterUsageError):
        ReportFilter("2019-06-01", "2019-04-01").check()
    with Register.open(tmp_path / "r.db") as register:
        register.add_record(make_record("CA-1", team="Blue Team"))
        assert current_audit_ids(register)  # no filter: every audit
        with pytest.raises(NoAuditsMatchError, match="teams in the register: 'Blue Team'"):
            current_audit_ids(register, ReportFilter(team="Red Team"))


def test_collate_warns_of_possible_duplicates(tmp_path: Path) -> None:
    """Two forms generated for one audit (two form ids) are two audits, and collate says so."""
    cases = tmp_path / "cases.csv"
    cases.write_text("Case number,Child's name,Auditor,Audit start date\n"
                     "CA-1,Alex Example,Jo Example,01/03/2024\n", encoding="utf-8")
    for name in ("a", "b"):
        generate_forms(cases, tmp_path / "forms" / name)
    result = run("collate", str(tmp_path / "forms"), "-o", str(tmp_path / "b.xlsx"))
    assert result.exit_code == 0, result.stderr
    [line] = [x for x in result.stderr.splitlines() if "possible duplicate" in x]
    assert line.startswith("caseaudit: warning: possible duplicate audits: CA-1 (auditor Jo "
                           "Example, start 01/03/2024, ")
    assert line.endswith("the same case and child, started the same day")
