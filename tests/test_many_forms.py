"""Every version of a form in one register: each return read by the version it fits, and one
workbook that lines their fields up by id.

The second version is built here from the bundled v3.2 description, as a council revises its
form: Q2 is dropped, Q3 and Q4 become "Q2." and "Q3." (their field ids stay, so their answers
stay in their columns), a new question "Q4." with a field id of its own is added, and the
title and version say 3.3. Blanks of both are built untagged (the council's own copies) and
filled the way Word fills them.
"""

from __future__ import annotations

import json
import sqlite3
from importlib import resources
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from caseaudit_docx.errors import NotAFormError
from caseaudit_docx.extract.choose import choose, extract_best_file, fits
from caseaudit_docx.extract.extract import extract_file
from caseaudit_docx.generate.template import build_template
from caseaudit_docx.model.description import bundled_form, form_from_json, form_to_json, load_form
from caseaudit_docx.model.form import Form
from caseaudit_docx.oxml.package import read_package
from caseaudit_docx.oxml.text import read_document
from caseaudit_docx.register.ingest import ingest
from caseaudit_docx.report.collate import collate
from caseaudit_docx.report.layout import merge_forms
from caseaudit_docx.report.workbook import write_report
from samples.wordfill import fill_form

from .conftest import OTHER_FORM
from .test_workbook import rows

V32 = bundled_form()
OTHER = OTHER_FORM
TITLE_33 = "Case audit template (3.3 adjusted 2021)"
NEW_QUESTION = "Q4. Is there an up to date genogram on file?"


def revision_data() -> dict[str, Any]:
    """The bundled v3.2 description revised into 3.3."""
    text = (resources.files("caseaudit_docx.model") / "forms" / "case-audit-3.2.json"
            ).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    data.update(version="3.3", title=TITLE_33)
    for block in data["blocks"]:
        if block.get("style") == "title":
            block["paragraph"] = TITLE_33
    narrative = next(b for b in data["blocks"] if b.get("table") == "narrative")
    rows_ = [r for r in narrative["rows"] if r["key"] != "q2"]
    for row in rows_:
        if row["key"] in ("q3", "q4"):
            number = "Q2." if row["key"] == "q3" else "Q3."
            row["label"] = f"{number} {row['label'].split(' ', 1)[1]}"
            row["cells"][0]["label"] = [row["label"]]
    after_q4 = next(i for i, r in enumerate(rows_) if r["key"] == "q4") + 1
    rows_.insert(after_q4, {
        "key": "genogram", "label": NEW_QUESTION,
        "cells": [{"label": [NEW_QUESTION]},
                  {"field": "genogram.notes", "kind": "text", "alias": "Genogram notes"},
                  {"field": "genogram.score", "kind": "score", "alias": "Genogram score"}]})
    narrative["rows"] = rows_
    return data


@pytest.fixture(scope="module")
def v33() -> Form:
    return form_from_json(json.dumps(revision_data()), where="case-audit-3.3.json")


def _answers(case: str, version: str) -> dict[str, str]:
    answers = {"case_number": case, "auditor": "Jo Auditor", "audit_start_date": "12/03/2021",
               "team": "Blue Team", "q1.score": "4", "q3.score": "2",
               "q3.notes": f"Chronology of {case}", "grade.narrative": "Good",
               "overall.auditor": "Good"}
    if version == "3.2":
        answers.update({"q2.score": "3", "q2.notes": "Summary on file"})
    else:
        answers.update({"genogram.score": "5", "genogram.notes": "Genogram drawn"})
    return answers


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory, v33: Form) -> Path:
    """Two returns of each version, mixed in one folder."""
    out = tmp_path_factory.mktemp("returned")
    blanks = {"3.2": (V32, build_template(tagged=False, council=None, form=V32)),
              "3.3": (v33, build_template(tagged=False, council=None, form=v33))}
    for case, version in (("A-1", "3.2"), ("B-2", "3.3"), ("C-3", "3.2"), ("D-4", "3.3")):
        form, blank = blanks[version]
        (out / f"{case}.docx").write_bytes(fill_form(blank, _answers(case, version), form=form))
    return out


