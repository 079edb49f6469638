"""The Summary sheet as written by write_briefing_sheet in a constant_memory workbook, read
back with openpyxl and from the chart XML in the zip: plain-English labels, ranking order,
counts, quarters and their marking, chart series options, page setup; and, rendered by
LibreOffice, at most two A4 pages."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from markupsafe import escape
from openpyxl import load_workbook

from caseaudit_docx.model.form import Form
from caseaudit_docx.report import briefing_sheet
from caseaudit_docx.report.briefing import Briefing, Share
from caseaudit_docx.report.briefing_sheet import (
    QUESTIONS_SHEET,
    SUMMARY_QUESTIONS,
    band_of,
    print_scale,
    write_briefing_sheet,
    write_questions_sheet,
)

from .briefing_cases import forms
from .conftest import convert_to_pdf, pdf_text
from .test_briefing import briefing_of

FORMS = forms()
IDS = [f.key for f in FORMS]


def _book(path: Path, briefing: Briefing, *, questions: bool = True) -> Path:
    """The Summary (and the Questions sheet after it, unless not ``questions``: a
    rendering of the Summary alone)."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Summary")
    ranking = book.add_worksheet(QUESTIONS_SHEET) if questions else None
    write_briefing_sheet(book, sheet, briefing)
    if ranking is not None:
        write_questions_sheet(book, ranking, briefing)
    book.close()
    return path


def _texts(path: Path) -> list[str]:
    ws = load_workbook(path)["Summary"]
    return [str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None]


