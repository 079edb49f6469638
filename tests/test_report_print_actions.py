"""Print setup, workbook properties, where actions stand (``as_of``) and ``--redact``'s names,
on two forms: the bundled v3.2 and tests/forms/other-council-1.0.json."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from caseaudit_docx.model.description import bundled_form, load_form
from caseaudit_docx.model.form import Form
from caseaudit_docx.model.record import FieldValue, Record, Source
from caseaudit_docx.register.actions import mark_done
from caseaudit_docx.register.store import Register
from caseaudit_docx.report.workbook import write_report

from .conftest import OTHER_FORM
from .test_workbook import rows

ROOT = Path(__file__).resolve().parent.parent
V32 = bundled_form()
OTHER = load_form(OTHER_FORM)
AS_OF = dt.date(2020, 5, 10)
FORMS = pytest.mark.parametrize("form", [V32, OTHER], ids=["v3.2", "other-council"])


def record_of(form: Form, case: str, **values: Any) -> Record:
    """A record of ``form`` with ``values`` by field id (its text is the value's str)."""
    fields = {fid: FieldValue(None, None) for fid in form.field_ids}
    values.setdefault(form.roles.case, case)
    for fid, value in values.items():
        assert fid in fields, fid
        fields[fid] = value if isinstance(value, FieldValue) else FieldValue(str(value), value)
    digest = hashlib.sha256(repr(sorted((k, v.text) for k, v in fields.items())).encode())
    return Record(Source(f"returned/{case}.docx", digest.hexdigest(), 100), fields,
                  template_name=form.name, template_version=form.version)


def action_ids(form: Form) -> list[dict[str, str]]:
    """Per action row of the form's first group: its part name -> field id."""
    group = form.report.groups[0]
    found: list[dict[str, str]] = []
    for table in form.tables:
        if table.section == group.section:
            found += [{a.field.rsplit(".", 1)[-1]: a.field for a in row.answers}
                      for row in table.rows if row.answers]
    return found


def build(form: Form, folder: Path, **options: Any) -> tuple[Path, Any]:
    """A register of audits with five actions between them: due on the as-of day, overdue by
    one day, undated, unreadable ("tbc") and done; its workbook, reloaded."""
    parts = action_ids(form)
    due = form.report.groups[0].due
    first = next(p for p in parts[0] if p != due)
    targets: list[Any] = [AS_OF, AS_OF - dt.timedelta(days=1), None,
                          FieldValue("tbc", None), AS_OF - dt.timedelta(days=40)]
    db = folder / "r.db"
    done: tuple[str, int] = ("", 0)
    with Register.open(db) as register:
        for audit in range(0, len(targets), len(parts)):
            case = f"C-{audit + 1}"
            values: dict[str, Any] = {}
            for number, target in enumerate(targets[audit:audit + len(parts)], 1):
                ids = parts[number - 1]
                values[ids[first]] = f"Action {audit + number}"
                done = (case, number)
                if target is not None:
                    values[ids[due]] = target if isinstance(target, FieldValue) else \
                        FieldValue(target.strftime("%d/%m/%Y"), target.isoformat())
            if form.roles.start_date:
                values[form.roles.start_date] = FieldValue("01/04/2020", "2020-04-01")
            register.add_record(record_of(form, case, **values), form=form)
    mark_done(db, done[0], done[1], on=dt.date(2020, 5, 1), form=form)
    path = folder / "book.xlsx"
    write_report(db, path, form=form, as_of=AS_OF, **options)
    return path, openpyxl.load_workbook(path)


@FORMS
def test_every_sheet_prints_with_title_marking_and_page_numbers(form: Form, tmp_path: Path
                                                                ) -> None:
    _path, book = build(form, tmp_path, marking="OFFICIAL")
    assert book.sheetnames[0] == "Summary"
    wide: dict[str, int] = {}
    for ws in book.worksheets:
        assert ws.page_setup.paperSize in (9, "9"), ws.title
        if ws.title != "Summary":  # the briefing sets its own scale (two pages at most)
            assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
            wide[ws.title] = int(ws.page_setup.fitToWidth or 1)  # None: 1, the default
            assert str(ws.page_setup.fitToHeight) == "0", ws.title
        footer = (ws.oddFooter.left.text or "") + (ws.oddFooter.right.text or "")
        assert "&P" in footer and "&N" in footer and "OFFICIAL" in footer, ws.title
        header = (ws.oddHeader.left.text or "") + (ws.oddHeader.center.text or "")
        assert form.title in header, ws.title
        if ws.title != "Summary":
            assert ws.print_title_rows.replace("$", "") == "1:1", ws.title
            assert ws.page_setup.orientation in ("landscape", "portrait"), ws.title
    assert book["Audits"].page_setup.orientation == "landscape"
    # one page wide, unless that would print below half size (v3.2's 45 audit columns)
    assert wide["Fields"] == wide["Responses"] == 1 and (wide["Audits"] > 1) == (form is V32)
    props = book.properties
    assert props.creator == "caseaudit" and props.lastModifiedBy == "caseaudit"
    assert form.title in (props.title or "") and "OFFICIAL" in (props.description or "")


@FORMS
def test_the_default_marking_is_official_sensitive(form: Form, tmp_path: Path) -> None:
    _path, book = build(form, tmp_path)
    assert "OFFICIAL-SENSITIVE" in book["Responses"].oddFooter.right.text


@FORMS
def test_actions_stand_as_of_the_date(form: Form, tmp_path: Path) -> None:
    _path, book = build(form, tmp_path)
    sheet = next(ws for ws in book.worksheets if "status" in [c.value for c in ws[1]])
    stem = next(c.value[:-3] for c in sheet[1] if str(c.value).endswith("_no"))
    first = next(p for p in action_ids(form)[0] if p != form.report.groups[0].due)
    found = {int(r[first].split()[-1]): r for r in rows(sheet, sheet.title.replace(" ", ""))}
    assert all(r[f"{stem}_no"] for r in found.values())
    got = {n: (r["status"], r["days_overdue"], r["due_in_days"]) for n, r in found.items()}
    assert got == {1: ("due", None, 0), 2: ("overdue", 1, None), 3: ("no target date", None, None),
                   4: ("target date unreadable", None, None), 5: ("done", None, None)}
    assert found[5]["done_on"] == dt.datetime(2020, 5, 1)
    due = form.report.groups[0].due
    assert found[4][due] == "tbc"  # kept as typed
    [rule] = [r for cf in sheet.conditional_formatting for r in cf.rules]
    assert rule.type == "expression" and '"overdue"' in rule.formula[0]


def _duplicate_warnings(form: Form, tmp_path: Path, *, redact: bool = False,
                        file_name: str = "returned/D-1.docx") -> list[str]:
    """The Problems sheet's duplicate warnings for two audits of case D-1 a day apart by two
    auditors, filed from ``file_name`` (the auditor's name inserted before ".docx")."""
    db = tmp_path / "r.db"
    roles = form.roles
    with Register.open(db) as register:
        for auditor, day in (("Ann Auditor", "2020-04-01"), ("Bob Auditor", "2020-04-02")):
            values: dict[str, Any] = {roles.auditor: auditor,
                                      roles.start_date: FieldValue(day, day)}
            record = record_of(form, "D-1", **values)
            named = Source(file_name.replace(".docx", f" {auditor}.docx"),
                           record.source.sha256, 100)
            register.add_record(Record(named, record.fields, template_name=form.name,
                                       template_version=form.version), form=form)
    path = tmp_path / f"book-{redact}.xlsx"
    write_report(db, path, form=form, as_of=AS_OF, redact=redact)
    problems = rows(openpyxl.load_workbook(path)["Problems"], "Problems")
    return [p["message"] for p in problems
            if "duplicate" in (p["message"] or "") and p["level"] == "warning"]


@FORMS
def test_possible_duplicates_are_warnings_under_problems(form: Form, tmp_path: Path) -> None:
    [warning] = _duplicate_warnings(form, tmp_path)
    assert "Ann Auditor" in warning and "Bob Auditor" in warning


@FORMS
@pytest.mark.parametrize("redact", [False, True])
def test_a_redacted_report_names_possible_duplicates_by_audit_id_not_by_file(
        form: Form, tmp_path: Path, redact: bool) -> None:
    """File names often carry the child's name: --redact keeps them out of the warning."""
    [warning] = _duplicate_warnings(form, tmp_path, redact=redact,
                                    file_name="returned/D-1 Mia Fictional.docx")
    assert ("Mia Fictional" in warning) is not redact
    assert ("audit_id" in warning) is redact