@pytest.fixture(scope="module")
def stray(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The blank of a form of another council: fits neither version."""
    path = tmp_path_factory.mktemp("stray") / "other.docx"
    path.write_bytes(build_template(tagged=False, form=load_form(OTHER)))
    return path


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory, folder: Path, v33: Form) -> Path:
    db = tmp_path_factory.mktemp("db") / "register.db"
    summary = ingest([folder], db, forms=[V32, v33], workers=2, chunk_size=1)  # the pool
    assert (summary.new, summary.failed) == (4, 0), summary.failures
    return db


def _revisions(db: Path) -> dict[str, tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return {case: (name, version) for case, name, version in conn.execute(
            "SELECT a.case_text, r.template_name, r.template_version FROM audits a"
            " JOIN revisions r ON r.id = a.current_revision_id")}


# -- choosing ----------------------------------------------------------------------------------


def test_the_revision_differs_as_described(v33: Form) -> None:
    assert v33.key == "case-audit-3.3" and v33.title == TITLE_33
    assert "q2.score" not in v33.by_id and v33.field("genogram.score").question == NEW_QUESTION
    assert v33.field("q3.score").question.startswith("Q2. Is the chronology")
    assert set(V32.field_ids) - set(v33.field_ids) == {"q2.notes", "q2.score"}


def test_each_return_is_read_by_its_own_version(folder: Path, v33: Form) -> None:
    for case, version in (("A-1", "3.2"), ("B-2", "3.3")):
        record = extract_best_file(folder / f"{case}.docx", [V32, v33])
        assert record.template_version == version
        assert extract_file(folder / f"{case}.docx", forms=[v33, V32]).template_version == \
            version  # whichever order they are given in
    later = extract_best_file(folder / "B-2.docx", [V32, v33])
    assert later.value("genogram.score") == 5 and later.value("q3.score") == 2
    assert "q2.score" not in later.fields and not later.extras


def test_layout_alone_cannot_tell_the_versions_apart_the_title_does(folder: Path,
                                                                   v33: Form) -> None:
    view = read_document(read_package(folder / "B-2.docx"))
    old, new = fits(view, [V32, v33])
    assert old.fits and new.fits and old.layout >= 0.9  # rows are found by their numbers
    assert new.title == 1.0 > old.title and new.version and not old.version
    assert new.score > old.score


def test_a_tie_goes_to_the_form_given_first(folder: Path) -> None:
    twin = form_from_json(form_to_json(V32).replace('"name": "case-audit"',
                                                    '"name": "case-audit-twin"'))
    assert twin.name == "case-audit-twin"
    view = read_document(read_package(folder / "A-1.docx"))
    assert choose(view, [twin, V32])[0] is twin
    assert choose(view, [V32, twin])[0] is V32


def test_a_document_that_fits_none_names_the_closest(stray: Path, v33: Form) -> None:
    with pytest.raises(NotAFormError) as caught:
        extract_best_file(stray, [V32, v33])
    message = str(caught.value)
    assert message.startswith(f"{stray}: fits none of the forms given; closest: case-audit 3.2 (")
    assert message.endswith("% of its questions found)") and "\n" not in message


# -- the register ------------------------------------------------------------------------------


def test_each_revision_is_stored_with_its_own_form(register: Path) -> None:
    assert _revisions(register) == {
        "A-1": ("case-audit", "3.2"), "C-3": ("case-audit", "3.2"),
        "B-2": ("case-audit", "3.3"), "D-4": ("case-audit", "3.3")}
    with sqlite3.connect(register) as conn:
        fields = {(case, fid) for case, fid in conn.execute(
            "SELECT a.case_text, fv.field_id FROM audits a"
            " JOIN field_values fv ON fv.revision_id = a.current_revision_id")}
    assert ("B-2", "genogram.score") in fields and ("B-2", "q2.score") not in fields
    assert ("A-1", "q2.score") in fields and ("A-1", "genogram.score") not in fields


def test_a_stray_document_is_failed_naming_the_closest(tmp_path: Path, folder: Path,
                                                       stray: Path, v33: Form) -> None:
    db = tmp_path / "r.db"
    summary = ingest([folder / "A-1.docx", folder / "B-2.docx", stray], db, form=[V32, v33],
                     workers=1)
    assert (summary.new, summary.failed) == (2, 1)
    [(path, why)] = summary.failures
    assert path == str(stray) and why.startswith(
        "fits none of the forms given; closest: case-audit 3.2 (")


# -- the workbook ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def book(register: Path, tmp_path_factory: pytest.TempPathFactory, v33: Form) -> Any:
    out = tmp_path_factory.mktemp("book") / "audits.xlsx"
    write_report(register, out, forms=[V32, v33])
    return openpyxl.load_workbook(out)


def test_the_union_keeps_the_first_forms_order_then_the_new_fields(v33: Form) -> None:
    merged = merge_forms([V32, v33])
    assert merged.field_ids == (*V32.field_ids, "genogram.notes", "genogram.score")
    assert merged.field("genogram.score").question == NEW_QUESTION
    assert merge_forms([V32]) is V32


def test_scores_line_up_by_field_id(book: Any) -> None:
    headings = [c.value for c in book["Scores"][1]]
    assert headings.count("q3.score") == 1 and headings[-1] == "genogram.score"
    assert headings.index("q1.score") < headings.index("q2.score") < headings.index("q3.score")
    scores = {r["case_number"]: r for r in rows(book["Scores"], "Scores")}
    assert {case: r["q3.score"] for case, r in scores.items()} == {
        "A-1": 2, "B-2": 2, "C-3": 2, "D-4": 2}
    assert {case: r["q2.score"] for case, r in scores.items()} == {
        "A-1": 3, "B-2": None, "C-3": 3, "D-4": None}
    assert {case: r["genogram.score"] for case, r in scores.items()} == {
        "A-1": None, "B-2": 5, "C-3": None, "D-4": 5}


def test_audits_name_each_audits_form(book: Any) -> None:
    audits = {r["case_number"]: r for r in rows(book["Audits"], "Audits")}
    assert {case: r["form"] for case, r in audits.items()} == {
        "A-1": "case-audit 3.2", "B-2": "case-audit 3.3", "C-3": "case-audit 3.2",
        "D-4": "case-audit 3.3"}
    assert {r["grade.narrative"] for r in audits.values()} == {"Good"}
    assert not rows(book["Problems"], "Problems")


def test_responses_use_each_versions_own_wording(book: Any) -> None:
    responses = rows(book["Responses"], "Responses")
    asked = {r["id"]: r["question"] for r in rows(book["Fields"], "Fields")}
    # own_wording is written where the audit's form words a question otherwise than Fields
    question = {(r["case_number"], r["field_id"]): r["own_wording"] or asked[r["field_id"]]
                for r in responses}
    assert question[("A-1", "q3.score")].startswith("Q3. Is the chronology")
    assert question[("B-2", "q3.score")].startswith("Q2. Is the chronology")
    assert question[("B-2", "genogram.score")] == NEW_QUESTION
    assert ("B-2", "q2.score") not in question and ("A-1", "q2.score") in question
    fields = [r["id"] for r in rows(book["Fields"], "Fields")]
    assert fields[-2:] == ["genogram.notes", "genogram.score"] and "q2.score" in fields


def test_a_form_not_given_is_shown_by_the_first_with_a_problem(register: Path,
                                                                tmp_path: Path) -> None:
    out = tmp_path / "only-32.xlsx"
    write_report(register, out)  # 3.3 is neither given nor bundled
    book = openpyxl.load_workbook(out)
    problems = rows(book["Problems"], "Problems")
    assert sorted(p["case_number"] for p in problems) == ["B-2", "D-4"]
    assert all("read by form case-audit 3.3, whose description was not given" in p["message"]
               for p in problems)
    audits = {r["case_number"]: r for r in rows(book["Audits"], "Audits")}
    assert audits["B-2"]["form"] == "case-audit 3.3" and audits["B-2"]["problems"] == 1
    responses = {(r["case_number"], r["field_id"]) for r in rows(book["Responses"], "Responses")}
    assert ("B-2", "genogram.score") in responses  # kept, though no form given has it
    assert "genogram.score" not in [c.value for c in book["Scores"][1]]


def test_collate_takes_every_version(folder: Path, tmp_path: Path, v33: Form) -> None:
    out = tmp_path / "collated.xlsx"
    summary = collate([folder], out, forms=[V32, v33])
    assert summary.ingest.new == 4
    audits = rows(openpyxl.load_workbook(out)["Audits"], "Audits")
    assert sorted(r["form"] for r in audits) == ["case-audit 3.2"] * 2 + ["case-audit 3.3"] * 2


# -- the command line --------------------------------------------------------------------------


def test_the_cli_takes_form_more_than_once(folder: Path, stray: Path, tmp_path: Path) -> None:
    from caseaudit_docx.cli import cli

    description = tmp_path / "rev.json"
    description.write_text(json.dumps(revision_data()), encoding="utf-8")
    db, out = tmp_path / "x.db", tmp_path / "x.xlsx"
    forms = ["--form", "case-audit-3.2", "--form", str(description)]
    result = CliRunner().invoke(cli, ["ingest", str(folder), *forms, "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("4 new, 0 revised, 0 unchanged, 0 failed")
    assert sorted(_revisions(db).values()) == [("case-audit", "3.2")] * 2 + [
        ("case-audit", "3.3")] * 2
    result = CliRunner().invoke(cli, ["report", "--db", str(db), "-o", str(out), *forms])
    assert result.exit_code == 0, result.output
    assert "genogram.score" in [c.value for c in openpyxl.load_workbook(out)["Scores"][1]]
    refused = CliRunner().invoke(cli, ["ingest", str(stray), *forms, "--db", str(db)])
    assert refused.exit_code == 1 and "fits none of the forms given; closest: case-audit 3.2" \
        in refused.output


def test_a_bundled_form_the_register_names_is_found_by_name(register: Path, tmp_path: Path,
                                                            v33: Form) -> None:
    out = tmp_path / "only-33.xlsx"
    write_report(register, out, forms=[v33])  # v3.2 is bundled: found by its name and version
    book = openpyxl.load_workbook(out)
    assert not rows(book["Problems"], "Problems")
    headings = [c.value for c in book["Scores"][1]]
    assert headings[-1] == "q2.score" and "genogram.score" in headings  # 3.3's order first


def test_two_different_forms_of_one_name_and_version_are_refused(tmp_path: Path,
                                                                 folder: Path) -> None:
    from caseaudit_docx.errors import FormError

    same_name = form_from_json(json.dumps(dict(revision_data(), version="3.2")))
    with pytest.raises(FormError, match=r"both case-audit 3\.2"):
        ingest([folder], tmp_path / "r.db", forms=[V32, same_name])
    assert ingest([folder / "A-1.docx"], tmp_path / "r.db", forms=[V32, V32]).new == 1
