"""The briefing as one HTML page: self-contained (no scripts, no URLs), names escaped, written
0600 by ``caseaudit report --html``, and, in a real headless chromium, a screenshot and at
most two A4 pages when printed."""

from __future__ import annotations

import os
import re
import stat
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from markupsafe import Markup, escape

from caseaudit_docx.cli import cli
from caseaudit_docx.model.form import Form
from caseaudit_docx.register.read import ReportFilter
from caseaudit_docx.report.html import css_string, render_html, write_html_report

from .briefing_cases import Audit, forms, make_register
from .conftest import chromium_or_skip
from .test_briefing import D, _audits, briefing_of

FORMS = forms()
IDS = [f.key for f in FORMS]
HOSTILE = '<script>alert("x")</script><img src="http://evil.example/x.png">'


def _many() -> list[Audit]:
    return [Audit(f"C-{i:03d}", f"Team {i % 5}", D(2023 + i % 2, 1 + i % 12, 1 + i % 27),
                  grade=i % 4, own=(i + i // 7) % 4, score=i % 4) for i in range(120)]


@pytest.mark.parametrize("form", FORMS, ids=IDS)
def test_the_page_has_no_script_and_no_url_and_escapes_names(form: Form,
                                                             tmp_path: Path) -> None:
    audits = _audits()
    audits[0].team = HOSTILE
    page = render_html(briefing_of(tmp_path, form, audits))
    assert "<script" not in page.lower()
    assert "&lt;script&gt;" in page
    assert "<img" not in page and "&lt;img src=" in page
    (tmp_path / "plain").mkdir()
    plain = render_html(briefing_of(tmp_path / "plain", form))
    assert not re.search(r"https?:|//[a-z]", plain)  # nothing to fetch, not even a namespace
    assert "<link" not in plain and "@import" not in plain and "url(" not in plain


@pytest.mark.parametrize("form", FORMS, ids=IDS)
def test_the_page_shows_the_briefing_in_the_forms_words(form: Form, tmp_path: Path) -> None:
    briefing = briefing_of(tmp_path, form)
    page = render_html(briefing)
    assert briefing.title in page and briefing.marking in page
    assert briefing.positive_label in page
    for grade in briefing.grades:
        assert grade.name in page and grade.colour in page
    for q in briefing.questions:
        assert str(escape(q.question)) in page
    assert "too few to compare" in page
    assert "<circle" in page and "<polyline" not in page  # markers; straight segments
    ids = [f for f in form.field_ids if "." in f]
    assert not any(f">{fid}<" in page for fid in ids)


def test_the_cli_writes_the_page_0600_and_needs_an_output(tmp_path: Path) -> None:
    db = make_register(tmp_path / "r.db", FORMS[0], _audits())
    runner = CliRunner()
    none = runner.invoke(cli, ["report", "--db", str(db)])
    assert none.exit_code == 2 and "--html" in none.output
    page = tmp_path / "briefing.html"
    result = runner.invoke(cli, ["report", "--db", str(db), "--html", str(page),
                                 "--marking", "OFFICIAL"])
    assert result.exit_code == 0, result.output
    assert "briefing of 10 audits" in result.output
    assert stat.S_IMODE(page.stat().st_mode) == 0o600
    assert "OFFICIAL" in page.read_text()
    again = runner.invoke(cli, ["report", "--db", str(db), "--html", str(page)])
    assert again.exit_code == 1 and "already exists" in again.output
    wrong = runner.invoke(cli, ["report", "--db", str(db), "--html", str(tmp_path / "b.htm")])
    assert wrong.exit_code == 1 and ".html" in wrong.output


def test_the_second_form_writes_its_own_page(tmp_path: Path) -> None:
    form = FORMS[1]
    db = make_register(tmp_path / "r.db", form, _audits())
    page = tmp_path / "b.html"
    summary = write_html_report(db, page, form=form, as_of=D(2025, 1, 1))
    assert summary.audits == 10
    text = page.read_text()
    assert form.title in text
    assert not set(FORMS[0].section_titles.values()) & set(re.findall(r">([^<]+)<", text))


def _run_chromium(args: list[str], tmp_path: Path) -> None:
    browser = chromium_or_skip()
    profile = tmp_path / "profile"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", f"--user-data-dir={profile}", *args],
                   check=True, capture_output=True, timeout=180,
                   env={**os.environ, "HOME": str(tmp_path)})


@pytest.mark.chromium
@pytest.mark.parametrize("form", FORMS, ids=IDS)
def test_chromium_prints_the_page_on_two_a4_pages_at_most(form: Form, tmp_path: Path) -> None:
    page = tmp_path / "briefing.html"
    page.write_text(render_html(briefing_of(tmp_path, form, _many())), encoding="utf-8")
    pdf, shot = tmp_path / "briefing.pdf", tmp_path / "briefing.png"
    _run_chromium(["--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()], tmp_path)
    _run_chromium(["--window-size=900,1200", f"--screenshot={shot}", page.as_uri()], tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,
                          text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert 1 <= pages <= 2
    assert re.search(r"Page size:.*\(A4\)", info)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


def test_a_filter_that_matches_nothing_writes_no_page(tmp_path: Path) -> None:
    db = make_register(tmp_path / "r.db", FORMS[0], _audits())
    page = tmp_path / "b.html"
    result = CliRunner().invoke(cli, ["report", "--db", str(db), "--html", str(page),
                                      "--team", "Nobody Here"])
    assert result.exit_code != 0 and "North Team" in result.output
    assert not page.exists()


MARKING = "Children & Families' \"Team\" \\ OFFICIAL\n} body { display: none } </style><b>x"


def _css_unescaped(text: str) -> str:
    """A CSS string's escapes read back as CSS reads them ("\\26 " is "&")."""
    return re.sub(r"\\([0-9A-Fa-f]{1,6}) ?", lambda m: chr(int(m.group(1), 16)), text)


@pytest.mark.parametrize("form", FORMS, ids=IDS)
def test_the_print_header_and_footer_are_css_strings_of_the_exact_text(
        form: Form, tmp_path: Path) -> None:
    """Inside <style> HTML escaping is not undone, so the marking goes in as CSS escapes:
    nothing in it can end the string or the style sheet, and it prints as typed."""
    from caseaudit_docx.register.store import Register
    from caseaudit_docx.report.html import read_briefing

    db = make_register(tmp_path / "r.db", form, _audits())
    with Register.open(db, create=False) as register:
        briefing = read_briefing(register, [form], ReportFilter(), redact=False,
                                 as_of=D(2025, 1, 1), marking=MARKING)
    page = render_html(briefing)
    style = page[page.index("<style>") + 7:page.index("</style>")]
    assert "&amp;" not in style and "&#39;" not in style and "<" not in style
    contents = re.findall(r'content: "([^"\n]*)";', style)
    assert [_css_unescaped(c) for c in contents if "counter" not in c] == [
        briefing.title, MARKING]
    assert style.count("}") == style.count("{")  # nothing broke out of its block
    assert "display: none" not in style


def test_css_string_escapes_all_but_letters_and_digits() -> None:
    assert css_string("A&1") == "A\\26 1"
    assert css_string('"\n') == "\\22 \\A "
    assert css_string("é") == "\\E9 "
    assert css_string("Children & Families'") == Markup(css_string("Children & Families'"))


@pytest.mark.chromium
@pytest.mark.parametrize("form", FORMS, ids=IDS)
def test_chromium_prints_the_marking_as_typed_on_every_page(form: Form, tmp_path: Path) -> None:
    from caseaudit_docx.register.store import Register
    from caseaudit_docx.report.html import read_briefing

    marking = "Children & Families' OFFICIAL"
    db = make_register(tmp_path / "r.db", form, _many())
    with Register.open(db, create=False) as register:
        briefing = read_briefing(register, [form], ReportFilter(), redact=False,
                                 as_of=D(2025, 1, 1), marking=marking)
    page, pdf = tmp_path / "briefing.html", tmp_path / "briefing.pdf"
    page.write_text(render_html(briefing), encoding="utf-8")
    _run_chromium(["--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()], tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,
                          text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    lines = text.splitlines()
    assert lines.count(marking) == 2 + pages  # the page's own two, and each page's footer
    assert lines.count(briefing.title) >= pages  # each page's header
    assert "&amp;" not in text and "&#39;" not in text
