"""Typed controls in the template and generated forms: drop-down lists for choices (with the
form's own N/A wording where its description gives one), combo boxes for scores (a list that
still takes "N/A" typed), date pickers for dates, rich text for notes, all run level with grey
placeholders; ``plain`` keeps the council's all-plain look. Filled the way Word fills them,
every value reads back."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from caseaudit_docx.extract.extract import extract_bytes
from caseaudit_docx.generate.template import build_template, control_type
from caseaudit_docx.model.description import (
    form_from_data,
    form_to_json,
)
from caseaudit_docx.model.form import Answer, Form
from caseaudit_docx.model.normalise import NA
from caseaudit_docx.oxml.ns import qn
from samples import wordfill

from .conftest import OTHER_FORM, ROOT, two_forms

FORMS = two_forms()
LISTED = {"choice", "yes_no"}
COMBO = {"number"}
#: The description files themselves: the N/A wording a list offers must be theirs.
DESCRIPTIONS = {
    "v3.2": ROOT / "caseaudit_docx" / "model" / "forms" / "case-audit-3.2.json",
    "other": OTHER_FORM,
}


def _with_a_mark(form: Form) -> Form:
    """``form`` (one with no number kind) with a 0-10 mark in place of its first judgement,
    so scores are tried on a second form."""
    data: dict[str, Any] = json.loads(form_to_json(form))
    data["kinds"]["mark"] = {"type": "number", "noun": "mark", "minimum": 0, "maximum": 10}
    cell = next(c for b in data["blocks"] for r in b.get("rows", ()) for c in r["cells"]
                if c.get("kind") not in (None, "text", "date", "tick")
                and not c.get("control_type"))
    cell["kind"] = "mark"
    return form_from_data(data)


#: Forms with score fields: v3.2's own, and the other council's form given a mark.
SCORED = {"v3.2": FORMS["v3.2"], "other": _with_a_mark(FORMS["other"])}


def _document(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read("word/document.xml"))


def _controls(data: bytes) -> dict[str, etree._Element]:
    return {sdt.find(f"{qn('w:sdtPr')}/{qn('w:tag')}").get(qn("w:val")): sdt
            for sdt in _document(data).iter(qn("w:sdt"))}


def _answers(form: Form) -> dict[str, Answer]:
    return {cell.field: cell for table in form.tables for row in table.rows
            for cell in row.cells if isinstance(cell, Answer)}


@pytest.mark.parametrize("name", sorted(FORMS))
def test_each_control_is_typed_by_its_kind(name: str) -> None:
    form = FORMS[name]
    controls = _controls(build_template(form=form))
    answers = _answers(form)
    assert sorted(controls) == sorted(f.id for f in form.fields if f.control)
    seen = set()
    for fid, sdt in controls.items():
        pr = sdt.find(qn("w:sdtPr"))
        kind = form.field(fid).kind
        described = answers[fid].control_type
        assert sdt.getparent().tag == qn("w:p"), fid  # run level, inside the cell's paragraph
        listing = pr.find(qn("w:dropDownList"))
        combo = pr.find(qn("w:comboBox"))
        date = pr.find(qn("w:date"))
        if described == "richText" and kind.type in LISTED | COMBO:
            # a score takes typed text too ("N/A"): a combo box, never a drop-down list
            chosen, other = (combo, listing) if kind.type in COMBO else (listing, combo)
            assert other is None, fid
            items = chosen.findall(qn("w:listItem"))
            offered = [*kind.values, *([kind.na] if kind.na else [])]
            assert [(i.get(qn("w:displayText")), i.get(qn("w:value"))) for i in items] == [
                (v, v) for v in offered], fid
            seen.add("combo" if kind.type in COMBO else "list")
        elif described == "richText" and kind.type == "date":
            assert date.get(qn("w:fullDate")) is None  # blank: no stored date
            assert [(c.tag, c.get(qn("w:val"))) for c in date] == [
                (qn("w:dateFormat"), "dd/MM/yyyy"), (qn("w:lid"), "en-GB"),
                (qn("w:storeMappedDataAs"), "date"), (qn("w:calendar"), "gregorian")]
            seen.add("date")
        elif described == "richText":  # notes and other text: rich text, no type element
            assert listing is None and combo is None and date is None, fid
            assert pr.find(qn("w:text")) is None, fid
            seen.add("text")
        else:
            assert control_type(answers[fid], form) == described  # as the description says
    has_number = any(f.kind.type in COMBO for f in form.fields if f.control)
    assert seen == {"list", "date", "text", *(["combo"] if has_number else [])}


@pytest.mark.parametrize("name", sorted(FORMS))
def test_every_control_shows_the_forms_grey_placeholder(name: str) -> None:
    form = FORMS[name]
    data = build_template(form=form)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        glossary = etree.fromstring(package.read("word/glossary/document.xml"))
        styles = etree.fromstring(package.read("word/styles.xml"))
    parts = {p.find(f"{qn('w:docPartPr')}/{qn('w:name')}").get(qn("w:val")):
             "".join(p.find(qn("w:docPartBody")).itertext())
             for p in glossary.iter(qn("w:docPart"))}
    style = next(s for s in styles.iter(qn("w:style"))
                 if s.get(qn("w:styleId")) == "PlaceholderText")
    assert style.find(f"{qn('w:rPr')}/{qn('w:color')}").get(qn("w:val")) == "808080"
    for fid, sdt in _controls(data).items():
        if form.field(fid).kind.type == "checkbox":
            continue  # a check box shows its box, not a placeholder
        pr = sdt.find(qn("w:sdtPr"))
        assert pr.find(qn("w:showingPlcHdr")) is not None
        docpart = pr.find(f"{qn('w:placeholder')}/{qn('w:docPart')}").get(qn("w:val"))
        assert parts[docpart] == form.placeholder
        (run,) = sdt.find(qn("w:sdtContent"))
        assert run.find(f"{qn('w:rPr')}/{qn('w:rStyle')}").get(qn("w:val")) == "PlaceholderText"
        assert run.findtext(qn("w:t")) == form.placeholder


@pytest.mark.parametrize("name", sorted(FORMS))
def test_plain_builds_controls_as_described(name: str) -> None:
    form = FORMS[name]
    answers = _answers(form)
    for fid, sdt in _controls(build_template(form=form, plain=True)).items():
        pr = sdt.find(qn("w:sdtPr"))
        described = answers[fid].control_type
        assert control_type(answers[fid], form, plain=True) == described
        if described == "richText":  # the council's look: a block-level box in the cell
            assert sdt.getparent().tag == qn("w:tc"), fid
            assert pr.find(qn("w:dropDownList")) is None and pr.find(qn("w:date")) is None
        else:
            assert sdt.getparent().tag == qn("w:p"), fid


def _word_answers(form: Form) -> tuple[dict[str, str], dict[str, str], dict[str, object]]:
    """For each control field: what Word writes, how (a mode of samples/wordfill.py) and the
    value the record should hold. Lists get an item picked, dates a picked date."""
    answers, modes, expected = {}, {}, {}
    for index, fld in enumerate(f for f in form.fields if f.control):
        typed = control_type(_answers(form)[fld.id], form)
        if typed in ("dropDownList", "comboBox"):
            value = fld.kind.values[index % len(fld.kind.values)]
            answers[fld.id], modes[fld.id] = value, "choose"
            expected[fld.id] = int(value) if fld.kind.type == "number" else value
        elif typed == "date":
            day = f"2024-0{index % 9 + 1}-1{index % 10}"
            answers[fld.id], modes[fld.id], expected[fld.id] = day, "date_picker", day
        elif typed == "checkbox":
            answers[fld.id], modes[fld.id], expected[fld.id] = "true", "tick", True
        elif fld.kind.type == "text":
            text = f"Note {index} for {fld.id}"
            answers[fld.id], modes[fld.id], expected[fld.id] = text, "typed", text
    return answers, modes, expected


@pytest.mark.parametrize("name", sorted(FORMS))
def test_word_filled_lists_and_dates_read_back(name: str) -> None:
    form = FORMS[name]
    answers, modes, expected = _word_answers(form)
    filled = wordfill.fill_form(build_template(form=form), answers, modes=modes, form=form)
    for fid, sdt in _controls(filled).items():  # as Word leaves a control it filled
        if fid in answers:
            assert sdt.find(f"{qn('w:sdtPr')}/{qn('w:showingPlcHdr')}") is None, fid
    dates = [sdt.find(f"{qn('w:sdtPr')}/{qn('w:date')}") for sdt in _controls(filled).values()]
    assert all(d.get(qn("w:fullDate")) for d in dates if d is not None)
    record = extract_bytes(filled, "filled.docx", form=form)
    got = {fid: record.fields[fid].value for fid in expected}
    assert got == expected
    assert [p for p in record.problems if p.level == "error"] == []


def test_the_bundled_template_is_typed_and_its_untagged_twin_plain() -> None:
    templates = ROOT / "caseaudit_docx" / "templates"
    typed = (templates / "case-audit-3.2.docx").read_bytes()
    untagged = (templates / "case-audit-3.2-untagged.docx").read_bytes()
    assert any(s.find(f"{qn('w:sdtPr')}/{qn('w:dropDownList')}") is not None
               for s in _controls(typed).values())
    assert all(s.getparent().tag == qn("w:tc") for s in _document(untagged).iter(qn("w:sdt")))


def test_generated_forms_prefill_date_pickers(tmp_path: Path) -> None:
    from caseaudit_docx.generate.generate import generate_forms

    form = FORMS["other"]
    cases = tmp_path / "cases.csv"
    case, date = (form.field(form.roles.case), next(f for f in form.prefill_fields
                                                    if f.kind.type == "date"))
    cases.write_text(f"{case.question},{date.question}\nPQR-1,05/06/2024\n", "utf-8")
    result = generate_forms(cases, tmp_path / "out", form=form, jobs=1)
    data = result.forms[0].path.read_bytes()
    sdt = _controls(data)[date.id]
    pr = sdt.find(qn("w:sdtPr"))
    assert pr.find(qn("w:date")).get(qn("w:fullDate")) == "2024-06-05T00:00:00Z"
    assert pr.find(qn("w:showingPlcHdr")) is None
    assert "".join(sdt.find(qn("w:sdtContent")).itertext()) == "05/06/2024"
    assert sdt.find(f".//{qn('w:rStyle')}") is None  # shown as a value, not as placeholder
    record = extract_bytes(data, "generated.docx", form=form)
    assert record.fields[date.id].value == "2024-06-05"


def test_the_cli_writes_typed_or_plain(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from caseaudit_docx.cli import cli

    for flags, name in (([], "typed.docx"), (["--plain"], "plain.docx")):
        result = CliRunner().invoke(cli, ["template", "-o", str(tmp_path / name), *flags])
        assert result.exit_code == 0, result.output
    typed = _controls((tmp_path / "typed.docx").read_bytes())
    plain = _controls((tmp_path / "plain.docx").read_bytes())
    assert sorted(typed) == sorted(plain)
    lists = [f for f, s in typed.items()
             if s.find(f"{qn('w:sdtPr')}/{qn('w:dropDownList')}") is not None]
    assert lists and all(
        plain[f].find(f"{qn('w:sdtPr')}/{qn('w:dropDownList')}") is None for f in lists)
    assert (tmp_path / "plain.docx").read_bytes() == build_template(plain=True)


def _sdt_pr(data: bytes) -> dict[str, etree._Element]:
    return {fid: sdt.find(qn("w:sdtPr")) for fid, sdt in _controls(data).items()}


@pytest.mark.parametrize("name", sorted(SCORED))
def test_a_score_is_a_combo_box_that_takes_na_typed(name: str) -> None:
    form = SCORED[name]
    blank = build_template(form=form)
    pr = _sdt_pr(blank)
    scores = [f for f in form.fields if f.control and f.kind.type == "number"
              and _answers(form)[f.id].control_type == "richText"]
    assert scores
    for fld in scores:  # Word and LibreOffice let a combo box take text beyond its items
        assert pr[fld.id].find(qn("w:comboBox")) is not None, fld.id
        assert pr[fld.id].find(qn("w:dropDownList")) is None, fld.id
    written = ("N/A", "Not applicable", "n/a - no siblings")  # as the auditors of sample 11
    answers, modes, expected = {}, {}, {}
    for index, fld in enumerate(scores):
        if index % 2:
            value = fld.kind.values[index % len(fld.kind.values)]
            answers[fld.id], modes[fld.id], expected[fld.id] = value, "choose", int(value)
        else:
            answers[fld.id], modes[fld.id] = written[index // 2 % len(written)], "typed"
            expected[fld.id] = NA
    filled = wordfill.fill_form(blank, answers, modes=modes, form=form)
    record = extract_bytes(filled, "filled.docx", form=form)
    assert {fid: record.fields[fid].value for fid in expected} == expected
    assert {fid: record.fields[fid].text for fid in answers} == answers
    assert not [p for p in record.problems if p.field in expected]


@pytest.mark.parametrize("name", sorted(FORMS))
def test_a_list_offers_the_forms_own_na_wording(name: str) -> None:
    form = FORMS[name]
    kinds = json.loads(DESCRIPTIONS[name].read_text("utf-8"))["kinds"]
    pr = _sdt_pr(build_template(form=form))
    offered, without = set(), set()
    for fld in form.fields:
        listing = pr[fld.id].find(qn("w:dropDownList")) if fld.id in pr else None
        if listing is None:
            continue
        shown = [i.get(qn("w:displayText")) for i in listing.iter(qn("w:listItem"))]
        wording = kinds[fld.kind.name].get("na")
        if wording:
            assert shown == [*fld.kind.values, wording], fld.id
            offered.add(wording)
        else:
            assert shown == list(fld.kind.values), fld.id
            without.add(fld.kind.name)
    assert offered  # each form says N/A its own way ("Not applicable", "N/A")
    assert name == "v3.2" or without  # and a kind that gives no wording offers none


@pytest.mark.parametrize("name", sorted(FORMS))
def test_choosing_the_na_item_reads_as_na(name: str) -> None:
    form = FORMS[name]
    data: dict[str, Any] = json.loads(form_to_json(form))
    for kind in data["kinds"].values():  # the wording is the description's: change it there
        if kind.get("na"):
            kind["na"] = "N.A. (see notes)"
    changed = form_from_data(data)
    blank = build_template(form=changed)
    lists = [f for f in changed.fields if f.kind.na
             and control_type(_answers(changed)[f.id], changed) == "dropDownList"]
    assert lists
    pr = _sdt_pr(blank)
    assert all(pr[f.id].find(f".//{qn('w:listItem')}[last()]").get(qn("w:value"))
               == "N.A. (see notes)" for f in lists)
    answers = {f.id: "N.A. (see notes)" for f in lists}
    filled = wordfill.fill_form(blank, answers, modes=dict.fromkeys(answers, "choose"),
                                form=changed)
    record = extract_bytes(filled, "filled.docx", form=changed)
    assert {f: record.fields[f].value for f in answers} == dict.fromkeys(answers, NA)
    assert not [p for p in record.problems if p.field in answers]
