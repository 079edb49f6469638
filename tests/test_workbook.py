"""The workbook: every sheet reloaded with openpyxl and checked against the records."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from caseaudit_docx.errors import OutputError, RegisterError
from caseaudit_docx.model.description import bundled_form
from caseaudit_docx.model.form import Report
from caseaudit_docx.model.record import FieldValue, Problem, Record
from caseaudit_docx.register.read import ReportFilter
from caseaudit_docx.register.store import Allocation, FileInfo, Register
from caseaudit_docx.report.cells import (
    EXCEL_MAX_CHARS,
    FALLBACK_FILLS,
    excel_text,
    grade_palette,
    look_of,
)
from caseaudit_docx.report.workbook import write_report

from .conftest import convert_to_pdf, pdf_text
from .records import make_record, random_record

FORM = bundled_form()
GRADES = FORM.kinds["grade"].values
REPORT_DATE = dt.date(2019, 7, 1)
LONG = "Long theme. " * 3500  # 42,000 characters
SHEETS = ["Summary", "Questions", "Completion", "Moderation", "Audits", "Scores", "Responses",
          "Actions", "Parents", "Commentary and themes", "Problems", "Fields"]


def _special_records() -> list[Record]:
    return [
        make_record("F-1", "Fay Formula", "2019-02-01", child_name="Poppy Example",
                    team="Blue Team", category=["CP"], overall__auditor="Good",
                    q1__notes="=SUM(A1:A9)", q2__notes="#N/A", q3__notes="a\x00b\x0bc\ufffed",
                    commentary__auditor="=1+1 is how Poppy put it", general_themes=LONG,
                    action1__action="Visit Poppy", action1__by_who="SW",
                    action1__by_when="2019-06-01", action2__action="Review",
                    action2__by_when="2019-08-01", moderation__change_grade="Yes, to Good",
                    q48__parent1=7, q48__parent2=FieldValue("eleven", None),
                    problems=(Problem("q48.parent2", "error", '"eleven" is not a rating'),)),
        make_record("E-2", "Emo Ji", "2019-02-02", general_themes="\U0001f600" * 20_000,
                    team="Green Team", category=FieldValue("N/A", "n/a"),
                    overall__auditor="Outstanding"),
    ]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("book")
    db = folder / "r.db"
    rng = random.Random(5)
    records = [random_record(rng, n) for n in range(40)] + _special_records()
    superseded = make_record("5003", "Auditor 3", records[3].value("audit_start_date"),
                             modified="2019-01-01T00:00:00Z", q1__score=1, salt="old")
    with Register.open(db) as register:
        with register.transaction():
            for record in records:
                register.add_record(record)
            register.add_record(superseded)  # an older revision: not current
            register.add_failure(FileInfo("returned/broken.docx", 10, "bad"),
                                 (Problem(None, "error", "not a Word document"),))
        register.add_allocations([
            Allocation("5001", "Auditor 1", records[1].value("audit_start_date"),
                       "5001.docx", "2019-03-01T09:00:00Z"),
            Allocation("5002", None, None, "5002.docx", "2019-03-01T09:00:00Z"),
            Allocation("9999", "Nobody", "2019-03-05", "9999.docx", "2019-06-01T09:00:00Z"),
        ])
    path = folder / "book.xlsx"
    summary = write_report(db, path, as_of=REPORT_DATE)
    return {"db": db, "path": path, "summary": summary, "records": records,
            "book": openpyxl.load_workbook(path), "folder": folder}


def table_ref(ws: Any, table: str) -> str:
    """The cells of a sheet's table (a defined name of the workbook), as "A1:G9"."""
    [(title, ref)] = list(ws.parent.defined_names[table].destinations)
    assert title == ws.title
    return ref.replace("$", "")


def rows(ws: Any, table: str) -> list[dict[str, Any]]:
    """The data rows of a table, as {heading: value}."""
    cells = [[c.value for c in row] for row in ws[table_ref(ws, table)]]
    return [dict(zip(cells[0], row)) for row in cells[1:] if any(v is not None for v in row)]


