"""Form description files: the bundled v3.2 file, loading by name or path, and the checks."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from caseaudit_docx.errors import FormError
from caseaudit_docx.model import description
from caseaudit_docx.model.description import (
    DEFAULT_FORM,
    bundled_form,
    bundled_form_names,
    form_from_data,
    form_from_json,
    form_to_json,
    load_form,
)

from .conftest import ROOT

BUNDLED = ROOT / "caseaudit_docx" / "model" / "forms" / "case-audit-3.2.json"
#: The header ids of docs/fields.md: rows of its first id table ("| case_number | Case Number |").
CONTRACT_IDS = [cells[1].strip() for cells in (
    line.split("|") for line in (ROOT / "docs" / "fields.md").read_text("utf-8")
    .split("## Field ids")[1].splitlines())
    if len(cells) == 5 and cells[1].strip().replace("_", "").isalpha()
    and cells[1].strip().islower() and cells[1].strip() not in ("id", "ids", "kind")]


def _data() -> dict[str, Any]:
    return json.loads(BUNDLED.read_text("utf-8"))


def test_the_bundled_file_is_written_as_the_writer_writes_it() -> None:
    # Loading and writing again gives the file byte for byte: hand edits stay readable, and
    # a form learned or edited in code is written the same way.
    assert form_to_json(bundled_form()) == BUNDLED.read_text("utf-8")


def test_writing_and_reading_give_the_same_form() -> None:
    form = bundled_form()
    assert form_from_json(form_to_json(form)) == form


def test_the_default_form_is_v32_and_listed() -> None:
    assert DEFAULT_FORM in bundled_form_names()
    form = load_form(None)
    assert (form.name, form.version, form.key) == ("case-audit", "3.2", DEFAULT_FORM)
    assert load_form(DEFAULT_FORM) == form
    assert load_form(form) is form


def test_a_description_file_is_loaded_by_path(tmp_path: Path) -> None:
    data = _data()
    data["version"] = "3.3"
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    form = load_form(path)
    assert form.version == "3.3" and form.field_ids == bundled_form().field_ids


def test_an_unknown_name_lists_the_bundled_forms(tmp_path: Path) -> None:
    with pytest.raises(FormError, match=r"case-audit-3\.2"):
        load_form(tmp_path / "missing.json")
    with pytest.raises(FormError, match="no bundled form 'nope'"):
        bundled_form("nope")


def test_every_contract_header_id_is_a_field() -> None:
    ids = set(bundled_form().field_ids)
    assert CONTRACT_IDS and set(CONTRACT_IDS) <= ids


def test_roles_and_report_name_fields_of_the_form() -> None:
    form = bundled_form()
    roles = form.roles
    assert roles.identity == ("case_number", "auditor", "audit_start_date")
    assert [f.id for f in form.prefill_fields] == list(roles.prefill)
    assert form.kind_of(roles.overall or "").name == "grade"


def test_columns_are_the_printed_headings() -> None:
    form = bundled_form()
    assert form.field("q1.score").column == "Auditor\u2019s response"
    assert form.field("q42.auditor").column == "Auditor\u2019s Score"  # not the scale row
    assert form.field("case_number").column == "Case Number"
    assert form.field("action3.by_when").column == "By when"


def _broken(change: Any) -> str:
    data = _data()
    change(data)
    return json.dumps(data)


def _cell(data: dict[str, Any], field: str) -> dict[str, Any]:
    for block in data["blocks"]:
        for row in block.get("rows", []):
            for cell in row["cells"]:
                if cell.get("field") == field:
                    return dict(cell)
    raise KeyError(field)


def _set_cell(data: dict[str, Any], field_id: str, **changes: Any) -> None:
    for block in data["blocks"]:
        for row in block.get("rows", []):
            for cell in row["cells"]:
                if cell.get("field") == field_id:
                    cell.update(changes)


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: _set_cell(d, "q2.score", kind="scroe"),
     r"blocks\[\d+\]\.rows\[\d+\]\.cells\[2\]: unknown kind 'scroe'"),
    (lambda d: _set_cell(d, "q3.score", field="q2.score"), "field id 'q2.score' is used twice"),
    (lambda d: d["roles"].update(team="teem"), "roles.team: 'teem' is not a field"),
    (lambda d: d["kinds"]["score"].update(type="scale"), "kinds.score: unknown type 'scale'"),
    (lambda d: d["kinds"]["score"].pop("maximum"), "kinds.score: a number kind needs"),
    (lambda d: d["kinds"]["grade"]["options"].clear(), "kinds.grade: a choice kind needs"),
    (lambda d: d["sections"].pop(), "section 'moderation', which 'sections' does not list"),
    (lambda d: d.update(format="something"), "not a caseaudit form description"),
    (lambda d: d.update(format_version=9), "upgrade caseaudit-docx"),
    (lambda d: d.update(colour="red"), "unknown key 'colour'"),
    (lambda d: d["roles"].pop("case"), "roles: 'case' is missing"),
    (lambda d: d["blocks"][1]["rows"][0]["cells"].pop(), "its cells span 4 grid columns"),
    (lambda d: _set_cell(d, "q4.score", control_type="slider"), "unknown control_type 'slider'"),
    (lambda d: d["report"].update(score_kinds=["marks"]), "'marks' is not one of the form's"),
])
def test_a_broken_description_says_where(change: Any, message: str) -> None:
    with pytest.raises(FormError, match=message):
        form_from_json(_broken(change), where="mine.json")


def test_bad_json_names_the_line() -> None:
    with pytest.raises(FormError, match=r"mine.json: is not valid JSON \(line 2"):
        form_from_json('{\n  "format": ,\n}', where="mine.json")


def test_comments_are_allowed_anywhere() -> None:
    data = _data()
    data["comment"] = "ours, edited for the 2021 revision"
    data["kinds"]["score"]["comment"] = "1-5"
    assert form_from_data(copy.deepcopy(data)).title == bundled_form().title


def test_the_module_lists_its_control_types() -> None:
    cell = _cell(_data(), "q1.score")
    assert cell.get("control_type", "richText") in description.CONTROL_TYPES


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["kinds"]["grade"].update(misspelling_cutoff="high"),
     "'misspelling_cutoff' should be a number"),
    (lambda d: d["kinds"]["grade"]["options"][1]["patterns"].append("("),
     "is not a regular expression"),
    (lambda d: _set_cell(d, "q2.score", span=-1), "'span' should be 1 or more"),
    (lambda d: d["blocks"][1].update(widths_cm=[True, 3, 3, 3, 3]), "'widths_cm' should list"),
])
def test_values_a_stage_would_trip_on_are_refused_at_load(change: Any, message: str) -> None:
    with pytest.raises(FormError, match=message):
        form_from_json(_broken(change), where="mine.json")


def test_a_bare_option_is_matched_as_written() -> None:
    from caseaudit_docx.model.normalise import normalise

    data = _data()
    data["kinds"]["agree"] = {"type": "choice", "noun": "answer", "options": ["Agree", "Disagree"]}
    _set_cell(data, "q2.score", kind="agree")
    form = form_from_data(data)
    assert normalise(form.kinds["agree"], "disagree").value == "Disagree"
    assert '"options": ["Agree", "Disagree"]' in form_to_json(form)  # written back as it was
    assert form_from_json(form_to_json(form)) == form


def test_no_person_columns_is_kept_apart_from_the_default() -> None:
    data = _data()
    data["report"]["person_columns"] = []
    form = form_from_data(data)
    assert form.report.person_columns == ()
    assert form_from_json(form_to_json(form)).report.person_columns == ()