def _charts(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return [archive.read(n).decode() for n in sorted(archive.namelist())
                if n.startswith("xl/charts/chart")]


@pytest.fixture(params=FORMS, ids=IDS)
def written(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Form, Briefing, Path]:
    form: Form = request.param
    briefing = briefing_of(tmp_path, form)
    return form, briefing, _book(tmp_path / "summary.xlsx", briefing)


def test_labels_are_the_forms_words_never_field_ids(written: tuple[Form, Briefing, Path]
                                                    ) -> None:
    form, briefing, path = written
    texts = _texts(path)
    assert texts[0] == briefing.title and form.title in texts[0]
    ids = set(form.field_ids)
    assert not ids & set(texts)
    assert not any(re.search(r"\b[a-z]+\.[a-z_]+\b", t) and t.split()[0] in ids for t in texts)
    for section in form.sections:
        if section.grade_field:
            assert section.title in texts
    assert "Forms outstanding" in texts and briefing.marking in texts


@pytest.mark.parametrize("limit", [SUMMARY_QUESTIONS, 2])
def test_the_summary_lists_the_weakest_questions_and_says_where_the_rest_are(
        written: tuple[Form, Briefing, Path], limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    _form, briefing, path = written
    if limit >= len(briefing.questions):
        pytest.skip("the form has too few questions for this limit")  # the second form's 3
    monkeypatch.setattr(briefing_sheet, "SUMMARY_QUESTIONS", limit)
    path = _book(path.with_name("limited.xlsx"), briefing)
    ws = load_workbook(path)["Summary"]
    rows = [r for r in ws.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r[0] == "Question (section)")
    note = rows[start - 1][0]
    found = re.fullmatch(r"The (\d+) weakest of (\d+); every question on the (\w+) sheet\.",
                         str(note))
    assert found, note
    shown = int(found.group(1))
    assert (int(found.group(2)), found.group(3)) == (len(briefing.questions), QUESTIONS_SHEET)
    assert min(limit, 5) <= shown <= limit  # as many as the page holds, up to the limit
    weakest = briefing.questions[:shown]
    listed = [r for r in rows[start + 1:start + 1 + len(briefing.questions)]]
    assert [r[0] for r in listed[:len(weakest)]] == [f"{q.question} ({q.section})"
                                                     for q in weakest]
    assert not any(r[0] for r in listed[len(weakest):len(weakest) + 1]
                   if r[6] is not None)  # the list stops there
    averages = [r[6] for r in listed[:len(weakest)]]
    assert averages == sorted(averages)
    assert [r[8] for r in listed[:len(weakest)]] == [q.answered for q in weakest]


def test_every_question_is_ranked_on_the_questions_sheet_after_the_summary(
        written: tuple[Form, Briefing, Path]) -> None:
    _form, briefing, path = written
    book = load_workbook(path)
    assert book.sheetnames[:2] == ["Summary", QUESTIONS_SHEET]
    ws = book[QUESTIONS_SHEET]
    rows = list(ws.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r[0] == "rank")
    listed = rows[head + 1:]
    assert [(r[0], r[1], r[2], r[5]) for r in listed] == [
        (rank, q.question, q.section, q.answered) for rank, q in enumerate(briefing.questions, 1)]
    assert [r[3] for r in listed] == sorted(r[3] for r in listed)
    assert ws.print_title_rows == f"${head + 1}:${head + 1}"  # the heading on every page
    assert ws.page_setup.paperSize == 9 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert briefing.marking in ws.oddFooter.right.text


def test_the_summary_prints_fit_to_its_width_at_a_readable_scale(
        written: tuple[Form, Briefing, Path]) -> None:
    """Both pages fit at the scale the width needs (>= 70%), so no smaller scale is set."""
    _form, _briefing, path = written
    ws = load_workbook(path)["Summary"]
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (1, 0)
    pixels = sum(round(d.width * 7) * (d.max - d.min + 1)  # XlsxWriter adds 5 px as 0.71
                 for d in ws.column_dimensions.values() if d.max <= 9)
    assert (8.27 - 1.0) * 72 / (pixels * 0.75) >= 0.7


def test_quarters_with_too_few_audits_are_marked_and_left_blank(
        written: tuple[Form, Briefing, Path]) -> None:
    _form, briefing, path = written
    rows = list(load_workbook(path)["Summary"].iter_rows(values_only=True))
    by_label = {r[0]: r for r in rows if isinstance(r[0], str) and r[0].endswith(")")
                and r[0][:3] in ("Jan", "Apr", "Jul", "Oct")}
    assert list(by_label) == [f"{q.label} ({q.audits})" for q in briefing.quarters]
    first = by_label["Jan-Mar 2024 (6)"]
    assert first[1:5] == (6, 4, 6, pytest.approx(4 / 6))
    assert by_label["Apr-Jun 2024 (1)"][4] is None
    assert by_label["Apr-Jun 2024 (1)"][5] == "too few to compare"


def test_charts_are_straight_labelled_and_in_grade_order(written: tuple[Form, Briefing, Path]
                                                        ) -> None:
    _form, briefing, path = written
    charts = _charts(path)
    line = [c for c in charts if "<c:lineChart>" in c]
    assert len(line) == 1
    assert '<c:smooth val="1"/>' not in line[0]
    assert "<c:marker><c:symbol val=\"circle\"/>" in line[0]
    assert "<c:tickLblSkip val=\"1\"/>" in line[0]
    colours = [g.colour for g in briefing.grades]
    bars = [c for c in charts if "<c:barChart>" in c]
    for chart in bars:
        found = re.findall(r'<a:srgbClr val="([0-9A-F]{6})"/>', chart)
        in_order = [c for c in found if c in colours]
        assert list(dict.fromkeys(in_order)) == colours  # worst to best, every chart
        assert "<c:tickLblSkip val=\"1\"/>" in chart
        assert "<c:showVal val=\"1\"/>" in chart  # counts on the bars
    titles = [re.findall(r"<a:t>([^<]*)</a:t>", c)[0] for c in charts]
    assert any(f"{briefing.overall.graded} audits graded" in t for t in titles
               if briefing.overall)


def test_page_setup_prints_on_two_a4_pages_at_most(written: tuple[Form, Briefing, Path]
                                                  ) -> None:
    _form, briefing, path = written
    ws = load_workbook(path)["Summary"]
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "portrait"
    fit = ws.sheet_properties.pageSetUpPr
    if fit is not None and fit.fitToPage:
        assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (1, 0)  # 1: default
    else:
        assert 10 <= int(ws.page_setup.scale) <= 100
    assert len(ws.row_breaks.brk) == 1
    assert ws.print_area
    assert briefing.title in ws.oddHeader.center.text
    assert "&P" in ws.oddFooter.left.text and briefing.marking in ws.oddFooter.right.text


def test_the_print_scale_fits_width_and_each_page() -> None:
    assert print_scale([10.0] * 3, [100.0]) is None  # fits: the width decides
    assert print_scale([200.0], [100.0]) is None  # too wide only: fit to the width
    tall = print_scale([10.0], [3000.0])  # too tall: shrunk to the taller page
    assert tall is not None and tall < 25
    assert print_scale([150.0], [1400.0]) == int(100 * (8.27 - 1) * 72 * 0.95
                                                 / (1055 * 0.75) / 1.4)
    assert [band_of(s, 3) for s in (0, 0.32, 0.34, 0.66, 0.67, 1)] == [0, 0, 1, 1, 2, 2]


def test_a_hostile_team_name_is_text(tmp_path: Path) -> None:
    from .briefing_cases import Audit
    from .test_briefing import D

    audits = [Audit("C-1", "=HYPERLINK(\"http://x\")", D(2024, 1, 1), grade=2)]
    path = _book(tmp_path / "s.xlsx", briefing_of(tmp_path, FORMS[0], audits))
    ws = load_workbook(path)["Summary"]
    cells: list[Any] = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert not any(c.data_type == "f" for c in cells)


@pytest.mark.soffice
@pytest.mark.parametrize("form", FORMS, ids=IDS)
def test_libreoffice_prints_the_summary_on_two_pages_at_most(form: Form, tmp_path: Path) -> None:
    from .briefing_cases import Audit
    from .test_briefing import D

    many = [Audit(f"C-{i:03d}", f"Team {i % 5}", D(2023 + i % 2, 1 + i % 12, 1 + i % 27),
                  grade=i % 4, own=(i + i // 7) % 4, score=i % 4) for i in range(120)]
    path = _book(tmp_path / "summary.xlsx", briefing_of(tmp_path, form, many), questions=False)
    pdf = convert_to_pdf(path, tmp_path)
    pages = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,
                           text=True).stdout
    count = int(re.search(r"Pages:\s+(\d+)", pages).group(1))  # type: ignore[union-attr]
    assert 1 <= count <= 2


def _many() -> list[Any]:
    from .briefing_cases import Audit
    from .test_briefing import D

    return [Audit(f"C-{i:03d}", f"Team {i % 5}", D(2023 + i % 2, 1 + i % 12, 1 + i % 27),
                  grade=i % 4, own=(i + i // 7) % 4, score=i % 4) for i in range(120)]


@pytest.mark.soffice
@pytest.mark.parametrize("form", FORMS, ids=IDS)
def test_libreoffice_labels_every_bar_of_the_section_chart(form: Form, tmp_path: Path) -> None:
    """Each section's name is printed once more than the sheet's cells hold it: the chart's
    own label, which LibreOffice leaves out when the bars are packed too close."""
    briefing = briefing_of(tmp_path, form, _many())
    if not briefing.sections:  # the second form grades no sections: nine made-up ones
        grades = len(briefing.grades)
        briefing = dataclasses.replace(briefing, team_rows=(), sections=tuple(
            Share(f"Practice area {i}", 0, 0, tuple((i + g) % 5 for g in range(grades)))
            for i in range(1, 10)))
    assert len(briefing.sections) == 9
    path = _book(tmp_path / "summary.xlsx", briefing, questions=False)
    cells = " | ".join(" ".join(t.split()) for t in _texts(path))
    text = " ".join(pdf_text(convert_to_pdf(path, tmp_path)).split())
    for label in briefing.section_labels:
        label = " ".join(label.split())
        assert text.count(label) == cells.count(label) + 1, label


@pytest.mark.parametrize("form", FORMS, ids=IDS)
def test_a_long_marking_keeps_the_footer(form: Form, tmp_path: Path) -> None:
    """Excel's limit of 255 characters a header: the marking is cut to fit, never dropped
    (XlsxWriter would warn and leave the whole footer out)."""
    marking = "OFFICIAL-SENSITIVE & PERSONAL " * 10  # 300 characters, "&" doubled in a footer
    briefing = dataclasses.replace(briefing_of(tmp_path, form), marking=marking)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = _book(tmp_path / "summary.xlsx", briefing)
    book = load_workbook(path)
    for name in ("Summary", QUESTIONS_SHEET):
        footer = book[name].oddFooter
        assert "&P" in footer.left.text
        assert footer.right.text and marking.startswith(footer.right.text.replace("&&", "&")[:60])


@pytest.mark.parametrize("form", FORMS, ids=IDS)
def test_more_teams_than_columns_point_to_the_html_table_by_its_heading(
        form: Form, tmp_path: Path) -> None:
    from caseaudit_docx.report.html import render_html

    from .briefing_cases import Audit
    from .test_briefing import D

    audits = [Audit(f"C-{i:03d}", f"Team {i:02d}", D(2024, 1, 1 + i), grade=i % 4)
              for i in range(11)]
    briefing = briefing_of(tmp_path, form, audits)
    texts = _texts(_book(tmp_path / "summary.xlsx", briefing))
    [note] = [t for t in texts if t.startswith("3 more teams")]
    heading = f"{briefing.positive_label} by team"
    assert f'"{heading}"' in note
    assert f"<h2>{escape(heading)}</h2>" in render_html(briefing)