def by_case(records: list[Record]) -> dict[str, Record]:
    return {r.text("case_number"): r for r in records}


def bucket(value: Any) -> str:
    return value if value in GRADES or value == "n/a" else "not graded"


# -- structure ------------------------------------------------------------------------------------


def test_sheets_tables_filters_and_frozen_headers(built: dict[str, Any]) -> None:
    book = built["book"]
    assert book.sheetnames == SHEETS
    names = {n: list(d.destinations) for n, d in book.defined_names.items()}
    for ws in book.worksheets[1:]:  # the Summary is the briefing, a page of its own
        mine = [ref.replace("$", "") for dests in names.values() for t, ref in dests
                if t == ws.title]
        assert mine, ws.title
        assert ws.freeze_panes in ("A2", "C2"), ws.title
        assert ws.auto_filter.ref in mine, ws.title
        header = ws[ws.auto_filter.ref][0]
        assert all(c.value for c in header) and header[0].font.b, ws.title
    fields = rows(book["Fields"], "Fields")
    assert [r["id"] for r in fields] == list(FORM.field_ids)
    audits = book["Audits"]
    headings = [c.value for c in audits[1]]
    assert set(headings) - {"audit_id", "source_file", "saved_at", "revisions", "problems"} \
        <= set(FORM.field_ids)
    width = {c: audits.column_dimensions[openpyxl.utils.get_column_letter(i)].width
             for i, c in enumerate(headings, 1)}
    assert width["q39.notes"] >= 40 > width["audit_id"]
    long_note = next(c for c in audits[openpyxl.utils.get_column_letter(
        headings.index("q39.notes") + 1)] if isinstance(c.value, str) and len(c.value) > 60)
    assert long_note.alignment.wrap_text


def test_scores_have_a_1_to_5_colour_scale(built: dict[str, Any]) -> None:
    scores = built["book"]["Scores"]
    [(ranges, [rule])] = [(str(r.sqref), r.rules) for r in scores.conditional_formatting]
    headings = [c.value for c in scores[1]]
    first = openpyxl.utils.get_column_letter(headings.index("q1.score") + 1)
    last = openpyxl.utils.get_column_letter(len(headings))
    assert ranges == f"{first}2:{last}{scores.max_row}" and headings[-1] == "moderation.scaling"
    assert rule.type == "colorScale"
    assert [float(v.val) for v in rule.colorScale.cfvo] == [1, 3, 5]


