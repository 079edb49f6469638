"""``caseaudit report``'s two outputs as one job, and the marking checked where a report starts;
on two forms (v3.2 and tests/forms/other-council-1.0.json)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from caseaudit_docx.cli import cli
from caseaudit_docx.errors import InputError, OutputError
from caseaudit_docx.model.form import Form
from caseaudit_docx.report.marking import MARKING_MAX, check_marking
from caseaudit_docx.report.outputs import write_outputs

from .briefing_cases import Audit, forms, make_register
from .conftest import OTHER_FORM

FORMS = pytest.mark.parametrize("form", forms(), ids=["v3.2", "other-council"])


def _register(tmp_path: Path, form: Form) -> Path:
    audits = [Audit(f"C-{n}", "East", dt.date(2020, 1, 10 + n), grade=n % 3) for n in range(3)]
    return make_register(tmp_path / "r.db", form, audits)


@FORMS
def test_a_page_that_cannot_be_written_stops_the_run_before_the_workbook(
        tmp_path: Path, form: Form) -> None:
    db = _register(tmp_path, form)
    page = tmp_path / "briefing.html"
    page.write_text("an earlier page")
    book = tmp_path / "book.xlsx"
    args = ["report", "--db", str(db), "--form", form.name if form.name == "case-audit-3.2"
            else str(OTHER_FORM)]
    result = CliRunner().invoke(cli, [*args, "-o", str(book), "--html", str(page)])
    assert result.exit_code == 1
    assert "briefing.html" in result.output and "already exists" in result.output
    assert not book.exists() and page.read_text() == "an earlier page"
    page.unlink()
    result = CliRunner().invoke(cli, [*args, "-o", str(book), "--html", str(page)])
    assert result.exit_code == 0, result.output
    assert book.exists() and page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@FORMS
def test_a_wrong_page_name_is_refused_before_anything_is_written(tmp_path: Path,
                                                                   form: Form) -> None:
    db = _register(tmp_path, form)
    with pytest.raises(OutputError, match=r"must end in \.html"):
        write_outputs(db, workbook=tmp_path / "book.xlsx", html=tmp_path / "page.txt",
                      forms=[form])
    assert list(tmp_path.iterdir()) == [db]


@FORMS
@pytest.mark.parametrize("marking", ["OFFICIAL\nSENSITIVE", "x" * (MARKING_MAX + 1), "  "])
def test_a_marking_that_cannot_be_printed_is_one_line_and_nothing_is_written(
        tmp_path: Path, form: Form, marking: str) -> None:
    db = _register(tmp_path, form)
    book, page = tmp_path / "book.xlsx", tmp_path / "page.html"
    with pytest.raises(InputError, match="--marking"):
        write_outputs(db, workbook=book, html=page, forms=[form], marking=marking)
    assert not book.exists() and not page.exists()


@given(st.text(min_size=1, max_size=MARKING_MAX).filter(lambda t: t.strip()))
def test_a_marking_is_kept_exactly_when_it_is_one_printable_line(text: str) -> None:
    if text.strip().isprintable():
        assert check_marking(text) == text.strip()
    else:
        with pytest.raises(InputError):
            check_marking(text)


@FORMS
def test_the_page_made_with_the_workbook_is_the_page_made_alone(tmp_path: Path,
                                                                 form: Form) -> None:
    """Asked for both, the page comes from the workbook's pass over the register: the same
    page, without the workbook's own notes."""
    db = _register(tmp_path, form)
    day = dt.date(2020, 6, 1)
    lines = write_outputs(db, workbook=tmp_path / "book.xlsx", html=tmp_path / "both.html",
                          forms=[form], as_of=day)
    assert len(lines) == 2 and lines[1].startswith(f"Wrote {tmp_path / 'both.html'}")
    write_outputs(db, html=tmp_path / "alone.html", forms=[form], as_of=day)
    assert (tmp_path / "both.html").read_text("utf-8") == (tmp_path / "alone.html").read_text(
        "utf-8")
    assert (tmp_path / "both.html").stat().st_mode & 0o777 == 0o600