def test_summary_is_the_briefing_with_its_charts(built: dict[str, Any]) -> None:
    with zipfile.ZipFile(built["path"]) as package:
        names = package.namelist()
        charts = [n for n in names if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
        assert charts and all(b"Summary!$" in package.read(c) for c in charts)
        assert b"drawing" in package.read("xl/worksheets/_rels/sheet1.xml.rels")
    summary = built["book"]["Summary"]
    text = " ".join(str(c.value) for row in summary.iter_rows() for c in row if c.value)
    assert FORM.title in text and "1 of" not in text[:0]


# -- values against the records -----------------------------------------------------------------


def test_audits_scores_and_responses_match_the_records(built: dict[str, Any]) -> None:
    records, book = by_case(built["records"]), built["book"]
    audits = {r["case_number"]: r for r in rows(book["Audits"], "Audits")}
    assert set(audits) == set(records)
    for case, record in records.items():
        row = audits[case]
        for fid in ("grade.plan", "overall.auditor", "q39.answer", "q41.auditor", "team"):
            assert row[fid] == record.value(fid), (case, fid)
        start = record.value("audit_start_date")
        assert row["audit_start_date"] == dt.datetime.fromisoformat(start)
        assert row["revisions"] == (2 if case == "5003" else 1)
    assert audits["F-1"]["problems"] == 1 and audits["5003"]["q39.answer"] == records[
        "5003"].value("q39.answer")

    scores = {r["case_number"]: r for r in rows(book["Scores"], "Scores")}
    score_ids = [f.id for f in FORM.fields if f.kind.name == "score"]
    assert all(scores[c][f] == records[c].value(f) for c in records for f in score_ids)
    assert scores["5003"]["q1.score"] == records["5003"].value("q1.score")  # not the older one

    responses = rows(book["Responses"], "Responses")
    answered = [(c, f) for c, r in records.items() for f, v in r.fields.items() if v.text]
    assert len(responses) == len(answered)
    sample = next(r for r in responses if r["case_number"] == "5007" and r["field_id"] == "team")
    assert sample["text"] == records["5007"].text("team")
    assert sample["value"] is None  # free text: its value is its text, not written twice
    assert sample["own_wording"] is None  # one form: the wording is the Fields sheet's
    assert list(sample) == ["audit_id", "case_number", "field_id", "own_wording", "text",
                            "value"]
    score = next(r for r in responses if r["field_id"].endswith(".score") and r["value"] != "n/a")
    assert score["value"] == records[score["case_number"]].value(score["field_id"])
    coded = [r for r in responses if r["value"] is not None and not isinstance(r["value"],
                                                                               dt.datetime)]
    for row in coded:  # the text is written where it is not exactly the value
        written = records[row["case_number"]].text(row["field_id"])
        assert row["text"] == (None if written == str(row["value"]) else written), row
    assert any(r["text"] is None for r in coded) and any(r["text"] for r in coded)


def test_actions_parents_commentary_problems(built: dict[str, Any]) -> None:
    records, book = by_case(built["records"]), built["book"]
    actions = rows(book["Actions"], "Actions")
    expected = sum(1 for r in records.values() for n in range(1, 11)
                   if any(r.text(f"action{n}.{p}") for p in ("action", "by_who", "by_when")))
    assert len(actions) == expected
    visit, review = (a for a in actions if a["case_number"] == "F-1")
    assert visit["by_when"] == dt.datetime(2019, 6, 1) and visit["status"] == "overdue"
    assert visit["days_overdue"] == 30 and visit["due_in_days"] is None
    assert (review["status"], review["due_in_days"], review["days_overdue"]) == ("due", 31, None)
    overdue = sum(1 for a in actions if isinstance(a["by_when"], dt.datetime)
                  and a["by_when"].date() < REPORT_DATE)
    assert sum(a["status"] == "overdue" for a in actions) == overdue

    parents = rows(book["Parents"], "Parents")
    assert {p["case_number"] for p in parents} == {
        c for c, r in records.items() if any(r.text(f.id) for f in FORM.fields
                                             if f.section == "parents")}
    commentary = {c["case_number"]: c for c in rows(book["Commentary and themes"], "Commentary")}
    assert commentary["5001"]["general_themes"] == records["5001"].text("general_themes")

    problems = rows(book["Problems"], "Problems")
    assert problems[0]["source_file"] == "returned/broken.docx"
    assert problems[0]["message"] == "not a Word document"
    assert any(p["case_number"] == "F-1" and p["field_id"] == "q48.parent2" for p in problems)


def test_completion_and_moderation(built: dict[str, Any]) -> None:
    records, book = built["records"], built["book"]
    completion = book["Completion"]
    totals = {r["measure"]: r["value"] for r in rows(completion, "Completion")}
    assert totals["allocated (caseaudit generate --db)"] == 3
    assert (totals["returned"], totals["not yet returned"]) == (2, 1)
    [outstanding] = rows(completion, "NotReturned")
    assert outstanding["case_number"] == "9999" and outstanding["days_since_allocation"] == 30
    answered = {r["case_number"]: r for r in rows(completion, "Answered")}
    f1 = answered["F-1"]
    assert f1["answered"] == 1 and "q1.score" in f1["unanswered"]
    assert f1["answered_share"] == pytest.approx(1 / f1["questions"])

    moderation = book["Moderation"]
    went = [r for r in records if any(r.text(f.id) for f in FORM.fields
                                      if f.section == "moderation")]
    totals = {r["measure"]: r["value"] for r in rows(moderation, "ModerationTotals")}
    assert totals["went to the moderation panel"] == len(went)
    changed = sum(1 for r in went if (r.text("moderation.change_grade") or "").startswith("Yes"))
    assert totals["panel changed the grade"] == changed


# -- cells that must stay what they are ---------------------------------------------------------


def test_formula_and_error_text_stays_text(built: dict[str, Any]) -> None:
    audits = built["book"]["Audits"]
    row = next(r for r in audits.iter_rows(min_row=2) if r[1].value == "F-1")
    responses = built["book"]["Responses"]
    cells = {r[2].value: r[4] for r in responses.iter_rows(min_row=2) if r[1].value == "F-1"}
    for fid, text in (("q1.notes", "=SUM(A1:A9)"), ("q2.notes", "#N/A")):
        assert cells[fid].value == text and cells[fid].data_type == "s"
        assert cells[fid].quotePrefix
    assert row[0].value and all(c.data_type != "f" for c in row)
    with zipfile.ZipFile(built["path"]) as package:
        for name in package.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert b"<f>" not in package.read(name) and b't="e"' not in package.read(name)


def test_illegal_characters_removed_and_long_text_cut_but_kept(built: dict[str, Any]) -> None:
    responses = built["book"]["Responses"]
    cells = {(r[1].value, r[2].value): r[4].value for r in responses.iter_rows(min_row=2)}
    assert cells[("F-1", "q3.notes")] == "abcd"
    cut = cells[("F-1", "general_themes")]
    assert len(cut) <= EXCEL_MAX_CHARS and cut.startswith(LONG[:1000])
    assert cut.endswith("[… cut here: 42,000 characters in all; the register holds the full text]")
    emoji = cells[("E-2", "general_themes")]
    assert len(emoji.encode("utf-16-le")) // 2 <= EXCEL_MAX_CHARS < 40_000
    with Register.open(built["db"]) as register:
        kept = register.conn.execute(
            "SELECT fv.text FROM field_values fv JOIN audits a ON a.current_revision_id ="
            " fv.revision_id WHERE a.case_text = 'F-1' AND fv.field_id = 'general_themes'"
        ).fetchone()[0]
    assert kept == LONG


@pytest.mark.parametrize("text", ["", "plain", "x" * EXCEL_MAX_CHARS, "\U0001f600" * 16383])
def test_excel_text_keeps_what_fits(text: str) -> None:
    assert excel_text(text) == text


def test_grades_coloured_and_dates_real(built: dict[str, Any]) -> None:
    audits = built["book"]["Audits"]
    headings = [c.value for c in audits[1]]
    column = headings.index("overall.auditor")
    colours = {}
    for row in audits.iter_rows(min_row=2):
        cell = row[column]
        if cell.value in GRADES:
            colours.setdefault(cell.value, set()).add(cell.fill.fgColor.rgb)
    assert {g: c.pop()[-6:] for g, c in colours.items() if len(c) == 1} == {
        "Inadequate": "FFC7CE", "Requires Improvement": "FFEB9C", "Good": "C6EFCE",
        "Outstanding": "00703C"}
    date = audits.cell(row=2, column=headings.index("audit_start_date") + 1)
    assert date.is_date and date.number_format == "dd/mm/yyyy"


# -- options -------------------------------------------------------------------------------------


def test_redact_leaves_child_names_out(built: dict[str, Any]) -> None:
    path = built["folder"] / "redacted.xlsx"
    write_report(built["db"], path, redact=True, as_of=REPORT_DATE)
    book = openpyxl.load_workbook(path)
    assert "child_name" not in [c.value for c in book["Audits"][1]]
    names = {r.text("child_name") for r in built["records"]} - {None}
    assert "Poppy Example" in names and len(names) > 40
    found = [c.value for ws in book for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and any(part in c.value for n in names
                                                 for part in (n, *n.split()))]
    assert found == []
    [f1] = [r for r in rows(book["Commentary and themes"], "Commentary")
            if r["case_number"] == "F-1"]
    assert f1["commentary.auditor"] == "=1+1 is how [child] put it"
    plain = built["book"]
    assert any(c.value == "Poppy Example" for c in plain["Audits"]["C"])


@pytest.mark.parametrize("filters, pick", [
    (ReportFilter(team="blue team"), lambda r: r.text("team") == "Blue Team"),
    (ReportFilter(category="lac"), lambda r: "LAC" in (r.value("category") or [])),
    (ReportFilter("2019-03-01", "2019-05-31"),
     lambda r: "2019-03-01" <= (r.value("audit_start_date") or "") <= "2019-05-31"),
])
def test_filters(built: dict[str, Any], filters: ReportFilter, pick: Any) -> None:
    path = built["folder"] / "filtered.xlsx"
    write_report(built["db"], path, filters=filters, as_of=REPORT_DATE, force=True)
    audits = rows(openpyxl.load_workbook(path)["Audits"], "Audits")
    assert sorted(a["case_number"] for a in audits) == sorted(
        r.text("case_number") for r in built["records"] if pick(r))


def test_responses_continue_past_the_row_limit(built: dict[str, Any]) -> None:
    path = built["folder"] / "continued.xlsx"
    summary = write_report(built["db"], path, as_of=REPORT_DATE, max_rows=1000)
    book = openpyxl.load_workbook(path)
    parts = [n for n in book.sheetnames if n.startswith("Responses")]
    assert parts == ["Responses", *(f"Responses {n}" for n in range(2, len(parts) + 1))]
    assert book.sheetnames.index("Responses") == 6 and summary.responses_sheets == tuple(parts)
    assert all(book[p].max_row <= 1000 for p in parts)
    total = sum(len(rows(book[p], p.replace(" ", ""))) for p in parts)
    assert total == len(rows(built["book"]["Responses"], "Responses"))
    text = " ".join(str(c.value) for row in book["Summary"].iter_rows() for c in row if c.value)
    assert "continues on Responses 2" in text


def test_output_errors(built: dict[str, Any], tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="already exists"):
        write_report(built["db"], built["path"])
    with pytest.raises(OutputError, match=r"must end in \.xlsx"):
        write_report(built["db"], tmp_path / "book.xls")
    with pytest.raises(RegisterError, match="run caseaudit ingest first"):
        write_report(tmp_path / "none.db", tmp_path / "book.xlsx")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.soffice
def test_libreoffice_opens_the_workbook(built: dict[str, Any]) -> None:
    text = pdf_text(convert_to_pdf(built["path"], built["folder"]))
    assert "Good or better" in text and "Poppy Example" in text and "q41.auditor" in text


# -- the form decides -----------------------------------------------------------------------------


def test_grade_colours_come_from_the_grade_kind() -> None:
    kind = FORM.kind_of(FORM.roles.overall)
    palette = grade_palette(kind)
    assert list(palette) == list(kind.values)
    assert [look.fill for look in palette.values()] == [o.colour for o in kind.options]
    darkest = palette[kind.values[-1]]
    assert (darkest.font, darkest.bold) == ("FFFFFF", True)
    five = tuple(dataclasses.replace(kind.options[0], value=f"grade {n}", colour=None)
                 for n in range(5))
    fills = [look.fill for look in grade_palette(dataclasses.replace(kind, options=five)).values()]
    assert fills[0] == FALLBACK_FILLS[0] and fills[-1] == FALLBACK_FILLS[-1] and len(fills) == 5
    assert look_of("#ffffff").font == "000000" and grade_palette(None) == {}


def test_a_form_with_a_small_report_part(tmp_path: Path) -> None:
    """A form that asks for little gets a workbook of little: no actions, panel or pairs."""
    small = dataclasses.replace(FORM, report=Report(audit_columns=(FORM.roles.case,)))
    db = tmp_path / "r.db"
    with Register.open(db) as register:
        register.add_record(make_record("1001", overall__auditor=GRADES[-1]))
    path = tmp_path / "small.xlsx"
    assert write_report(db, path, form=small, as_of=REPORT_DATE).audits == 1
    book = openpyxl.load_workbook(path)
    assert "Actions" not in book.sheetnames
    assert [c.value for c in book["Audits"][1]][:2] == ["audit_id", FORM.roles.case]
    moderation = {r["measure"]: r["value"] for r in rows(book["Moderation"], "ModerationTotals")}
    assert moderation["went to the moderation panel"] == 0
